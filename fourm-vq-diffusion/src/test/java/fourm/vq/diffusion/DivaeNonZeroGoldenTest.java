package fourm.vq.diffusion;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import com.typesafe.config.ConfigFactory;
import fourm.core.io.SafetensorsReader;
import fourm.testing.NeedsModel;
import fourm.testing.SharedFiles;
import fourm.testing.Tolerance;
import fourm.vq.VqConfig;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A tiny DiVAE with every tensor non-zero, made by the reference's own code (test resources
 * {@code reference-golden/divae_rgb_nonzero.*}, written by {@code tools/reference-golden/gen_divae_nonzero.py}: the
 * shared golden {@code divae_rgb} architecture with one encoder block and 64 codes, every decoder tensor drawn at
 * random, zero-initialised layers and GroupNorm affines included): one UNet pass, the seeded 3-step DDPM decode (x0
 * prediction) and a 3-step DDIM decode with v-prediction, squared-cosine betas, thresholding and trailing spacing.
 */
@NeedsModel
class DivaeNonZeroGoldenTest {
    private static Path model;
    private static Path io;

    @BeforeAll
    static void files() throws URISyntaxException {
        model = resource("divae_rgb_nonzero.safetensors");
        io = resource("divae_rgb_nonzero.io.safetensors");
    }

    /** A file of {@code reference-golden/} in the test resources. */
    static Path resource(String name) throws URISyntaxException {
        URL url = DivaeNonZeroGoldenTest.class.getResource("/reference-golden/" + name);
        assertThat(url).as("test resource reference-golden/%s", name).isNotNull();
        return Path.of(url.toURI());
    }

    /** The encoder side: {@code vit_tiny1_enc} (one block of width 32), post-MLP, 48 px, patch 8, 64 codes of 16. */
    static VqConfig encoderConfig() {
        return VqConfig.fromConfig("divae_rgb_nonzero", ConfigFactory.parseString(
                "family = rgb, image-size = 48, channels = 3, patch-size = 8, post-mlp = true, "
                        + "encoder { type = vit, dim = 32, depth = 1, heads = 4 }, "
                        + "decoder { type = vit, dim = 32, depth = 1, heads = 4 }, "
                        + "quantizer { type = lucid, codebook-size = 64, latent-dim = 16 }"));
    }

    private static DivaeModel load(SchedulerConfig scheduler) throws IOException {
        return DivaeModel.load(model, encoderConfig(), DivaeGoldenTest.unetConfig(), scheduler);
    }

    private static double maxAbsDiff(NDArray a, NDArray b, String what) {
        assertThat(a.getShape()).isEqualTo(b.getShape());
        double d = Tolerance.maxAbsDiff(a.toType(DataType.FLOAT32, false).toFloatArray(),
                b.toType(DataType.FLOAT32, false).toFloatArray());
        System.out.printf("divae_rgb_nonzero, %s: max |fourm - reference| = %.3g%n", what, d);
        return d;
    }

    private static GaussianNoise replay(Deque<NDArray> draws) {
        return (mm, shape) -> {
            NDArray next = draws.removeFirst();
            assertThat(next.getShape()).isEqualTo(shape);
            return next.get(mm, new NDIndex("..."));
        };
    }

    @Test
    void oneUNetPassMatchesTheReference() throws IOException {
        try (DivaeModel divae = load(DivaeGoldenTest.schedulerConfig()); SafetensorsReader r = SafetensorsReader.open(io);
             NDManager m = NDManager.newBaseManager()) {
            long[] tokens = divae.tokenize(m, r.toNDArray(m, "input"));
            assertThat(tokens).isEqualTo(r.longs("tokens"));
            long[] t = r.longs("unet_timesteps");
            NDArray out = divae.unet().forward(m, r.toNDArray(m, "unet_sample"), new float[] {t[0], t[1]},
                    r.toNDArray(m, "cond"));
            NDArray expected = r.toNDArray(m, "unet_out");
            assertThat(expected.abs().max().getFloat()).as("a non-trivial reference output").isGreaterThan(0.5f);
            assertThat(maxAbsDiff(out, expected, "one UNet pass")).isLessThanOrEqualTo(1e-5);
        }
    }

    @Test
    void theSeededThreeStepDdpmDecodeMatchesTheReference() throws IOException {
        try (DivaeModel divae = load(DivaeGoldenTest.schedulerConfig()); SafetensorsReader r = SafetensorsReader.open(io);
             NDManager m = NDManager.newBaseManager()) {
            Deque<NDArray> draws = new ArrayDeque<>();
            draws.add(r.toNDArray(m, "ddpm_init_noise"));
            assertThat(divae.decoder().scheduler().timesteps(3)).isEqualTo(r.longs("ddpm_timesteps"));
            NDArray var = r.toNDArray(m, "ddpm_variance_noise");
            draws.add(var.get(0));
            draws.add(var.get(1));
            NDArray decoded = divae.decodeTokens(m, r.longs("tokens"), 2, 6, 6, 3, 48, replay(draws), null);
            assertThat(draws).isEmpty();
            assertThat(maxAbsDiff(decoded, r.toNDArray(m, "ddpm_decoded"), "3-step DDPM decode")).isLessThanOrEqualTo(1e-4);
        }
    }

    @Test
    void aThreeStepDdimDecodeWithVPredictionMatchesTheReference() throws IOException {
        SchedulerConfig ddim = SchedulerConfig.classDefaults().withKind(SchedulerConfig.Kind.DDIM);
        try (DivaeModel divae = load(ddim); SafetensorsReader r = SafetensorsReader.open(io);
             NDManager m = NDManager.newBaseManager()) {
            DiffusionScheduler scheduler = divae.decoder().scheduler();
            assertThat(scheduler.timesteps(3)).isEqualTo(r.longs("ddim_timesteps"));
            float[] table = scheduler.alphasCumprod();
            float[] expected = r.floats("ddim_alphas_cumprod");
            for (int i = 0; i < table.length; i++) {
                assertThat((double) table[i]).as("alphas_cumprod[%d]", i)
                        .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(2e-7 + 2e-6 * expected[i]));
            }
            Deque<NDArray> draws = new ArrayDeque<>();
            draws.add(r.toNDArray(m, "ddim_init_noise"));
            NDArray decoded = divae.decoder().decode(m, r.toNDArray(m, "cond"), 3, 48, replay(draws), null);
            assertThat(draws).isEmpty();
            assertThat(maxAbsDiff(decoded, r.toNDArray(m, "ddim_decoded"), "3-step DDIM decode")).isLessThanOrEqualTo(1e-4);
        }
    }
}
