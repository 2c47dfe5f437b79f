package fourm.tfjs.label;

import com.typesafe.config.Config;
import fourm.api.ConfigReader;
import fourm.api.label.PseudoLabeler;
import fourm.api.label.PseudoLabelerProvider;
import fourm.tfjs.TfjsModel;
import java.util.Set;

/**
 * {@code features:movenet-backbone}: a feature-map label, one node of MoveNet's MobileNetV2 backbone (by default its
 * last layer, {@code [6, 6, 1280]} over the photo), for a {@code features} modality. MoveNet is Apache-2.0. Settings
 * under {@code fourm.labelers.movenet-backbone}: {@code model}, {@code threads}, {@code node}.
 */
public final class MoveNetBackboneProvider implements PseudoLabelerProvider {
    private static final Set<String> KEYS = Set.of("model", "threads", "node");

    /** Constructed by the service loader. */
    public MoveNetBackboneProvider() {
    }

    @Override
    public String name() {
        return "features:movenet-backbone";
    }

    @Override
    public String configPath() {
        return "fourm.labelers.movenet-backbone";
    }

    @Override
    public PseudoLabeler open(Config node) {
        ConfigReader s = ConfigReader.of(node, KEYS);
        var model = s.path("model");
        int threads = s.integer("threads", 1, 256);
        String tensor = s.string("node");
        TfjsModel m = Providers.load(name(), model, threads);
        // MoveNet takes RGB 0..255 (as int32) and normalises inside the graph.
        return Providers.closingOnFailure(m, () -> new DenseLabeler(name(), "features", m,
                Providers.squareSide(m, 1, 2), tensor, tensor, new DenseLabeler.InputScaling(1f, 0f)));
    }
}
