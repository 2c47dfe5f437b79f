package fourm.tfjs.label;

import com.typesafe.config.Config;
import fourm.api.ConfigReader;
import fourm.api.label.PseudoLabeler;
import fourm.api.label.PseudoLabelerProvider;
import fourm.tfjs.TfjsModel;
import java.util.Set;

/**
 * {@code person-mask:selfie}: a person-probability mask ({@code person-mask}, one channel in [0, 1] over the photo)
 * from MediaPipe's selfie segmentation (Apache-2.0). Settings under {@code fourm.labelers.selfie}: {@code model},
 * {@code threads}, {@code output}.
 */
public final class SelfieProvider implements PseudoLabelerProvider {
    private static final Set<String> KEYS = Set.of("model", "threads", "output");

    /** Constructed by the service loader. */
    public SelfieProvider() {
    }

    @Override
    public String name() {
        return "person-mask:selfie";
    }

    @Override
    public String configPath() {
        return "fourm.labelers.selfie";
    }

    @Override
    public PseudoLabeler open(Config node) {
        ConfigReader s = ConfigReader.of(node, KEYS);
        var model = s.path("model");
        int threads = s.integer("threads", 1, 256);
        String output = s.string("output");
        TfjsModel m = Providers.load(name(), model, threads);
        // The selfie model takes RGB scaled to [0, 1].
        return Providers.closingOnFailure(m, () -> new DenseLabeler(name(), "person-mask", m,
                Providers.squareSide(m, 1, 2), output, "person-probability",
                new DenseLabeler.InputScaling(1f / 255f, 0f)));
    }
}
