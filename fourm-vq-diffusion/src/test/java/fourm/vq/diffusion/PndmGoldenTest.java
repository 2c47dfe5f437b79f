package fourm.vq.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import fourm.core.io.SafetensorsReader;
import fourm.testing.NeedsModel;
import fourm.testing.Tolerance;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The PNDM sampler against the reference's {@code PNDMScheduler}, on the tiny non-zero DiVAE (test resources
 * {@code reference-golden/divae_rgb_pndm.*}, written by {@code tools/reference-golden/gen_divae_pndm.py} through the
 * reference's {@code DiVAE.decode_tokens}): a 6-step decode with the Runge-Kutta warm-up (15 UNet evaluations,
 * trailing spacing, v-prediction, squared-cosine betas) and a 5-step linear-multistep decode without it (leading
 * spacing with offset 1, scaled-linear betas), each from the reference's initial noise.
 *
 * <p>The sampler itself is checked by replaying the reference's own UNet outputs through it: the same evaluation
 * timesteps and the same image within 1e-5 (measured: 0, bit for bit). End to end
 * (fourm's UNet) the multistep decode is within 1e-4; the warm-up decode within 1e-3, because its first block runs at
 * timestep 999 of a squared-cosine schedule without zero-terminal-SNR rescaling, where alpha-bar is 2.4e-9 and the step
 * multiplies the sample by sqrt(alpha-bar ratio) = 2600 before an almost equal term is taken away: the UNet's 1.3e-6
 * per pass (fourm against the reference on the same input, at every one of the 15 timesteps) becomes 2e-3 in that
 * block and 4.7e-4 at the end (measured), in the reference as much as in fourm.
 */
@NeedsModel
class PndmGoldenTest {
    private static Path model;
    private static Path io;
    private static Path pndm;

    @BeforeAll
    static void files() throws URISyntaxException {
        model = DivaeNonZeroGoldenTest.resource("divae_rgb_nonzero.safetensors");
        io = DivaeNonZeroGoldenTest.resource("divae_rgb_nonzero.io.safetensors");
        pndm = DivaeNonZeroGoldenTest.resource("divae_rgb_pndm.io.safetensors");
    }

    private static DivaeModel load(SchedulerConfig scheduler) throws IOException {
        return DivaeModel.load(model, DivaeNonZeroGoldenTest.encoderConfig(), DivaeGoldenTest.unetConfig(), scheduler);
    }

    private static double maxAbsDiff(NDArray a, NDArray b, String what) {
        assertThat(a.getShape()).isEqualTo(b.getShape());
        double d = Tolerance.maxAbsDiff(a.toType(DataType.FLOAT32, false).toFloatArray(),
                b.toType(DataType.FLOAT32, false).toFloatArray());
        System.out.printf("divae_rgb_nonzero, %s: max |fourm - reference| = %.3g%n", what, d);
        return d;
    }

    private static GaussianNoise once(NDArray initial) {
        Deque<NDArray> draws = new ArrayDeque<>();
        draws.add(initial);
        return (mm, shape) -> {
            assertThat(draws).as("PNDM draws only the initial noise").isNotEmpty();
            NDArray next = draws.removeFirst();
            assertThat(next.getShape()).isEqualTo(shape);
            return next.get(mm, new NDIndex("..."));
        };
    }

    @Test
    void aSixStepDecodeWithTheRungeKuttaWarmUpMatchesTheReference() throws IOException {
        SchedulerConfig config = SchedulerConfig.classDefaults().withKind(SchedulerConfig.Kind.PNDM);
        try (DivaeModel divae = load(config); SafetensorsReader r = SafetensorsReader.open(pndm);
             SafetensorsReader g = SafetensorsReader.open(io); NDManager m = NDManager.newBaseManager()) {
            DiffusionScheduler scheduler = divae.decoder().scheduler();
            assertThat(scheduler.timesteps(6)).isEqualTo(r.longs("pndm_timesteps")).hasSize(15);
            float[] table = new PndmScheduler(config, PndmScheduler.Options.defaults()).alphasCumprod();
            float[] expected = r.floats("pndm_alphas_cumprod");
            for (int i = 0; i < table.length; i++) {
                assertThat((double) table[i]).as("alphas_cumprod[%d]", i)
                        .isCloseTo(expected[i], Offset.offset(2e-7 + 2e-6 * expected[i]));
            }
            NDArray decoded = divae.decodeTokens(m, g.longs("tokens"), 2, 6, 6, 6, 48,
                    once(r.toNDArray(m, "pndm_init_noise")), null);
            NDArray want = r.toNDArray(m, "pndm_decoded");
            assertThat(want.abs().max().getFloat()).as("a non-trivial reference decode").isGreaterThan(1f);
            assertThat(maxAbsDiff(decoded, want, "6-step PNDM decode (Runge-Kutta warm-up)")).isLessThanOrEqualTo(1e-3);
        }
    }

    @Test
    void theSamplerReplayingTheReferencesUNetOutputsGivesTheReferencesImage() throws IOException {
        DiffusionScheduler scheduler = new DiffusionScheduler(
                SchedulerConfig.classDefaults().withKind(SchedulerConfig.Kind.PNDM));
        try (SafetensorsReader r = SafetensorsReader.open(pndm); NDManager m = NDManager.newBaseManager()) {
            long[] ts = scheduler.timesteps(6);
            assertThat(ts).isEqualTo(r.longs("pndm_timesteps"));
            NDArray outputs = r.toNDArray(m, "pndm_unet_out");
            assertThat(outputs.getShape().get(0)).isEqualTo(ts.length);
            NDArray x = r.toNDArray(m, "pndm_init_noise");
            for (int i = 0; i < ts.length; i++) {
                x = scheduler.step(m, outputs.get(i), ts[i], x, 6, null);
            }
            assertThat(maxAbsDiff(x, r.toNDArray(m, "pndm_decoded"), "6-step PNDM sampler on the reference's UNet"
                    + " outputs")).isLessThanOrEqualTo(1e-5);
        }
    }

    @Test
    void aFiveStepMultistepDecodeWithoutTheWarmUpMatchesTheReference() throws IOException {
        SchedulerConfig config = SchedulerConfig.classDefaults().withKind(SchedulerConfig.Kind.PNDM)
                .withPrediction(SchedulerConfig.Prediction.V_PREDICTION, SchedulerConfig.BetaSchedule.SCALED_LINEAR)
                .withSpacing(SchedulerConfig.Spacing.LEADING);
        try (DivaeModel divae = load(SchedulerConfig.classDefaults());
             SafetensorsReader r = SafetensorsReader.open(pndm); SafetensorsReader g = SafetensorsReader.open(io); NDManager m = NDManager.newBaseManager()) {
            DiffusionDecoder decoder = new DiffusionDecoder(divae.unet(),
                    new DiffusionScheduler(config, new PndmScheduler.Options(true, 1, false)));
            assertThat(decoder.scheduler().timesteps(5)).isEqualTo(r.longs("plms_timesteps")).hasSize(6);
            NDArray decoded = decoder.decode(m, g.toNDArray(m, "cond"), 5, 48, once(r.toNDArray(m, "plms_init_noise")),
                    null);
            assertThat(maxAbsDiff(decoded, r.toNDArray(m, "plms_decoded"), "5-step PLMS decode (no warm-up)"))
                    .isLessThanOrEqualTo(1e-4);
        }
    }

    @Test
    void anX0DenoiserAndAStepOutsideADecodeAreRefused() {
        assertThatThrownBy(() -> new PndmScheduler(SchedulerConfig.releasedPredX0().withKind(SchedulerConfig.Kind.PNDM),
                PndmScheduler.Options.defaults())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("epsilon or v_prediction").hasMessageContaining("ddpm or ddim");
        PndmScheduler s = new PndmScheduler(SchedulerConfig.classDefaults().withKind(SchedulerConfig.Kind.PNDM),
                PndmScheduler.Options.defaults());
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.zeros(new ai.djl.ndarray.types.Shape(1, 3, 4, 4));
            assertThatThrownBy(() -> s.step(m, x, 999, x, 4)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("timesteps(4)");
        }
    }

    @Test
    void aPluginAskingPndmOfAnX0CheckpointIsToldToUseDdpmOrDdim() {
        com.typesafe.config.Config node = com.typesafe.config.ConfigFactory.parseString("scheduler = pndm, steps = 4");
        DivaeModalityHook.Settings settings = DivaeModalityHook.settings(node, "fourm.modality.rgb.tokens");
        assertThat(settings.scheduler()).contains(SchedulerConfig.Kind.PNDM);
        assertThatThrownBy(() -> DivaeModalityHook.describe(node, "tok_rgb@224", model,
                fourm.vq.values.ImageValueKit.rgb(), settings))
                .isInstanceOf(com.typesafe.config.ConfigException.class)
                .hasMessageContaining("tokenizer.scheduler").hasMessageContaining("predicts x0")
                .hasMessageContaining("ddpm or ddim");
    }

    @Test
    void aCheckpointNamingPndmAsItsSchedulerIsRefused() throws IOException {
        Path d = java.nio.file.Files.createTempDirectory("pndm-config");
        try {
            java.nio.file.Files.writeString(d.resolve("config.json"), "{\"dec_type\": \"unet_patched\","
                    + " \"enc_type\": \"vit_b_enc\", \"image_size\": 224, \"n_channels\": 3, \"latent_dim\": 32,"
                    + " \"codebook_size\": 16384, \"patch_size\": 16, \"scheduler\": \"pndm\","
                    + " \"prediction_type\": \"v_prediction\"}");
            java.nio.file.Files.writeString(d.resolve("model.safetensors"), "unused");
            assertThatThrownBy(() -> DivaeCheckpoints.describe(d, fourm.vq.values.ImageValueKit.rgb()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'scheduler': 'pndm' is not a DiVAE training scheduler");
        } finally {
            try (var s = java.nio.file.Files.walk(d)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    java.nio.file.Files.delete(p);
                }
            }
        }
    }
}
