package fourm.torchscript;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import fourm.api.label.ImageInput;
import fourm.api.label.PseudoLabeler;
import fourm.api.label.PseudoLabelerProvider;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

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
        for (Map.Entry<String, ConfigValue> e : node.root().entrySet()) {
            if (!KEYS.contains(e.getKey())) {
                throw new ConfigException.BadPath(e.getValue().origin(), e.getKey(),
                        "unknown key; expected one of " + new TreeSet<>(KEYS));
            }
        }
        String file = node.getString("file");
        if (file.isBlank()) {
            throw new ConfigException.BadValue(node.getValue("file").origin(), "file", "no TorchScript file is set;"
                    + " set " + configPath() + ".file to a .pt file written by torch.jit.save");
        }
        float[] size = numbers(node, "size", 2, 1, false);
        if (size[0] != Math.rint(size[0]) || size[1] != Math.rint(size[1]) || size[0] > 16384 || size[1] > 16384) {
            throw bad(node, "size", "expected [height, width], two integers in [1, 16384], got "
                    + node.getValue("size").render());
        }
        double range = node.getDouble("range");
        if (!(range > 0) || !Double.isFinite(range)) {
            throw bad(node, "range", "expected a positive number (1 for [0, 1], 255 for [0, 255]), got " + range);
        }
        int output = node.getInt("output");
        if (output < 0 || output > 1024) {
            throw bad(node, "output", "expected an output index in [0, 1024], got " + output);
        }
        String layout = node.getString("output-layout").trim().toUpperCase(Locale.ROOT);
        if (!layout.equals("NCHW") && !layout.equals("NHWC")) {
            throw bad(node, "output-layout", "expected NCHW or NHWC, got '" + node.getString("output-layout") + "'");
        }
        var image = new ImageInput((int) size[0], (int) size[1], (float) range,
                numbers(node, "mean", 3, -Double.MAX_VALUE, false), numbers(node, "std", 3, 0, true));
        var options = new TorchScriptLabeler.Options(name(), "features", image, output,
                TorchScriptLabeler.Layout.valueOf(layout));
        return TorchScriptLabeler.open(Path.of(file), options);
    }

    private static ConfigException bad(Config node, String key, String message) {
        return new ConfigException.BadValue(node.getValue(key).origin(), key, message);
    }

    /** {@code count} finite numbers, each {@code >= min} (or {@code > min} when {@code strict}). */
    private static float[] numbers(Config node, String key, int count, double min, boolean strict) {
        List<Double> list = node.getDoubleList(key);
        if (list.size() != count) {
            throw bad(node, key, "expected " + count + " numbers, got " + list.size());
        }
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            double v = list.get(i);
            if (!Double.isFinite(v) || v < min || (strict && v == min)) {
                throw bad(node, key, "expected numbers " + (strict ? "> " : ">= ") + min + ", got " + v
                        + " at position " + i);
            }
            out[i] = (float) v;
        }
        return out;
    }
}
