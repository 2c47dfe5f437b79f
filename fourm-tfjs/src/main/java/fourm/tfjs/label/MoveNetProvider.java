package fourm.tfjs.label;

import com.typesafe.config.Config;
import fourm.api.ConfigReader;
import fourm.api.label.PseudoLabeler;
import fourm.api.label.PseudoLabelerProvider;
import fourm.tfjs.TfjsModel;
import java.util.Set;

/**
 * {@code keypoints:movenet}: COCO-17 body keypoints for the {@code keypoints} modality, from MoveNet SinglePose
 * Lightning (Apache-2.0). Settings under {@code fourm.labelers.movenet}: {@code model}, {@code threads},
 * {@code person-threshold}.
 */
public final class MoveNetProvider implements PseudoLabelerProvider {
    private static final Set<String> KEYS = Set.of("model", "threads", "person-threshold");

    /** Constructed by the service loader. */
    public MoveNetProvider() {
    }

    @Override
    public String name() {
        return "keypoints:movenet";
    }

    @Override
    public String configPath() {
        return "fourm.labelers.movenet";
    }

    @Override
    public PseudoLabeler open(Config node) {
        ConfigReader s = ConfigReader.of(node, KEYS);
        var model = s.path("model");
        int threads = s.integer("threads", 1, 256);
        float person = s.fraction("person-threshold");
        TfjsModel m = Providers.load(name(), model, threads);
        return Providers.closingOnFailure(m, () -> new MoveNetLabeler(m, Providers.squareSide(m, 1, 2), person));
    }
}
