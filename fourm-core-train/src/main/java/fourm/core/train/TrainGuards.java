package fourm.core.train;

import fourm.api.ModalitySpec;
import fourm.core.data.DataConfig;
import fourm.core.data.DatasetCheck;
import fourm.core.data.DatasetManifest;
import fourm.core.data.OnBadSample;
import fourm.core.data.SampleInputs;
import fourm.core.io.ConsoleProgress;
import fourm.core.model.FourMConfig;
import fourm.core.optim.AdamW;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The checks a training run makes around its loop, kept apart from the loop itself: before the first step, that the
 * dataset is complete ({@link DatasetManifest}) and, unless {@code fourm.train.data.check = false}, that every sample
 * reads ({@link DatasetCheck}), and that one micro-batch fits in memory; during the run, that the loss and gradients
 * do not stay non-finite.
 */
final class TrainGuards {
    /** Bytes per float. */
    private static final long FLOAT = 4;

    private TrainGuards() {
    }

    /**
     * Refuses a run that cannot succeed, before any step: an incomplete dataset, bad samples (under
     * {@code on-bad-sample = fail}), a micro-batch that cannot fit in this machine's memory.
     *
     * @throws fourm.core.data.IncompleteDatasetException if a modality folder is incomplete
     * @throws fourm.core.data.BadDatasetException        if the scan finds bad samples and the policy is fail
     * @throws IllegalArgumentException                   if a batch cannot fit in memory
     */
    static void checkBeforeTraining(Experiment exp, Map<String, ModalitySpec> specs, DataConfig dataConfig,
                                    ConsoleProgress progress) throws IOException {
        TrainSettings s = exp.settings();
        checkMemory(exp, physicalMemory());
        DatasetManifest.requireComplete(s.data().path(), specs.keySet());
        if (s.eval().dataPath().isPresent() && s.eval().every() > 0) {
            DatasetManifest.requireComplete(s.eval().dataPath().get(), specs.keySet());
        }
        if (s.data().check()) {
            long t0 = System.nanoTime();
            DatasetCheck.Report report = DatasetCheck.run(s.data().path(), specs,
                    SampleInputs.textTokenizers(exp.modalities()), dataConfig);
            progress.message(String.format(Locale.ROOT, "data check (%.1f s): %s", (System.nanoTime() - t0) / 1e9,
                    report.summary()));
            if (dataConfig.onBadSample() == OnBadSample.FAIL) {
                report.requireOk();
            } else if (!report.ok()) {
                progress.message("warning: training skips them (" + DataConfig.PATH + ".on-bad-sample = skip); first: "
                        + report.problems().get(0));
            }
        }
    }

    /**
     * Refuses a batch whose activations cannot fit: a lower bound of the bytes one micro-batch keeps for the backward
     * pass (every block's inputs, attention and MLP activations, the attention matrices) plus the weights, gradients
     * and AdamW moments, against the machine's physical memory.
     *
     * @param physical physical memory in bytes, when known
     * @throws IllegalArgumentException naming the keys and the figures
     */
    static void checkMemory(Experiment exp, OptionalLong physical) {
        if (physical.isEmpty()) {
            return;
        }
        TrainSettings s = exp.settings();
        FourMConfig m = exp.model();
        long nIn = exp.masking().numInputTokens();
        long nTgt = exp.masking().numTargetTokens();
        long train = activationBytes(m, s.batchSize(), nIn, nTgt);
        long eval = s.eval().every() > 0 ? activationBytes(m, s.eval().batchSize(), nIn, nTgt) / 4 : 0;
        long weights = 4L * FLOAT * parameterCount(m);
        long need = Math.max(train, eval) + weights;
        if (need < 0 || need > physical.getAsLong()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s.batch-size = %d (%d input + %d target"
                    + " tokens a sample, dim %d, %d + %d blocks) needs at least %.1f GB for one micro-batch, more"
                    + " than this machine's %.1f GB of memory; lower %s.batch-size and raise %s.accum-iter to keep"
                    + " the samples per step", TrainSettings.PATH, s.batchSize(), nIn, nTgt, m.dim(),
                    m.encoderDepth(), m.decoderDepth(), need < 0 ? Double.POSITIVE_INFINITY : need / 1e9,
                    physical.getAsLong() / 1e9, TrainSettings.PATH, TrainSettings.PATH));
        }
    }

    /** A lower bound of the activation bytes a micro-batch of {@code batch} samples keeps for the backward pass. */
    static long activationBytes(FourMConfig m, long batch, long nIn, long nTgt) {
        double d = m.dim();
        double hidden = m.mlpHidden();
        double heads = m.numHeads();
        // per token and block: norms, qkv, attention output, projection, MLP hidden (twice for SwiGLU), residuals
        double perTokenBlock = 8 * d + 2 * hidden;
        double enc = batch * (nIn * perTokenBlock + heads * nIn * nIn) * m.encoderDepth();
        double dec = batch * (nTgt * (perTokenBlock + 4 * d) + heads * (nTgt * nTgt + nTgt * nIn)) * m.decoderDepth();
        double bytes = (enc + dec) * FLOAT;
        return bytes >= Long.MAX_VALUE ? -1 : (long) bytes;
    }

    /** The blocks' weights, which dominate a model's parameter count. */
    private static long parameterCount(FourMConfig m) {
        long d = m.dim();
        long block = 4 * d * d + 3 * d * m.mlpHidden();
        return block * (m.encoderDepth() + m.decoderDepth()) + 2 * d * d * m.decoderDepth();
    }

    /** MemTotal of {@code /proc/meminfo}, when there is one. */
    static OptionalLong physicalMemory() {
        Path info = Path.of("/proc/meminfo");
        try {
            for (String line : Files.readAllLines(info)) {
                if (line.startsWith("MemTotal:")) {
                    String[] parts = line.trim().split("\\s+");
                    return OptionalLong.of(Long.parseLong(parts[1]) * 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }

    /**
     * Stops a run whose loss or gradient has not been finite for {@code max-non-finite-steps} steps in a row.
     *
     * @throws NonFiniteTrainingException naming the step, the count and where the gradients were not finite
     */
    static void checkNonFinite(TrainSettings s, long step, int consecutive, float loss, AdamW.StepStats stats) {
        if (s.maxNonFiniteSteps() > 0 && consecutive >= s.maxNonFiniteSteps()) {
            List<String> where = stats.nonFinite();
            throw new NonFiniteTrainingException("training diverged: the loss or the gradient was not finite in "
                    + consecutive + " consecutive steps (up to step " + step + "; last loss " + loss
                    + (where.isEmpty() ? "" : ", non-finite gradients in " + where.subList(0, Math.min(5, where.size()))
                    + (where.size() > 5 ? " and " + (where.size() - 5) + " more" : "")) + "); their updates were"
                    + " skipped. Lower " + TrainSettings.PATH + ".optimizer.blr, set " + TrainSettings.PATH
                    + ".optimizer.clip-grad, or check the initial weights (" + TrainSettings.PATH
                    + ".max-non-finite-steps = " + s.maxNonFiniteSteps() + ")");
        }
    }
}
