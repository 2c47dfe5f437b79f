package fourm.vq.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * The reference's conditional sampling loop ({@code PipelineCond} in {@code diffusion_pipeline.py}, no guidance): start
 * from Gaussian noise at the image size, set the scheduler's timesteps, and at each one evaluate the patched UNet on
 * the current sample and the conditioning and let the scheduler step back.
 *
 * <p>The UNet runs through {@link PatchedUNet#inference()} (its convolution weights packed once per decode, freed when
 * the decode returns). Memory: each step runs in its own sub-manager of the caller's, closed at the end of the step; only the new sample
 * survives it (and the previous one is freed), so a long decode holds two samples and one step's intermediates.
 */
public final class DiffusionDecoder {
    private final PatchedUNet unet;
    private final DiffusionScheduler scheduler;

    /** What a decode reports after each step. */
    @FunctionalInterface
    public interface StepListener {
        /**
         * Called after step {@code index} (0-based) of {@code total}.
         *
         * @param timestep the step's timestep
         */
        void stepDone(int index, int total, long timestep);
    }

    /** A decoder sampling {@code unet} with {@code scheduler}. */
    public DiffusionDecoder(PatchedUNet unet, DiffusionScheduler scheduler) {
        this.unet = unet;
        this.scheduler = scheduler;
    }

    /** The denoiser. */
    public PatchedUNet unet() {
        return unet;
    }

    /** The scheduler. */
    public DiffusionScheduler scheduler() {
        return scheduler;
    }

    /**
     * Samples images for a conditioning map. The result belongs to {@code m}.
     *
     * @param cond     [B, L, h, w] (the quantized latents of the tokens)
     * @param steps    decoding steps (DDIM with trailing spacing may run one more when it does not divide the
     *                 training steps, as the reference does)
     * @param side     image side in pixels (a multiple of the patch size)
     * @param noise    the initial noise and the noise of stochastic steps, drawn in the reference's order
     * @param listener told after each step (may be null)
     * @return [B, C, side, side]
     */
    public NDArray decode(NDManager m, NDArray cond, int steps, int side, GaussianNoise noise, StepListener listener) {
        if (side < 1 || side % unet.config().patchSize() != 0) {
            throw new IllegalArgumentException("the image side must be a positive multiple of the patch size "
                    + unet.config().patchSize() + ", got " + side);
        }
        long[] ts = scheduler.timesteps(steps);
        long b = cond.getShape().get(0);
        NDArray x = noise.next(m, new Shape(b, unet.config().inChannels(), side, side));
        try (PatchedUNet.Inference net = unet.inference()) {
            for (int i = 0; i < ts.length; i++) {
                NDArray next;
                try (NDManager sm = m.newSubManager()) {
                    NDArray xs = x.get(sm, new NDIndex("..."));
                    NDArray c = cond.get(sm, new NDIndex("..."));
                    NDArray out = net.forward(sm, xs, new float[] {ts[i]}, c);
                    next = scheduler.step(sm, out, ts[i], xs, steps, noise);
                    next.attach(m);
                }
                x.close();
                x = next;
                if (listener != null) {
                    listener.stepDone(i, ts.length, ts[i]);
                }
            }
        }
        return x;
    }
}
