package fourm.vq.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import fourm.core.optim.AdamW;
import fourm.core.optim.LrSchedule;
import fourm.vq.ReconstructionMetrics;
import fourm.vq.VqConfig;
import fourm.vq.VqModel;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Optimizer steps and evaluation of one tokenizer: the loss of spec-4m.md §6.1 ({@code reconstruction +
 * codebook-weight * code loss}, the reconstruction loss of the family: MSE, smooth L1, cross-entropy or cosine),
 * fourm-core's {@link AdamW} (global-norm clipping; its decay rule exempts biases and rank-1 tensors, as the reference's
 * optimizer factory does) with a {@link LrSchedule} cosine after a linear warm-up, then the quantizer's codebook update
 * (EMA and dead-code replacement, for the VQ codebook).
 *
 * <p>Step {@code s} draws everything (batch, crops, Gumbel noise, replacement codes) from a stream made from
 * {@code (seed, s)} ({@link #rngFor}), so a run resumed at step {@code s} continues as an uninterrupted one would.
 * The trainer does not own the model; close it to free the optimizer state.
 */
public final class VqTrainer implements AutoCloseable {
    private final VqModel model;
    private final LrSchedule schedule;
    private final double codebookWeight;
    private final double deadCodeThreshold;
    private final AdamW adam;

    /**
     * What one step did.
     *
     * @param step          the step index (0-based)
     * @param lr            its learning rate
     * @param loss          total loss
     * @param reconLoss     reconstruction loss
     * @param codeLoss      weighted code loss
     * @param gradNorm      global gradient norm before clipping (not finite: the step was skipped)
     * @param replacedCodes dead codes replaced after the step
     */
    public record StepResult(long step, double lr, double loss, double reconLoss, double codeLoss, double gradNorm,
                             int replacedCodes) {
    }

    /**
     * @param model             the tokenizer to train (gradients are attached to its parameters)
     * @param optimizer         AdamW and schedule settings
     * @param totalSteps        length of the schedule
     * @param codebookWeight    weight of the code loss
     * @param deadCodeThreshold EMA usage below which a code is replaced (0 = never)
     */
    public VqTrainer(VqModel model, VqTrainSettings.Optimizer optimizer, long totalSteps, double codebookWeight,
                     double deadCodeThreshold) {
        this.model = model;
        this.schedule = new LrSchedule(LrSchedule.Type.COSINE, optimizer.lr(), optimizer.minLr(), totalSteps,
                Math.min(optimizer.warmupSteps(), totalSteps), 1, 0);
        this.codebookWeight = codebookWeight;
        this.deadCodeThreshold = deadCodeThreshold;
        Map<String, NDArray> params = model.trainableParameters();
        AdamW.attachGradients(params);
        this.adam = new AdamW(params, new AdamW.Hyper(optimizer.beta1(), optimizer.beta2(), optimizer.eps(),
                optimizer.weightDecay(), optimizer.clipGrad()));
    }

    /** A trainer with the settings of a run. */
    public static VqTrainer of(VqModel model, VqTrainSettings s) {
        return new VqTrainer(model, s.optimizer(), s.steps(), s.codebookWeight(), s.deadCodeThreshold());
    }

    /** The random stream of step {@code step} of a run seeded {@code seed}. */
    public static SplittableRandom rngFor(long seed, long step) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL);
    }

    /** The learning rate of a step: linear warm-up from 0, then a half cosine from the peak to the floor. */
    public double lr(long step) {
        return schedule.lr(step);
    }

    /**
     * One optimizer step on a batch drawn from {@code data} with the step's random stream.
     *
     * @param step the step index, which picks the learning rate
     */
    public StepResult step(TrainingData data, int batchSize, long seed, long step) {
        SplittableRandom rng = rngFor(seed, step);
        float[] batch = data.batch(batchSize, rng);
        return step(batch, batchSize, data.side(), step, rng);
    }

    /** One optimizer step on a batch of square images in model space ({@link VqModel#input}). */
    public StepResult step(float[] batch, int batchSize, int side, long step, SplittableRandom rng) {
        return step(batch, batchSize, side, side, step, rng);
    }

    /**
     * One optimizer step on a batch of {@code height x width} images in model space ({@link VqModel#input}); the
     * grid need not be square.
     */
    public StepResult step(float[] batch, int batchSize, int height, int width, long step, SplittableRandom rng) {
        double lr = lr(step);
        VqModel.Forward f;
        double loss;
        double recon;
        double code;
        try (NDManager m = model.manager().newSubManager();
             GradientCollector gc = m.getEngine().newGradientCollector()) {
            NDArray x = model.input(m, batch, batchSize, height, width);
            f = model.forward(m, x, true, rng);
            NDArray r = Losses.of(model.config().loss(), f.output(), x);
            NDArray codeLoss = f.codeLoss();
            NDArray c = codeLoss.mul(codeLoss.getManager().create((float) codebookWeight));
            NDArray total = r.add(c);
            float[] values = {total.getFloat(), r.getFloat(), c.getFloat()};
            loss = values[0];
            recon = values[1];
            code = values[2];
            gc.backward(total);
        }
        AdamW.StepStats stats = adam.step(lr, 1.0);
        int replaced = stats.skipped() ? 0 : model.applyCodebookUpdate(f, deadCodeThreshold, rng);
        return new StepResult(step, lr, loss, recon, code, stats.skipped() ? Double.NaN : stats.gradNorm(), replaced);
    }

    /**
     * Reconstruction metrics of the held-out images ({@link ReconstructionMetrics}), computed on the inference path
     * (arg-max codes), {@code batchSize} images at a time.
     */
    public Map<String, Double> evaluate(TrainingData data, int batchSize) {
        return evaluate(model, data.evalInputs(), data.side(), batchSize);
    }

    /** Reconstruction metrics of images in model space on the inference path. */
    public static Map<String, Double> evaluate(VqModel model, List<float[]> inputs, int side, int batchSize) {
        VqConfig c = model.config();
        ReconstructionMetrics metrics = new ReconstructionMetrics(c);
        for (int from = 0; from < inputs.size(); from += batchSize) {
            List<float[]> chunk = inputs.subList(from, Math.min(inputs.size(), from + batchSize));
            int per = chunk.get(0).length;
            float[] values = new float[per * chunk.size()];
            for (int i = 0; i < chunk.size(); i++) {
                System.arraycopy(chunk.get(i), 0, values, i * per, per);
            }
            float[] out;
            long[] ids;
            try (NDManager m = model.manager().newSubManager()) {
                VqModel.Forward f = model.forward(m, model.input(m, values, chunk.size(), side, side), false, null);
                out = f.output().toFloatArray();
                ids = f.ids();
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

    /** First moments by parameter name (live arrays). */
    Map<String, NDArray> firstMoments() {
        return adam.expAvg();
    }

    /** Second moments by parameter name (live arrays). */
    Map<String, NDArray> secondMoments() {
        return adam.expAvgSq();
    }

    /** Restores the optimizer state. */
    void restore(Map<String, float[]> avg, Map<String, float[]> avgSq, long count) {
        adam.restore(avg, avgSq, count);
    }

    /** Frees the optimizer state (the model stays open). */
    @Override
    public void close() {
        adam.close();
    }
}
