package fourm.torchscript;

import com.typesafe.config.Config;
import fourm.api.ConfigReader;
import fourm.api.label.ImageInput;
import fourm.api.label.PseudoLabeler;
import fourm.api.label.PseudoLabelerProvider;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * {@code features:torchscript}: a dense map (feature map, depth, normals, class scores) from any TorchScript model,
 * through {@link TorchScriptLabeler}. Settings under {@code fourm.labelers.torchscript}: {@code file} (required),
 * {@code size} ({@code [height, width]}), {@code range}, {@code mean}, {@code std}, {@code output},
 * {@code output-layout}; see the module's {@code reference.conf}. Unknown keys and out-of-range values are refused by
 * name.
 */
public final class TorchScriptProvider implements PseudoLabelerProvider {
    private static final Set<String> KEYS = Set.of("file", "size", "range", "mean", "std", "output", "output-layout");

    /** Constructed by the service loader. */
    public TorchScriptProvider() {
    }

    @Override
    public String name() {
        return "features:torchscript";
    }

    @Override
    public String configPath() {
        return "fourm.labelers.torchscript";
    }

    @Override
    public PseudoLabeler open(Config node) {
        ConfigReader r = ConfigReader.of(node, KEYS);
        String file = node.getString("file");
        if (file.isBlank()) {
            throw r.bad("file", "no TorchScript file is set; set " + configPath()
                    + ".file to a .pt file written by torch.jit.save");
        }
        float[] size = r.numbers("size", 2, 1, false);
        if (size[0] != Math.rint(size[0]) || size[1] != Math.rint(size[1]) || size[0] > 16384 || size[1] > 16384) {
            throw r.bad("size", "expected [height, width], two integers in [1, 16384], got "
                    + node.getValue("size").render());
        }
        double range = node.getDouble("range");
        if (!(range > 0) || !Double.isFinite(range)) {
            throw r.bad("range", "expected a positive number (1 for [0, 1], 255 for [0, 255]), got " + range);
        }
        int output = node.getInt("output");
        if (output < 0 || output > 1024) {
            throw r.bad("output", "expected an output index in [0, 1024], got " + output);
        }
        String layout = node.getString("output-layout").trim().toUpperCase(Locale.ROOT);
        if (!layout.equals("NCHW") && !layout.equals("NHWC")) {
            throw r.bad("output-layout", "expected NCHW or NHWC, got '" + node.getString("output-layout") + "'");
        }
        var image = new ImageInput((int) size[0], (int) size[1], (float) range,
                r.numbers("mean", 3, -Double.MAX_VALUE, false), r.numbers("std", 3, 0, true));
        var options = new TorchScriptLabeler.Options(name(), "features", image, output,
                TorchScriptLabeler.Layout.valueOf(layout));
        return TorchScriptLabeler.open(Path.of(file), options);
    }

}
