package fourm.vq.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.typesafe.config.ConfigFactory;
import fourm.core.io.CheckpointException;
import fourm.core.io.SafetensorsReader;
import fourm.core.io.SafetensorsWriter;
import fourm.core.io.TensorInfo;
import fourm.testing.NeedsModel;
import fourm.testing.SharedFiles;
import fourm.testing.Tolerance;
import fourm.vq.VqConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference's DiVAE on the golden tokenizer files ({@code reference/golden/tokenizers/divae_rgb.*}: a tiny DiVAE
 * with random weights made by the reference code, see the golden README): encoder, conditioning, one UNet pass, each
 * sampling step and the seeded 3-step DDPM decode from the same noise.
 */
@NeedsModel
class DivaeGoldenTest {
    private static final String DIR = "reference/golden/tokenizers/";

    @TempDir
    Path dir;

    private static Path model;
    private static Path io;

    @BeforeAll
    static void files() {
        model = SharedFiles.require(DIR + "divae_rgb.safetensors");
        io = SharedFiles.require(DIR + "divae_rgb.io.safetensors");
    }

    /** The golden DiVAE's encoder side ({@code vit_tiny_enc}, post-MLP, 48 px, patch 8, 320 codes of width 16). */
    static VqConfig encoderConfig() {
        return VqConfig.fromConfig("divae_rgb", ConfigFactory.parseString(
                "family = rgb, image-size = 48, channels = 3, patch-size = 8, post-mlp = true, "
                        + "encoder { type = vit, dim = 32, depth = 2, heads = 4 }, "
                        + "decoder { type = vit, dim = 32, depth = 1, heads = 4 }, "
                        + "quantizer { type = lucid, codebook-size = 320, latent-dim = 16 }"));
    }

    /** {@code unet_patched_tiny}: patch 4, 32 channels, 1 residual block per level, attention at 1 and 2, (1, 1). */
    static UNetConfig unetConfig() {
        return new UNetConfig(48, 3, 3, 16, 4, 32, 1, List.of(1, 2), List.of(1, 1), 1, -1);
    }

    /** The golden scheduler: DDPM, linear betas, x0 prediction, no clipping or thresholding, zero terminal SNR. */
    static SchedulerConfig schedulerConfig() {
        return SchedulerConfig.releasedPredX0().withClipping(false, false);
    }

    private static DivaeModel load() throws IOException {
        return DivaeModel.load(model, encoderConfig(), unetConfig(), schedulerConfig());
    }

    private static NDArray array(NDManager m, SafetensorsReader r, String key) throws IOException {
        return r.toNDArray(m, key);
    }

    private static double maxAbsDiff(NDArray a, NDArray b) {
        assertThat(a.getShape()).isEqualTo(b.getShape());
        return Tolerance.maxAbsDiff(a.toType(DataType.FLOAT32, false).toFloatArray(),
                b.toType(DataType.FLOAT32, false).toFloatArray());
    }

    @Test
    void theReferenceCheckpointLoadsWithEveryKeyUsed() throws IOException {
        try (DivaeModel divae = load(); SafetensorsReader r = SafetensorsReader.open(model)) {
            List<String> used = new ArrayList<>(divae.encoder().stateDictKeys());
            used.addAll(divae.unet().stateDictKeys());
            assertThat(used).containsExactlyInAnyOrderElementsOf(r.keys());
            assertThat(divae.unet().stateDictKeys()).hasSize(144);
        }
    }

    @Test
    void encoderAndConditioningMatchTheReference() throws IOException {
        try (DivaeModel divae = load(); SafetensorsReader r = SafetensorsReader.open(io);
             NDManager m = NDManager.newBaseManager()) {
            long[] tokens = divae.tokenize(m, array(m, r, "input"));
            assertThat(tokens).isEqualTo(r.longs("tokens"));
            NDArray cond = divae.embedTokens(m, tokens, 2, 6, 6);
            assertThat(maxAbsDiff(cond, array(m, r, "cond"))).isLessThanOrEqualTo(1e-5);
        }
    }

    @Test
    void oneUNetPassMatchesTheReference() throws IOException {
        try (DivaeModel divae = load(); SafetensorsReader r = SafetensorsReader.open(io);
             NDManager m = NDManager.newBaseManager()) {
            long[] t = r.longs("unet_timesteps");
            NDArray out = divae.unet().forward(m, array(m, r, "unet_sample"), new float[] {t[0], t[1]},
                    array(m, r, "cond"));
            // the golden network has the reference's zero_module layers at zero, so its output is exactly zero;
            // DivaeNonZeroGoldenTest checks the same pass on weights that are all non-zero
            assertThat(maxAbsDiff(out, array(m, r, "unet_out"))).isLessThanOrEqualTo(1e-5);
        }
    }

    @Test
    void theScheduleAndTimestepsAreTheReferences() throws IOException {
        try (SafetensorsReader r = SafetensorsReader.open(io)) {
            float[] expected = r.floats("scheduler_alphas_cumprod");
            float[] table = new DiffusionScheduler(schedulerConfig()).alphasCumprod();
            assertThat(table).hasSameSizeAs(expected);
            for (int i = 0; i < table.length; i++) {
                assertThat((double) table[i]).as("alphas_cumprod[%d]", i).isCloseTo(expected[i],
                        org.assertj.core.data.Offset.offset(2e-7 + 2e-6 * expected[i]));
            }
            assertThat(new DiffusionScheduler(schedulerConfig()).timesteps(3)).isEqualTo(r.longs("pipeline_timesteps"));
        }
    }

    @Test
    void eachSamplingStepMatchesTheReference() throws IOException {
        try (DivaeModel divae = load(); SafetensorsReader r = SafetensorsReader.open(io);
             NDManager m = NDManager.newBaseManager()) {
            NDArray cond = array(m, r, "pipeline_cond");
            NDArray modelOut = array(m, r, "pipeline_model_out");
            NDArray prev = array(m, r, "pipeline_prev_sample");
            NDArray varNoise = array(m, r, "pipeline_variance_noise");
            long[] ts = r.longs("pipeline_timesteps");
            NDArray x = array(m, r, "pipeline_init_noise");
            DiffusionScheduler scheduler = divae.decoder().scheduler();
            for (int i = 0; i < ts.length; i++) {
                NDArray out = divae.unet().forward(m, x, new float[] {ts[i]}, cond);
                assertThat(maxAbsDiff(out, modelOut.get(i))).as("model output at step %d", i)
                        .isLessThanOrEqualTo(1e-5);
                NDArray n = i < 2 ? varNoise.get(i) : null;
                NDArray stepped = scheduler.step(m, modelOut.get(i), ts[i], x, ts.length,
                        (mm, shape) -> n.get(mm, new NDIndex("...")));
                assertThat(maxAbsDiff(stepped, prev.get(i))).as("scheduler step %d", i).isLessThanOrEqualTo(1e-5);
                x = prev.get(i);
            }
        }
    }

    @Test
    void theSeededThreeStepDecodeMatchesTheReference() throws IOException {
        try (DivaeModel divae = load(); SafetensorsReader r = SafetensorsReader.open(io);
             NDManager m = NDManager.newBaseManager()) {
            Deque<NDArray> draws = new ArrayDeque<>();
            draws.add(array(m, r, "pipeline_init_noise"));
            NDArray varNoise = array(m, r, "pipeline_variance_noise");
            draws.add(varNoise.get(0));
            draws.add(varNoise.get(1));
            GaussianNoise noise = (mm, shape) -> {
                NDArray next = draws.removeFirst();
                assertThat(next.getShape()).isEqualTo(shape);
                return next.get(mm, new NDIndex("..."));
            };
            List<Long> seen = new ArrayList<>();
            NDArray decoded = divae.decodeTokens(m, r.longs("tokens"), 2, 6, 6, 3, 48, noise,
                    (i, total, t) -> seen.add(t));
            assertThat(draws).as("every reference noise draw used").isEmpty();
            assertThat(seen).containsExactly(666L, 333L, 0L);
            assertThat(maxAbsDiff(decoded, array(m, r, "pipeline_decoded_3steps"))).isLessThanOrEqualTo(1e-4);
        }
    }

    @Test
    void aMismatchedCheckpointNamesEveryKey() throws IOException {
        Path bad = dir.resolve("bad.safetensors");
        try (SafetensorsReader r = SafetensorsReader.open(model); NDManager m = NDManager.newBaseManager()) {
            SafetensorsWriter w = new SafetensorsWriter();
            for (TensorInfo t : r.tensors().values()) {
                String k = t.name();
                if (k.equals("decoder.out.2.bias") || k.equals("encoder.blocks.0.norm1.bias")) {
                    continue;
                }
                NDArray a = r.toNDArray(m, k);
                if (k.equals("decoder.middle_block.1.qkv.weight")) {
                    a = a.reshape(96, 32);
                }
                w.add(k, a);
            }
            w.add("decoder.extra.weight", m.ones(new Shape(2)));
            w.add("post_quant_proj.weight", m.ones(new Shape(32, 16, 1, 1)));
            w.add("encoder.stray", m.ones(new Shape(3)));
            w.write(bad);
        }
        assertThatThrownBy(() -> DivaeModel.load(bad, encoderConfig(), unetConfig(), schedulerConfig()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(bad.toString())
                .hasMessageContaining("missing: decoder.out.2.bias [48]")
                .hasMessageContaining("missing: encoder.blocks.0.norm1.bias [32]")
                .hasMessageContaining("shape mismatch: decoder.middle_block.1.qkv.weight")
                .hasMessageContaining("unexpected: decoder.extra.weight")
                .hasMessageContaining("unexpected: post_quant_proj.weight")
                .hasMessageContaining("unexpected: encoder.stray")
                .satisfies(e -> assertThat(((CheckpointException) e).problems()).hasSize(6));
    }
}
