package fourm.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import fourm.core.batch.MaskedBatch;
import fourm.core.batch.ModalityTensors;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The fused training cross-entropy ({@link FusedCrossEntropy}) against the recorded log-softmax and gather: the same
 * losses and loss logits, and the same parameter gradients up to float rounding, for both loss types, with a modality
 * that has no target row.
 */
class FusedCrossEntropyTest {
    private static final List<String> ORDER = List.of("cap", "glob", "tok_x@8");

    /** One pass's results: the losses, the loss logits and every trainable gradient. */
    record Pass(float lossMod, float lossToken, Map<String, Float> modLoss, Map<String, float[]> logits,
                        Map<String, float[]> grads) {
    }

    /** One training pass of the small SwiGLU model with seed 6, configured by {@code setup}, backward on the loss. */
    static Pass pass(java.util.function.Consumer<FourMModel> setup, LossType type, MaskedBatch batch) {
        try (FourMModel model = FourMModel.create(FourMModelTest.smallConfig(MlpKind.SWIGLU, false), 6)) {
            setup.accept(model);
            Map<String, NDArray> trainable = model.parameters().trainable();
            trainable.values().forEach(p -> p.setRequiresGradient(true));
            Map<String, Float> modLoss = new TreeMap<>();
            Map<String, float[]> logits = new TreeMap<>();
            float lossMod;
            float lossToken;
            try (NDManager m = model.newStepManager();
                 GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                ForwardOutput out = model.forward(m, batch, ForwardOptions.defaults().withDecoderOrder(ORDER));
                lossMod = out.lossMod().getFloat();
                lossToken = out.lossToken().getFloat();
                out.modLoss().forEach((k, v) -> modLoss.put(k, v.getFloat()));
                out.lossLogits().forEach((k, v) -> logits.put(k, v.toFloatArray()));
                NDArray loss = type == LossType.MOD ? out.lossMod() : out.lossToken();
                // an outer weight, as gradient accumulation puts on the loss
                gc.backward(loss.mul(m.create(0.5f)));
            }
            Map<String, float[]> grads = new TreeMap<>();
            for (Map.Entry<String, NDArray> e : trainable.entrySet()) {
                try (NDArray g = e.getValue().getGradient()) {
                    grads.put(e.getKey(), g.toFloatArray());
                }
            }
            return new Pass(lossMod, lossToken, modLoss, logits, grads);
        }
    }

    private static MaskedBatch withoutGlobTargets() {
        MaskedBatch b = FourMModelTest.smallBatch(1, false);
        Map<String, ModalityTensors> mods = new LinkedHashMap<>(b.modalities());
        ModalityTensors g = mods.get("glob");
        boolean[] none = new boolean[8];
        Arrays.fill(none, true);
        mods.put("glob", ModalityTensors.ofIds("glob", 2, 4, g.ids(), g.inputMask(), none, new int[8]));
        return new MaskedBatch(mods);
    }

    /**
     * Every gradient of {@code a} equals that of {@code b} up to float rounding: within 1e-5 of the largest magnitude
     * of the same parameter's gradient (a few hundred units in the last place of that entry, for the rounding of sums
     * taken in another order), and some gradient is non-zero.
     */
    static void assertGradientsAgree(Pass a, Pass b, String what) {
        assertThat(a.grads().keySet()).isEqualTo(b.grads().keySet());
        double largest = 0;
        for (String name : b.grads().keySet()) {
            float[] x = a.grads().get(name);
            float[] y = b.grads().get(name);
            assertThat(x).hasSameSizeAs(y);
            double scale = 0;
            for (float v : y) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int i = 0; i < x.length; i++) {
                assertThat((double) Math.abs(x[i] - y[i])).as("%s %s [%d]", what, name, i)
                        .isLessThanOrEqualTo(1e-5 * scale + 1e-9);
            }
            largest = Math.max(largest, scale);
        }
        assertThat(largest).isPositive();
    }

    @Test
    void fusedAndRecordedCrossEntropiesAgree() {
        for (MaskedBatch batch : List.of(FourMModelTest.smallBatch(1, false), withoutGlobTargets())) {
            for (LossType type : LossType.values()) {
                Pass fused = pass(mm -> mm.fusedCrossEntropy(true), type, batch);
                Pass plain = pass(mm -> mm.fusedCrossEntropy(false), type, batch);
                // the values come from the same operations on the same numbers
                assertThat(fused.lossMod()).isEqualTo(plain.lossMod());
                assertThat(fused.lossToken()).isEqualTo(plain.lossToken());
                assertThat(fused.modLoss()).isEqualTo(plain.modLoss());
                assertThat(fused.logits().keySet()).isEqualTo(plain.logits().keySet());
                for (String k : plain.logits().keySet()) {
                    assertThat(fused.logits().get(k)).as("loss logits of %s", k)
                            .containsExactly(plain.logits().get(k));
                }
                assertGradientsAgree(fused, plain, type.toString());
                assertThat(fused.grads().get("decoder_embeddings.cap.to_logits.weight"))
                        .isNotEqualTo(new float[fused.grads().get("decoder_embeddings.cap.to_logits.weight").length]);
            }
        }
    }
}
