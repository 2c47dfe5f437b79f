package fourm.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import fourm.core.batch.MaskedBatch;
import fourm.core.masking.MaskedSample;
import fourm.core.masking.MaskingCollator;
import fourm.core.masking.UnifiedMasking;
import fourm.core.model.ForwardOptions;
import fourm.core.model.ForwardOutput;
import fourm.core.model.FourMModel;
import fourm.core.model.LossType;
import fourm.core.optim.AdamW;
import fourm.testing.ToyModalities;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Gradients do not depend on the garbage collector: a collection between the forward and the backward pass leaves
 * them bit-identical. (Arithmetic with a Java number used to hand autograd a tensor backed by a JVM buffer that the
 * collector could free before the backward pass, which then read freed memory.)
 */
class GradientStabilityTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(LossType.class)
    void aCollectionBetweenForwardAndBackwardChangesNoGradient(LossType lossType) {
        var c = TrainerTest.config(dir.resolve("o"), dir.resolve("data"), "fourm.train.model { dim = 32, num-heads = 2 }\n"
                + "fourm.train.accum-iter = 2");
        Experiment e = Experiment.prepare(c, TrainerTest.modalities());
        UnifiedMasking masking = new UnifiedMasking(e.specs(), e.masking());
        List<MaskedSample> samples = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ToyData.Example x = ToyData.example(1, i);
            samples.add(masking.mask(i, Map.of(ToyModalities.RGB, new fourm.api.masking.ModalityInput.Grid(x.scene()),
                    ToyModalities.DEPTH, new fourm.api.masking.ModalityInput.Grid(x.derived()),
                    ToyModalities.CAPTION, new fourm.api.masking.ModalityInput.Tokens(x.caption()))));
        }
        MaskedBatch batch = new MaskingCollator(e.specs()).collate(samples);
        try (FourMModel model = FourMModel.create(e.model(), 1)) {
            Map<String, NDArray> params = Trainer.trainable(model);
            AdamW.attachGradients(params);
            Map<String, float[]> quiet = gradients(model, params, batch, lossType, false);
            for (int rep = 0; rep < 3; rep++) {
                Map<String, float[]> collected = gradients(model, params, batch, lossType, true);
                for (String k : quiet.keySet()) {
                    assertThat(collected.get(k)).as("gradient of %s after a collection (repeat %d)", k, rep)
                            .containsExactly(quiet.get(k));
                }
            }
        }
    }

    private static Map<String, float[]> gradients(FourMModel model, Map<String, NDArray> params, MaskedBatch batch,
                                                  LossType lossType, boolean collect) {
        for (NDArray p : params.values()) {
            p.getGradient().set(new NDIndex("..."), 0f);
        }
        ForwardOptions options = ForwardOptions.defaults().withNumEncoderTokens(64).withNumDecoderTokens(64);
        try (NDManager sm = model.newStepManager();
             GradientCollector gc = model.manager().getEngine().newGradientCollector()) {
            ForwardOutput fo = model.forward(sm, batch, options);
            NDArray loss = fo.loss(lossType).div(sm.create(2f));
            if (collect) {
                churnTheHeap();
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

    /** Frees unreachable direct buffers and reuses their memory. */
    private static void churnTheHeap() {
        System.gc();
        System.gc();
        List<java.nio.ByteBuffer> reuse = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(4 + i % 16);
            while (b.hasRemaining()) {
                b.put((byte) 0x7f);
            }
            reuse.add(b);
        }
        assertThat(reuse).hasSize(256);
    }
}
