package fourm.vq.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import fourm.core.optim.AdamW;
import fourm.core.optim.LrSchedule;
import fourm.vq.ReconstructionMetrics;
import fourm.vq.VqModel;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Optimizer steps and evaluation of one tokenizer, whatever its loss ({@link TokenizerLoss}): the loss of spec-4m.md
 * §6.1 ({@code reconstruction + codebook-weight * code loss}; the reconstruction term of a ViT/MLP tokenizer,
 * {@link ReconstructionLoss}, is its family's: MSE, smooth L1, cross-entropy or cosine; a DiVAE's is the diffusion loss,
 * {@link DiffusionLoss}), fourm-core's {@link AdamW} (global-norm clipping; its decay rule exempts biases and rank-1
 * tensors, as the reference's optimizer factory does) with a {@link LrSchedule} cosine after a linear warm-up, then
 * the quantizer's codebook update (EMA and dead-code replacement, for the VQ codebook) when the loss trains it.
 *
 * <p>Step {@code s} draws everything (batch, crops, Gumbel noise, diffusion noise and timesteps, replacement codes)
 * from a stream made from {@code (seed, s)} ({@link #rngFor}), so a run resumed at step {@code s} continues as an
 * uninterrupted one would. The trainer does not own the model; close it to free the optimizer state.
 */
public class VqTrainer implements AutoCloseable {
    private final TokenizerLoss objective;
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
     * @param reconLoss     reconstruction loss (for a DiVAE: the diffusion loss)
     * @param codeLoss      weighted code loss
     * @param gradNorm      global gradient norm before clipping (not finite: the step was skipped)
     * @param replacedCodes dead codes replaced after the step
     */
    public record StepResult(long step, double lr, double loss, double reconLoss, double codeLoss, double gradNorm,
                             int replacedCodes) {
    }

    /**
     * A trainer of a ViT/MLP tokenizer ({@link ReconstructionLoss}).
     *
     * @param model             the tokenizer to train (gradients are attached to its parameters)
     * @param optimizer         AdamW and schedule settings
     * @param totalSteps        length of the schedule
     * @param codebookWeight    weight of the code loss
     * @param deadCodeThreshold EMA usage below which a code is replaced (0 = never)
     */
    public VqTrainer(VqModel model, VqTrainSettings.Optimizer optimizer, long totalSteps, double codebookWeight,
                     double deadCodeThreshold) {
        this(new ReconstructionLoss(model), optimizer, totalSteps, codebookWeight, deadCodeThreshold);
    }

    /**
     * A trainer of any loss.
     *
     * @param objective         the loss (its parameters get gradients attached)
     * @param optimizer         AdamW and schedule settings
     * @param totalSteps        length of the schedule
     * @param codebookWeight    weight of the code loss
     * @param deadCodeThreshold EMA usage below which a code is replaced (0 = never)
     */
    public VqTrainer(TokenizerLoss objective, VqTrainSettings.Optimizer optimizer, long totalSteps,
                     double codebookWeight, double deadCodeThreshold) {
        this.objective = objective;
        this.schedule = new LrSchedule(LrSchedule.Type.COSINE, optimizer.lr(), optimizer.minLr(), totalSteps,
                Math.min(optimizer.warmupSteps(), totalSteps), 1, 0);
        this.codebookWeight = codebookWeight;
        this.deadCodeThreshold = deadCodeThreshold;
        Map<String, NDArray> params = objective.trainableParameters();
        AdamW.attachGradients(params);
        this.adam = new AdamW(params, new AdamW.Hyper(optimizer.beta1(), optimizer.beta2(), optimizer.eps(),
                optimizer.weightDecay(), optimizer.clipGrad()));
    }

    /** A trainer of a ViT/MLP tokenizer with the settings of a run. */
    public static VqTrainer of(VqModel model, VqTrainSettings s) {
        return of(new ReconstructionLoss(model), s);
    }

    /** A trainer of any loss with the settings of a run. */
    public static VqTrainer of(TokenizerLoss objective, VqTrainSettings s) {
        return new VqTrainer(objective, s.optimizer(), s.steps(), s.codebookWeight(), s.deadCodeThreshold());
    }

    /** The loss trained. */
    public TokenizerLoss objective() {
        return objective;
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
        try (NDManager m = objective.tokenizer().manager().newSubManager();
             GradientCollector gc = m.getEngine().newGradientCollector()) {
            TokenizerLoss.Terms terms = objective.terms(m, batch, batchSize, height, width, rng);
            f = terms.forward();
            NDArray r = terms.reconstruction();
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
        int replaced = stats.skipped() || !objective.updatesCodebook() ? 0
                : objective.tokenizer().applyCodebookUpdate(f, deadCodeThreshold, rng);
        return new StepResult(step, lr, loss, recon, code, stats.skipped() ? Double.NaN : stats.gradNorm(), replaced);
    }

    /**
     * Reconstruction metrics of the held-out images ({@link ReconstructionMetrics}) as the loss evaluates them (a
     * ViT/MLP tokenizer on the inference path, arg-max codes; a DiVAE through its sampling loop), {@code batchSize}
     * images at a time.
     */
    public Map<String, Double> evaluate(TrainingData data, int batchSize) {
        return objective.evaluate(data.evalInputs(), data.side(), batchSize);
    }

    /** Reconstruction metrics of images in model space on the inference path. */
    public static Map<String, Double> evaluate(VqModel model, List<float[]> inputs, int side, int batchSize) {
        return ReconstructionLoss.evaluate(model, inputs, side, batchSize);
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
