package fourm.vq.diffusion;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import fourm.core.io.SafetensorsReader;
import fourm.testing.NeedsModel;
import fourm.testing.SharedFiles;
import fourm.testing.Tolerance;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The tiny golden DiVAE with every tensor non-zero ({@code reference/golden/tokenizers/divae_rgb_nonzero.*}: the
 * {@code divae_rgb} architecture with its zero-initialised layers, GroupNorm affines included, drawn at random, run
 * through the reference's own code): one UNet pass, the seeded 3-step DDPM decode (x0 prediction) and a 3-step DDIM
 * decode with v-prediction, squared-cosine betas, thresholding and trailing spacing. Skipped where the files are
 * absent.
 */
@NeedsModel
class DivaeNonZeroGoldenTest {
    private static final String DIR = "reference/golden/tokenizers/";

    private static Path model;
    private static Path io;

    @BeforeAll
    static void files() {
        model = SharedFiles.require(DIR + "divae_rgb_nonzero.safetensors");
        io = SharedFiles.require(DIR + "divae_rgb_nonzero.io.safetensors");
    }

    private static DivaeModel load(SchedulerConfig scheduler) throws IOException {
        return DivaeModel.load(model, DivaeGoldenTest.encoderConfig(), DivaeGoldenTest.unetConfig(), scheduler);
    }

    private static double maxAbsDiff(NDArray a, NDArray b) {
        assertThat(a.getShape()).isEqualTo(b.getShape());
        return Tolerance.maxAbsDiff(a.toType(DataType.FLOAT32, false).toFloatArray(),
                b.toType(DataType.FLOAT32, false).toFloatArray());
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
            assertThat(maxAbsDiff(out, expected)).isLessThanOrEqualTo(1e-5);
        }
    }

    @Test
    void theSeededThreeStepDdpmDecodeMatchesTheReference() throws IOException {
        try (DivaeModel divae = load(DivaeGoldenTest.schedulerConfig()); SafetensorsReader r = SafetensorsReader.open(io);
             NDManager m = NDManager.newBaseManager()) {
            Deque<NDArray> draws = new ArrayDeque<>();
            draws.add(r.toNDArray(m, "ddpm_init_noise"));
            NDArray var = r.toNDArray(m, "ddpm_variance_noise");
            draws.add(var.get(0));
            draws.add(var.get(1));
            NDArray decoded = divae.decodeTokens(m, r.longs("tokens"), 2, 6, 6, 3, 48, replay(draws), null);
            assertThat(draws).isEmpty();
            assertThat(maxAbsDiff(decoded, r.toNDArray(m, "ddpm_decoded"))).isLessThanOrEqualTo(1e-4);
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
            assertThat(maxAbsDiff(decoded, r.toNDArray(m, "ddim_decoded"))).isLessThanOrEqualTo(1e-4);
        }
    }
}
