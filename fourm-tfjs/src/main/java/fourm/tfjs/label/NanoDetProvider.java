package fourm.tfjs.label;

import com.typesafe.config.Config;
import fourm.api.ConfigReader;
import fourm.api.label.PseudoLabeler;
import fourm.api.label.PseudoLabelerProvider;
import fourm.tfjs.TfjsModel;
import java.util.Set;

/**
 * {@code det:nanodet}: COCO boxes for the {@code det} modality, from NanoDet (Apache-2.0). Settings under
 * {@code fourm.labelers.nanodet}: {@code model}, {@code threads}, {@code score-threshold}, {@code iou-threshold},
 * {@code max-detections}.
 */
public final class NanoDetProvider implements PseudoLabelerProvider {
    private static final Set<String> KEYS = Set.of("model", "threads", "score-threshold", "iou-threshold",
            "max-detections");

    /** Constructed by the service loader. */
    public NanoDetProvider() {
    }

    @Override
    public String name() {
        return "det:nanodet";
    }

    @Override
    public String configPath() {
        return "fourm.labelers.nanodet";
    }

    @Override
    public PseudoLabeler open(Config node) {
        ConfigReader s = ConfigReader.of(node, KEYS);
        var model = s.path("model");
        int threads = s.integer("threads", 1, 256);
        float score = s.fraction("score-threshold");
        float iou = s.fraction("iou-threshold");
        int max = s.integer("max-detections", 1, 10_000);
        TfjsModel m = Providers.load(name(), model, threads);
        return Providers.closingOnFailure(m, () -> new NanoDetLabeler(m, Providers.squareSide(m, 2, 3), score, iou,
                max));
    }
}
