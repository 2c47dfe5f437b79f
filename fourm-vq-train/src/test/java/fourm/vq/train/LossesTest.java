package fourm.vq.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import fourm.vq.LossKind;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class LossesTest {
    @Test
    void lossesMatchTheirDefinitions() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray out = m.create(new float[] {0, 2, -1, 0.5f}, new Shape(1, 1, 2, 2));
            NDArray target = m.create(new float[] {0.5f, 0, -1, 3}, new Shape(1, 1, 2, 2));
            // d = -0.5, 2, 0, -2.5
            assertThat(Losses.mse(out, target).getFloat()).isCloseTo((0.25f + 4 + 0 + 6.25f) / 4, Offset.offset(1e-6f));
            assertThat(Losses.smoothL1(out, target).getFloat())
                    .isCloseTo((0.125f + 1.5f + 0 + 2.0f) / 4, Offset.offset(1e-6f));
            NDArray a = m.create(new float[] {1, 0, 0, 1}, new Shape(2, 2, 1, 1));
            NDArray b = m.create(new float[] {1, 1, 0, -3}, new Shape(2, 2, 1, 1));
            // cosines: 1/sqrt(2) and -1
            assertThat(Losses.cosine(a, b).getFloat())
                    .isCloseTo((float) (1 - (Math.sqrt(0.5) - 1) / 2), Offset.offset(1e-6f));
            NDArray logits = m.create(new float[] {2, 0, 0, 1, 1, 0}, new Shape(1, 3, 1, 2));
            NDArray labels = m.create(new long[] {0, 2}, new Shape(1, 1, 2));
            double p0 = Math.exp(2) / (Math.exp(2) + Math.exp(0) + Math.exp(1));
            double p1 = Math.exp(0) / (Math.exp(0) + Math.exp(1) + Math.exp(0));
            assertThat((double) Losses.crossEntropy(logits, labels).getFloat())
                    .isCloseTo(-(Math.log(p0) + Math.log(p1)) / 2, Offset.offset(1e-6));
        }
    }

    /**
     * The cosine loss's gradient does not depend on the garbage collector (its norm floor used to be a temporary
     * array over a JVM direct buffer that autograd kept after it was closed).
     */
    @Test
    void theCosineGradientSurvivesACollectionBeforeTheBackwardPass() {
        float[] quiet = cosineGradient(false);
        assertThat(quiet).isNotEqualTo(new float[quiet.length]);
        for (int rep = 0; rep < 2; rep++) {
            assertThat(cosineGradient(true)).as("repeat %d", rep).containsExactly(quiet);
        }
    }

    private static float[] cosineGradient(boolean collect) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray out = m.create(new float[] {1, 2, -1, 0.5f, 3, -2, 0.25f, 1}, new Shape(2, 2, 1, 2));
            NDArray target = m.create(new float[] {0.5f, 0, -1, 3, 1, 1, -2, 0.5f}, new Shape(2, 2, 1, 2));
            out.setRequiresGradient(true);
            try (NDManager sm = m.newSubManager();
                 ai.djl.training.GradientCollector gc = m.getEngine().newGradientCollector()) {
                NDArray loss = Losses.cosine(out.get(sm, new ai.djl.ndarray.index.NDIndex("...")), target);
                if (collect) {
                    System.gc();
                    System.gc();
                    java.util.List<java.nio.ByteBuffer> reuse = new java.util.ArrayList<>();
                    for (int i = 0; i < 256; i++) {
                        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(4 + i % 16);
                        while (b.hasRemaining()) {
                            b.put((byte) 0x7f);
                        }
                        reuse.add(b);
                    }
                    assertThat(reuse).hasSize(256);
                }
                gc.backward(loss);
            }
            return out.getGradient().toFloatArray();
        }
    }

    @Test
    void theLossIsTheReferencesSoftmaxOverSigmoidAndItsComplement() {
        // by hand: logit 0, target 1: p = q = 0.5, loss = log(2 e^0.5) - 0.5 = ln 2 = 0.693147;
        // logit 20 (p = 1), target 1: log(e + 1) - 1 = 0.313262; logit -20 (q = 1), target 0: the same 0.313262;
        // logit 20, target 0: log(e + 1) - 0 = 1.313262. Mean of the four: 0.658233.
        try (NDManager m = NDManager.newBaseManager()) {
            float loss = Losses.binaryCrossEntropy(m.create(new float[] {0, 20, -20, 20}, new Shape(1, 1, 2, 2)),
                    m.create(new float[] {1, 1, 0, 0}, new Shape(1, 1, 2, 2))).getFloat();
            assertThat((double) loss).isCloseTo((0.693147 + 0.313262 * 2 + 1.313262) / 4, Offset.offset(1e-5));
            assertThat(LossKind.fromConfigName("binary-cross-entropy")).isEqualTo(LossKind.BINARY_CROSS_ENTROPY);
        }
    }
}
