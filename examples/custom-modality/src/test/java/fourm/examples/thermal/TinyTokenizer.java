package fourm.examples.thermal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A tiny thermal tokenizer for the tests, trained once per test JVM with {@link ThermalTokenizerTraining} from the
 * plugin's node with a small architecture and a short run laid over it.
 */
final class TinyTokenizer {
    /** The small architecture and run, over the plugin's defaults. */
    static final String OVERRIDES = "tokenizer {\n"
            + "  model {\n"
            + "    encoder { dim = 32, depth = 1, heads = 2 }\n"
            + "    decoder { dim = 32, depth = 1, heads = 2 }\n"
            + "    quantizer { latent-dim = 8 }\n"
            + "  }\n"
            + "  train { steps = 60, batch-size = 8, lr = 3e-3, warmup-steps = 5 }\n"
            + "}\n";

    private static ThermalTokenizerTraining.Result trained;

    private TinyTokenizer() {
    }

    /** The plugin's reference node with the tiny settings (no checkpoint). */
    static Config node() {
        return ConfigFactory.parseString(OVERRIDES)
                .withFallback(ConfigFactory.defaultReference().getConfig("fourm.modality.thermal"));
    }

    /** The tiny tokenizer's training run (trained on first call). */
    static synchronized ThermalTokenizerTraining.Result trained() {
        if (trained == null) {
            try {
                Path dir = Files.createTempDirectory("thermal-tokenizer");
                dir.toFile().deleteOnExit();
                Path out = dir.resolve("tokenizer.safetensors");
                out.toFile().deleteOnExit();
                trained = ThermalTokenizerTraining.train(node(), out, null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return trained;
    }

    /** The tiny node pointing at the trained checkpoint. */
    static Config nodeWithCheckpoint() {
        return ConfigFactory.parseString("tokenizer.checkpoint = \""
                + trained().checkpoint().toString().replace("\\", "/") + "\"").withFallback(node());
    }
}
