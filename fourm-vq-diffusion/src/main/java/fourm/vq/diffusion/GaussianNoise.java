package fourm.vq.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * Where a sampling loop gets its standard-normal noise: first the initial sample, then one draw per step that adds
 * noise (DDPM steps with t &gt; 0, DDIM steps with eta &gt; 0), in that order, as the reference's generator is drawn.
 */
@FunctionalInterface
public interface GaussianNoise {

    /** Standard-normal FLOAT32 values of {@code shape}, created in {@code m}. */
    NDArray next(NDManager m, Shape shape);

    /**
     * Seeded noise computed on the host ({@link SplittableRandom#nextGaussian()}): the same seed gives the same
     * values on every machine and engine. Not thread-safe: one instance per decode.
     */
    static GaussianNoise seeded(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        return (m, shape) -> {
            float[] v = new float[Math.toIntExact(shape.size())];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) rng.nextGaussian();
            }
            // a copy in engine memory: an array made from Java data is backed by a direct buffer of the JVM
            try (NDArray staged = m.create(v, shape)) {
                return staged.duplicate();
            }
        };
    }

    /**
     * Seeded noise per sample: the draws of a batch [B, ...] take sample {@code i}'s values from its own stream seeded
     * with {@code seed + i}, so a sample gets the same noise alone or in a batch. Not thread-safe: one per decode.
     *
     * @param batch B, the leading dimension of every draw
     */
    static GaussianNoise perSample(long seed, int batch) {
        SplittableRandom[] rngs = new SplittableRandom[batch];
        for (int i = 0; i < batch; i++) {
            rngs[i] = new SplittableRandom(seed + i);
        }
        return (m, shape) -> {
            if (shape.get(0) != batch) {
                throw new IllegalArgumentException("noise for a batch of " + batch + " asked for shape " + shape);
            }
            float[] v = new float[Math.toIntExact(shape.size())];
            int per = v.length / batch;
            for (int b = 0; b < batch; b++) {
                for (int i = 0; i < per; i++) {
                    v[b * per + i] = (float) rngs[b].nextGaussian();
                }
            }
            try (NDArray staged = m.create(v, shape)) {
                return staged.duplicate();
            }
        };
    }
}
