package fourm.vq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.engine.Engine;
import ai.djl.training.GradientCollector;
import fourm.vq.testing.FreedMemory;
import fourm.vq.testing.TestScenes;
import fourm.vq.testing.TinyConfigs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code out_conv} head and several lucid codebooks in fourm's own use: configuration, new models, checkpoints,
 * the tokenizer API and a training step (their parity with the reference is {@link ReferenceGoldenParityTest}'s).
 */
class OutConvAndCodebooksTest {
    @TempDir
    Path dir;

    static VqConfig both() {
        return TinyConfigs.vit("rgb", 32, 3, 8, "out-conv = true, quantizer.heads = 2");
    }

    @Test
    void theSettingsRoundTripAndAreChecked() {
        VqConfig c = both();
        assertThat(c.outConv()).isTrue();
        assertThat(c.quantizer().heads()).isEqualTo(2);
        assertThat(c.tokensPerImage()).isEqualTo(2 * 16);
        assertThat(VqConfig.fromJson(c.toJson(), "test")).isEqualTo(c);
        assertThat(TinyConfigs.rgb().toJson()).doesNotContain("out-conv");
        assertThat(VqConfig.fromJson(TinyConfigs.rgb().toJson(), "test").outConv()).isFalse();
        assertThatThrownBy(() -> VqConfig.fromConfig("g", com.typesafe.config.ConfigFactory.parseString(
                "family = global-embedding, image-size = 1, channels = 8, patch-size = 1, out-conv = true, "
                        + "encoder { type = bottleneck-mlp, dim = 8, depth = 1 }, "
                        + "decoder { type = bottleneck-mlp, dim = 8, depth = 1 }, "
                        + "quantizer { type = memcodes, codebook-size = 8, latent-dim = 8, heads = 2 }")))
                .hasMessageContaining("out-conv follows a ViT decoder");
    }

    @Test
    void aNewModelHasTheReferenceKeysAndLoadsBackBitForBit() throws IOException {
        try (VqModel m = VqModel.create(both(), 3)) {
            List<String> keys = m.stateDictKeys();
            assertThat(keys).containsSubsequence("quantize.project_in.weight", "quantize.project_in.bias",
                    "quantize.project_out.weight", "quantize.project_out.bias", "quantize._codebook.initted");
            assertThat(keys).containsSubsequence("decoder.out_proj.bias", "decoder.out_conv.0.gamma",
                    "decoder.out_conv.0.dwconv.weight", "decoder.out_conv.0.dwconv.bias",
                    "decoder.out_conv.0.norm.weight", "decoder.out_conv.0.norm.bias",
                    "decoder.out_conv.0.pwconv1.weight", "decoder.out_conv.0.pwconv1.bias",
                    "decoder.out_conv.0.pwconv2.weight", "decoder.out_conv.0.pwconv2.bias",
                    "decoder.out_conv.1.gamma");
            assertThat(m.tensor("decoder.out_conv.1.gamma").toFloatArray()).containsOnly(1e-6f);
            assertThat(m.tensor("decoder.out_conv.0.dwconv.weight").getShape()).isEqualTo(new Shape(3, 1, 7, 7));
            assertThat(m.tensor("quantize.project_in.weight").getShape()).isEqualTo(new Shape(16, 8));
            Path f = dir.resolve("t.safetensors");
            VqCheckpoints.save(m, f, Map.of());
            try (VqModel back = VqCheckpoints.load(f); NDManager nm = NDManager.newBaseManager()) {
                assertThat(back.config()).isEqualTo(m.config());
                for (String k : keys) {
                    assertThat(back.tensor(k).toFloatArray()).as(k).isEqualTo(m.tensor(k).toFloatArray());
                }
                NDArray x = nm.randomUniform(-1, 1, new Shape(2, 3, 32, 32));
                long[] ids = m.tokenize(nm, x);
                assertThat(ids).hasSize(2 * 2 * 16).isEqualTo(back.tokenize(nm, x));
            }
        }
    }

    @Test
    void theTokenizerApiStacksOneGridPlanePerCodebook() {
        try (VqModel m = VqModel.create(both(), 4); ImageTokenizer tok = ImageTokenizer.of(m)) {
            Raster img = TestScenes.make(1, 32, 1).get(0).rgb();
            TokenGrid g = tok.encode(List.of(img)).get(0);
            assertThat(g.rows()).isEqualTo(8);
            assertThat(g.cols()).isEqualTo(4);
            Raster back = tok.decode(g);
            assertThat(back.height()).isEqualTo(32);
            assertThat(back.data()).isEqualTo(tok.reconstruct(List.of(img)).get(0).data());
            assertThatThrownBy(() -> tok.decode(new TokenGrid(3, 4, new int[12])))
                    .hasMessageContaining("2 codebooks, one stacked plane each");
        }
    }

    @Test
    void aTrainingStepReachesTheProjectionsAndTheHead() {
        try (VqModel m = VqModel.create(both(), 5); NDManager step = m.manager().newSubManager()) {
            Map<String, NDArray> params = m.trainableParameters();
            params.values().forEach(p -> p.setRequiresGradient(true));
            NDArray x = step.randomUniform(-1, 1, new Shape(2, 3, 32, 32));
            VqModel.Forward f;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                f = m.forward(step, x, true, new SplittableRandom(1));
                NDArray loss = f.output().sub(x).square().mean().add(f.codeLoss());
                gc.backward(loss);
            }
            for (String k : List.of("quantize.project_in.weight", "quantize.project_out.weight",
                    "decoder.out_conv.1.gamma", "decoder.out_conv.0.dwconv.weight", "encoder.proj.weight")) {
                assertThat(params.get(k).getGradient().abs().sum().getFloat()).as(k).isGreaterThan(0f);
            }
            float[] before = m.tensor(CosineCodebook.CLUSTER_SIZE).toFloatArray();
            m.applyCodebookUpdate(f, 0, new SplittableRandom(2));
            float sum = 0;
            float[] after = m.tensor(CosineCodebook.CLUSTER_SIZE).toFloatArray();
            for (int i = 0; i < after.length; i++) {
                sum += after[i] - before[i] * 0.99f;
            }
            // EMA usage counts every head's choice: 2 images x 16 positions x 2 codebooks, times (1 - decay)
            assertThat((double) sum).isCloseTo(64 * 0.01, org.assertj.core.data.Offset.offset(1e-4));
        }
    }

    /**
     * A one-channel {@code out_conv} (binary masks, depth) gives the same gradients whatever freed memory holds: the
     * backward of libtorch's one-channel 7x7 convolution read memory it did not initialise, so NaN left there by a
     * freed tensor turned every gradient into NaN (and the optimizer skipped the step).
     */
    @Test
    void aOneChannelOutConvsGradientsDoNotDependOnFreedMemory() {
        VqConfig c = TinyConfigs.vit("binary-mask", 32, 1, 8, "post-mlp = false, out-conv = true");
        Map<String, float[]> quiet = gradients(c, false);
        assertThat(quiet.get("decoder.out_proj.weight")).as("the gradient reaches the decoder")
                .isNotEqualTo(new float[quiet.get("decoder.out_proj.weight").length]);
        for (int rep = 0; rep < 2; rep++) {
            Map<String, float[]> poisoned = gradients(c, true);
            for (String k : quiet.keySet()) {
                assertThat(poisoned.get(k)).as("gradient of %s (model %d)", k, rep).containsExactly(quiet.get(k));
            }
        }
    }

    private static Map<String, float[]> gradients(VqConfig c, boolean poison) {
        try (VqModel m = VqModel.create(c, 5); NDManager step = m.manager().newSubManager()) {
            Map<String, NDArray> params = m.trainableParameters();
            params.values().forEach(p -> p.setRequiresGradient(true));
            SplittableRandom r = new SplittableRandom(4);
            float[] v = new float[2 * 32 * 32];
            for (int i = 0; i < v.length; i++) {
                v[i] = r.nextBoolean() ? 1f : -1f;
            }
            NDArray x = step.create(v, new Shape(2, 1, 32, 32));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                VqModel.Forward f = m.forward(step, x, true, new SplittableRandom(1));
                NDArray loss = f.output().sub(x).square().mean().add(f.codeLoss());
                if (poison) {
                    FreedMemory.poison();
                }
                gc.backward(loss);
            }
            Map<String, float[]> out = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> p : params.entrySet()) {
                try (NDArray g = p.getValue().getGradient()) {
                    out.put(p.getKey(), g.toFloatArray());
                }
            }
            return out;
        }
    }
}
