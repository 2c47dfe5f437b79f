package fourm.vq.diffusion;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import fourm.vq.testing.FreedMemory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The UNet's outputs and gradients depend neither on the garbage collector nor on what freed memory holds.
 *
 * <ul>
 *   <li>A collection between the forward and the backward pass leaves the gradients bit-identical, for one network
 *       after another. (The attention scale, multiplied in as a Java number, used to hand autograd a tensor over a
 *       JVM direct buffer that was closed at once; once collected and its memory reused, the backward pass read
 *       garbage.)</li>
 *   <li>Freed engine memory full of NaN changes no output (training forward and inference path) and no gradient.
 *       (The first convolution has a channel count that is not a multiple of 16, 3 x 4 x 4 + 8 = 56 here; libtorch's
 *       CPU convolution multiplied the padding lanes of such a partial channel block, left as memory held them, by
 *       zero weights, so NaN bit patterns of an earlier tensor turned every output and every gradient into NaN: the
 *       NaN losses of DiVAE training now and then, once memory was being reused. See
 *       {@link PatchedUNet#paddedChannels}.)</li>
 * </ul>
 */
class PatchedUNetGradientTest {
    @Test
    void aCollectionBetweenForwardAndBackwardChangesNoGradient() {
        Result quiet = run(false, false);
        assertThat(quiet.gradients().get("decoder.middle_block.1.qkv.weight")).as("the attention takes part")
                .isNotEqualTo(new float[quiet.gradients().get("decoder.middle_block.1.qkv.weight").length]);
        for (int rep = 0; rep < 2; rep++) {
            Result collected = run(true, false);
            for (String k : quiet.gradients().keySet()) {
                assertThat(collected.gradients().get(k)).as("gradient of %s after a collection (network %d)", k, rep)
                        .containsExactly(quiet.gradients().get(k));
            }
        }
    }

    @Test
    void freedMemoryFullOfNanChangesNoOutputAndNoGradient() {
        assertThat(PatchedUNetTest.small().unetInChannels() % 16).as("the first convolution's partial channel block")
                .isNotZero();
        Result quiet = run(false, false);
        for (int rep = 0; rep < 2; rep++) {
            Result poisoned = run(false, true);
            assertThat(poisoned.output()).as("training forward (network %d)", rep).containsExactly(quiet.output());
            assertThat(poisoned.inference()).as("inference path (network %d)", rep)
                    .containsExactly(quiet.inference());
            for (String k : quiet.gradients().keySet()) {
                assertThat(poisoned.gradients().get(k)).as("gradient of %s (network %d)", k, rep)
                        .containsExactly(quiet.gradients().get(k));
            }
        }
    }

    /** Output, inference-path output and gradients of the mean square output of one network. */
    private record Result(float[] output, float[] inference, Map<String, float[]> gradients) {
    }

    /**
     * A fresh random UNet (the same weights and inputs every call): its output, its inference path's output, and the
     * gradients of its mean square output; with {@code collect} a collection between forward and backward, with
     * {@code poison} freed memory full of NaN before each of the three evaluations.
     */
    private static Result run(boolean collect, boolean poison) {
        UNetConfig c = PatchedUNetTest.small();
        try (PatchedUNet net = PatchedUNet.create(c, 7, false)) {
            Map<String, NDArray> params = net.weights().trainable();
            params.values().forEach(p -> p.setRequiresGradient(true));
            SplittableRandom r = new SplittableRandom(3);
            float[] output;
            float[] inference;
            try (NDManager m = net.weights().manager().newSubManager()) {
                NDArray sample = m.create(gaussian(r, 2 * 3 * 32 * 32), new Shape(2, 3, 32, 32));
                NDArray cond = m.create(gaussian(r, 2 * 8 * 2 * 2), new Shape(2, 8, 2, 2));
                float[] t = {10f, 700f};
                try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                    if (poison) {
                        FreedMemory.poison();
                    }
                    NDArray out = net.forward(m, sample, t, cond);
                    output = out.toFloatArray();
                    NDArray loss = out.square().mean();
                    if (collect) {
                        churnTheHeap();
                    }
                    if (poison) {
                        FreedMemory.poison();
                    }
                    gc.backward(loss);
                }
                if (poison) {
                    FreedMemory.poison();
                }
                try (PatchedUNet.Inference inf = net.inference(); NDManager im = m.newSubManager()) {
                    inference = inf.forward(im, sample, t, cond).toFloatArray();
                }
            }
            Map<String, float[]> grads = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> p : params.entrySet()) {
                try (NDArray g = p.getValue().getGradient()) {
                    grads.put(p.getKey(), g.toFloatArray());
                }
            }
            return new Result(output, inference, grads);
        }
    }

    private static float[] gaussian(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    /** Frees unreachable direct buffers and hands their memory out again, filled with large values. */
    private static void churnTheHeap() {
        System.gc();
        System.gc();
        List<ByteBuffer> reuse = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(4 + i % 16);
            while (b.hasRemaining()) {
                b.put((byte) 0x7f);
            }
            reuse.add(b);
        }
        assertThat(reuse).hasSize(256);
    }
}
