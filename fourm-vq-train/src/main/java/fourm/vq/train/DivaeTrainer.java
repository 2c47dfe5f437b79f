package fourm.vq.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import fourm.core.optim.AdamW;
import fourm.vq.ReconstructionMetrics;
import fourm.core.optim.LrSchedule;
import fourm.vq.LatentDecoder;
import fourm.vq.VqConfig;
import fourm.vq.VqModel;
import fourm.vq.diffusion.DivaeModel;
import fourm.vq.diffusion.GaussianNoise;
import fourm.vq.diffusion.SchedulerConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Optimizer steps and evaluation of a DiVAE, the reference's diffusion training ({@code run_training_divae.py}): per
 * image a timestep drawn uniformly from the training steps and Gaussian noise, the noisy image
 * {@code sqrt(a) x0 + sqrt(1 - a) eps}, one denoiser evaluation conditioned on the quantized latents of the clean
 * image, and the MSE between its output and the target of the configured prediction type (x0, eps, or
 * {@code v = sqrt(a) eps - sqrt(1 - a) x0}), plus {@code codebook-weight} times the code loss; AdamW over the encoder
 * and the UNet, then the codebook's EMA update, as {@link VqTrainer} does.
 *
 * <p>Step {@code s} draws everything from {@link VqTrainer#rngFor}{@code (seed, s)}, so a resumed run continues as an
 * uninterrupted one would. The held-out evaluation encodes each image and decodes its tokens through the sampling
 * loop ({@code evalSteps} steps, noise seeded per image), so its metrics are those of the tokenizer as a user decodes.
 */
public final class DivaeTrainer implements AutoCloseable {
    private final DivaeModel model;
    private final LrSchedule schedule;
    private final double codebookWeight;
    private final double deadCodeThreshold;
    private final int evalSteps;
    private final float[] alphasCumprod;
    private final SchedulerConfig.Prediction prediction;
    private final boolean freezeEncoder;
    private final AdamW adam;

    /**
     * @param model             the DiVAE to train (gradients are attached to its encoder and UNet)
     * @param settings          the run's optimizer, steps, code-loss weight and dead-code threshold
     * @param evalSteps         sampling steps of the held-out evaluation
     */
    public DivaeTrainer(DivaeModel model, VqTrainSettings settings, int evalSteps) {
        this(model, settings, evalSteps, false);
    }

    /**
     * A trainer that may leave the encoder side as it is ({@code freezeEncoder}, the reference's {@code freeze_enc}):
     * only the UNet learns, the codebook is not updated, so the tokens stay those of the given encoder (a diffusion
     * decoder for an existing tokenizer's ids).
     */
    public DivaeTrainer(DivaeModel model, VqTrainSettings settings, int evalSteps, boolean freezeEncoder) {
        this.model = model;
        this.freezeEncoder = freezeEncoder;
        VqTrainSettings.Optimizer o = settings.optimizer();
        this.schedule = new LrSchedule(LrSchedule.Type.COSINE, o.lr(), o.minLr(), settings.steps(),
                Math.min(o.warmupSteps(), settings.steps()), 1, 0);
        this.codebookWeight = settings.codebookWeight();
        this.deadCodeThreshold = settings.deadCodeThreshold();
        this.evalSteps = evalSteps;
        this.alphasCumprod = model.decoder().scheduler().alphasCumprod();
        this.prediction = model.decoder().scheduler().config().prediction();
        Map<String, NDArray> params = new LinkedHashMap<>();
        if (!freezeEncoder) {
            params.putAll(model.encoder().trainableParameters());
        }
        params.putAll(model.unet().weights().trainable());
        AdamW.attachGradients(params);
        this.adam = new AdamW(params, new AdamW.Hyper(o.beta1(), o.beta2(), o.eps(), o.weightDecay(), o.clipGrad()));
    }

    /** One optimizer step on a batch drawn from {@code data} with the step's random stream. */
    public VqTrainer.StepResult step(TrainingData data, int batchSize, long seed, long step) {
        SplittableRandom rng = VqTrainer.rngFor(seed, step);
        float[] batch = data.batch(batchSize, rng);
        int side = data.side();
        float[] noise = new float[batch.length];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) rng.nextGaussian();
        }
        float[] t = new float[batchSize];
        float[] signal = new float[batchSize];
        float[] sigma = new float[batchSize];
        for (int i = 0; i < batchSize; i++) {
            int ti = rng.nextInt(alphasCumprod.length);
            t[i] = ti;
            signal[i] = (float) Math.sqrt(alphasCumprod[ti]);
            sigma[i] = (float) Math.sqrt(1.0 - alphasCumprod[ti]);
        }
        double lr = schedule.lr(step);
        VqModel encoder = model.encoder();
        VqModel.Forward f;
        double loss;
        double recon;
        double code;
        try (NDManager m = encoder.manager().newSubManager();
             GradientCollector gc = m.getEngine().newGradientCollector()) {
            NDArray x0 = encoder.input(m, batch, batchSize, side, side);
            NDArray eps = m.create(noise, x0.getShape());
            Shape column = new Shape(batchSize, 1, 1, 1);
            NDArray a = m.create(signal, column);
            NDArray s = m.create(sigma, column);
            NDArray noisy = x0.mul(a).add(eps.mul(s));
            f = encoder.forward(m, x0, !freezeEncoder, rng, new LatentDecoder() {
                @Override
                public String type() {
                    return "diffusion";
                }

                @Override
                public NDArray decode(NDManager dm, NDArray quantized) {
                    return model.unet().forward(dm, noisy, t, quantized);
                }
            });
            NDArray target = switch (prediction) {
                case SAMPLE -> x0;
                case EPSILON -> eps;
                case V_PREDICTION -> eps.mul(a).sub(x0.mul(s));
            };
            NDArray r = f.output().sub(target).square().mean();
            NDArray c = f.codeLoss().mul(f.codeLoss().getManager().create((float) codebookWeight));
            NDArray total = r.add(c);
            loss = total.getFloat();
            recon = r.getFloat();
            code = c.getFloat();
            gc.backward(total);
        }
        AdamW.StepStats stats = adam.step(lr, 1.0);
        int replaced = stats.skipped() || freezeEncoder ? 0
                : encoder.applyCodebookUpdate(f, deadCodeThreshold, rng);
        return new VqTrainer.StepResult(step, lr, loss, recon, code, stats.skipped() ? Double.NaN : stats.gradNorm(),
                replaced);
    }

    /** Reconstruction metrics of the held-out images, decoded through the sampling loop. */
    public Map<String, Double> evaluate(TrainingData data, int batchSize) {
        return evaluate(model, data.evalInputs(), data.side(), batchSize, evalSteps);
    }

    /**
     * Reconstruction metrics of images in model space: tokens by the encoder, images by {@code steps} sampling steps
     * (noise of image {@code i} seeded with {@code i}).
     */
    public static Map<String, Double> evaluate(DivaeModel model, List<float[]> inputs, int side, int batchSize,
                                               int steps) {
        VqConfig c = model.encoder().config();
        ReconstructionMetrics metrics = new ReconstructionMetrics(c);
        int grid = side / c.patchSize();
        for (int from = 0; from < inputs.size(); from += batchSize) {
            List<float[]> chunk = inputs.subList(from, Math.min(inputs.size(), from + batchSize));
            int per = chunk.get(0).length;
            float[] values = new float[per * chunk.size()];
            for (int i = 0; i < chunk.size(); i++) {
                System.arraycopy(chunk.get(i), 0, values, i * per, per);
            }
            float[] out;
            long[] ids;
            try (NDManager m = NDManager.newBaseManager()) {
                ids = model.tokenize(m, model.encoder().input(m, values, chunk.size(), side, side));
                out = model.decodeTokens(m, ids, chunk.size(), grid, grid, steps, side,
                        GaussianNoise.perSample(from, chunk.size()), null).toFloatArray();
            }
            int outPer = out.length / chunk.size();
            int idsPer = ids.length / chunk.size();
            for (int i = 0; i < chunk.size(); i++) {
                float[] o = new float[outPer];
                System.arraycopy(out, i * outPer, o, 0, outPer);
                long[] t = new long[idsPer];
                System.arraycopy(ids, i * idsPer, t, 0, idsPer);
                metrics.add(chunk.get(i), o, t);
            }
        }
        return metrics.result();
    }

    /** Optimizer updates applied so far. */
    public long updates() {
        return adam.updates();
    }

    Map<String, NDArray> firstMoments() {
        return adam.expAvg();
    }

    Map<String, NDArray> secondMoments() {
        return adam.expAvgSq();
    }

    void restore(Map<String, float[]> avg, Map<String, float[]> avgSq, long count) {
        adam.restore(avg, avgSq, count);
    }

    /** Frees the optimizer state (the model stays open). */
    @Override
    public void close() {
        adam.close();
    }
}
