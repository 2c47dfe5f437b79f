package fourm.vq;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.typesafe.config.ConfigFactory;
import fourm.core.io.SafetensorsReader;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The tokenizer kinds of the golden files in {@code src/test/resources/reference-golden} (made by the reference's own
 * {@code VQVAE} with tiny random weights, see {@code tools/reference-golden/README.md}): loaded with the reference's
 * key names, every key used, they give the reference's token ids and its latents, quantized latents and decoded
 * outputs within 1e-5.
 */
class ReferenceGoldenParityTest {
    /** The tolerance of one network pass. */
    private static final double TOL = 1e-5;

    /**
     * Each variant's architecture, from its {@code constructor_kwargs} and {@code vit_tiny} (width 32, depth 2,
     * 4 heads). Feature maps: image-size is the reference's {@code image_size / patch_size}, patch 1.
     */
    private static final String VIT = "encoder { type = vit, dim = 32, depth = 2, heads = 4 }, "
            + "decoder { type = vit, dim = 32, depth = 2, heads = 4 }, ";
    private static final Map<String, String> CONFIGS = Map.of(
            "sam_instance", "family = binary-mask, image-size = 64, channels = 1, patch-size = 16, post-mlp = false, "
                    + "out-conv = true, " + VIT + "quantizer { type = lucid, codebook-size = 96, latent-dim = 32 }",
            "rgb_outconv", "family = rgb, image-size = 32, channels = 3, patch-size = 8, post-mlp = true, "
                    + "out-conv = true, " + VIT + "quantizer { type = lucid, codebook-size = 64, latent-dim = 16 }",
            "pose", "family = global-embedding, image-size = 1, channels = 207, patch-size = 1, loss = smooth-l1, "
                    + "encoder { type = bottleneck-mlp, dim = 32, depth = 2 }, "
                    + "decoder { type = bottleneck-mlp, dim = 32, depth = 2 }, "
                    + "quantizer { type = memcodes, codebook-size = 64, latent-dim = 64, heads = 8 }",
            "lucid_multi", "family = rgb, image-size = 32, channels = 3, patch-size = 8, post-mlp = true, " + VIT
                    + "quantizer { type = lucid, codebook-size = 64, latent-dim = 16, heads = 3 }",
            "rgb_nopostmlp", "family = rgb, image-size = 32, channels = 3, patch-size = 8, post-mlp = false, " + VIT
                    + "quantizer { type = lucid, codebook-size = 128, latent-dim = 16 }",
            "featuremap", "family = feature-map, image-size = 4, channels = 24, patch-size = 1, post-mlp = true, "
                    + VIT + "quantizer { type = lucid, codebook-size = 128, latent-dim = 16 }");

    static VqConfig config(String variant) {
        return VqConfig.fromConfig(variant, ConfigFactory.parseString(CONFIGS.get(variant)));
    }

    static Path golden(String file) {
        URL url = ReferenceGoldenParityTest.class.getResource("/reference-golden/" + file);
        assertThat(url).as("test resource reference-golden/%s", file).isNotNull();
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double maxAbsDiff(NDArray a, NDArray b) {
        assertThat(a.getShape()).isEqualTo(b.getShape());
        return a.sub(b).abs().max().getFloat();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sam_instance", "rgb_outconv", "pose", "lucid_multi", "rgb_nopostmlp", "featuremap"})
    void theReferenceTokenizerIsReproduced(String variant) throws IOException {
        VqConfig c = config(variant);
        Path weights = golden(variant + ".safetensors");
        try (VqModel model = VqCheckpoints.load(weights, c, VqCheckpoints.Scope.FULL);
             SafetensorsReader file = SafetensorsReader.open(weights);
             SafetensorsReader io = SafetensorsReader.open(golden(variant + ".io.safetensors"));
             NDManager m = NDManager.newBaseManager()) {
            assertThat(model.stateDictKeys()).containsExactlyElementsOf(file.keys());
            NDArray input = io.toNDArray(m, "input");
            long[] tokens = model.tokenize(m, input);
            assertThat(tokens).as("token ids").isEqualTo(io.longs("tokens"));

            NDArray quant = io.toNDArray(m, "quant");
            long[] q = quant.getShape().getShape();
            int batch = (int) q[0];
            int gh = (int) q[2];
            int gw = (int) q[3];
            double latent = maxAbsDiff(model.latentMap(m, input), io.toNDArray(m, "latent"));
            double quantized = maxAbsDiff(model.embedTokens(m, tokens, batch, gh, gw), quant);
            double decoded = maxAbsDiff(model.decodeTokens(m, tokens, batch, gh, gw), io.toNDArray(m, "decoded"));
            double forward = maxAbsDiff(model.forward(m, input, false, null).output(), io.toNDArray(m, "decoded"));
            System.out.printf("%s: max |diff| latent %.2e, quant %.2e, decoded %.2e, forward %.2e%n", variant, latent,
                    quantized, decoded, forward);
            assertThat(latent).as("latent").isLessThanOrEqualTo(TOL);
            assertThat(quantized).as("quant").isLessThanOrEqualTo(TOL);
            assertThat(decoded).as("decoded from the tokens").isLessThanOrEqualTo(TOL);
            assertThat(forward).as("autoencoded").isLessThanOrEqualTo(TOL);
        }
    }
}
