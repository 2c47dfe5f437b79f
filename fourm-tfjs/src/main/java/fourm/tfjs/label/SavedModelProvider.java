package fourm.tfjs.label;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import fourm.api.ConfigReader;
import fourm.api.label.ImageInput;
import fourm.api.label.PseudoLabeler;
import fourm.api.label.PseudoLabelerProvider;
import java.util.Set;

/**
 * {@code features:savedmodel}: a dense map (feature map, depth, normals, class scores) from any TensorFlow SavedModel,
 * through {@link SavedModelLabeler}. Settings under {@code fourm.labelers.savedmodel}: {@code dir} (required),
 * {@code tags}, {@code signature}, {@code input}, {@code output}, {@code size} ({@code [height, width]}),
 * {@code layout}, {@code output-layout}, {@code range}, {@code mean}, {@code std}, {@code threads}; see the module's
 * {@code reference.conf}.
 */
public final class SavedModelProvider implements PseudoLabelerProvider {
    private static final Set<String> KEYS = Set.of("dir", "tags", "signature", "input", "output", "size", "layout",
            "output-layout", "range", "mean", "std", "threads");
    private static final Set<String> LAYOUTS = Set.of("NHWC", "NCHW");

    /** Constructed by the service loader. */
    public SavedModelProvider() {
    }

    @Override
    public String name() {
        return "features:savedmodel";
    }

    @Override
    public String configPath() {
        return "fourm.labelers.savedmodel";
    }

    @Override
    public PseudoLabeler open(Config node) {
        ConfigReader s = ConfigReader.of(node, KEYS);
        if (node.hasPath("dir") && node.getString("dir").isBlank()) {
            throw new ConfigException.BadValue(node.getValue("dir").origin(), "dir", "no SavedModel directory is set;"
                    + " set " + configPath() + ".dir to a directory written by tf.saved_model.save");
        }
        var dir = s.path("dir");
        float[] size = s.numbers("size", 2, 1, false);
        if (size[0] != Math.rint(size[0]) || size[1] != Math.rint(size[1]) || size[0] > 16384 || size[1] > 16384) {
            throw new ConfigException.BadValue(node.getValue("size").origin(), "size",
                    "expected [height, width], two integers in [1, 16384], got " + node.getValue("size").render());
        }
        var options = new SavedModelLabeler.Options(name(), "features", s.strings("tags"), s.string("signature"),
                s.optionalString("input"), s.optionalString("output"),
                SavedModelLabeler.Layout.valueOf(s.choice("layout", LAYOUTS)),
                SavedModelLabeler.Layout.valueOf(s.choice("output-layout", LAYOUTS)),
                new ImageInput((int) size[0], (int) size[1], (float) s.positive("range"),
                        s.numbers("mean", 3, -Double.MAX_VALUE, false), s.numbers("std", 3, 0, true)),
                s.integer("threads", 1, 256));
        return SavedModelLabeler.open(dir, options);
    }
}
