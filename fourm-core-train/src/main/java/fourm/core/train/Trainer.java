package fourm.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonObject;
import com.typesafe.config.ConfigRenderOptions;
import fourm.api.Modality;
import fourm.api.ModalitySpec;
import fourm.api.io.AtomicFiles;
import fourm.core.batch.MaskedBatch;
import fourm.core.data.DataConfig;
import fourm.core.io.ConsoleProgress;
import fourm.core.io.OutputLock;
import fourm.core.io.TrainLog;
import fourm.core.masking.MaskedSample;
import fourm.core.masking.MaskingCollator;
import fourm.core.masking.SampleSeeds;
import fourm.core.masking.UnifiedMasking;
import fourm.core.model.ForwardOptions;
import fourm.core.model.ForwardOutput;
import fourm.core.model.FourMModel;
import fourm.core.optim.AdamW;
import fourm.core.optim.LrSchedule;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The training loop (spec §3, §5, Table 6). Each optimizer step takes {@code accum-iter} micro-batches of
 * {@code batch-size} samples from the data stream, masks them with {@link UnifiedMasking} (sample {@code i} of the
 * stream is masked with the stream of (seed, i)), runs the forward pass with {@code num-input-tokens} encoder and
 * {@code num-target-tokens} decoder slots and a decoder modality order drawn from (seed, micro-batch index),
 * back-propagates the loss (divided by {@code accum-iter}) and applies {@link AdamW} with the learning rate of the
 * step. Batches are prepared on a background thread while the previous step computes.
 *
 * <p>Every step appends a record to {@code train-log.jsonl} ({@link TrainLog}) and updates the console progress;
 * every {@code eval.every} steps (and at step 0 and at the end) a fixed evaluation batch is scored; every
 * {@code checkpoint.every} steps, at the end and when stopped ({@link #requestStop()}, called by the shutdown hook on
 * Ctrl-C) a checkpoint is written ({@link TrainCheckpoints}).
 *
 * <p>Resuming continues bit for bit: data order, crops, masks and decoder orders are functions of (seed, position),
 * the forward pass has no dropout, and a checkpoint holds the exact weights, moments, step and data position. The
 * loss of the first step after a resume equals that step's loss in an uninterrupted run.
 */
public final class Trainer {
    private static final long SHUFFLE_STREAM = 0x5348554646L;

    private final Experiment exp;
    private final TrainSettings s;
    private final PrintWriter console;
    private final Map<String, String> extraProvenance;
    private fourm.core.model.ModelEngine engine = new fourm.core.model.DjlModelEngine();
    private volatile boolean stopRequested;
    private java.util.function.LongConsumer stepListener = step -> { };
    private final CountDownLatch finished = new CountDownLatch(1);

    /**
     * What a run did.
     *
     * @param startStep   steps completed before this run (0, or the resumed checkpoint's step)
     * @param endStep     steps completed at the end
     * @param interrupted true when {@link #requestStop()} ended the run early
     * @param checkpoint  the last checkpoint folder written
     * @param lastEval    per-modality losses of the last evaluation (empty without evaluation)
     */
    public record Result(long startStep, long endStep, boolean interrupted, Optional<Path> checkpoint,
                         Map<String, Float> lastEval) {
    }

    /**
     * A trainer for an experiment.
     *
     * @param exp             the prepared experiment
     * @param console         where progress goes (stderr in the CLI)
     * @param extraProvenance more checkpoint metadata (for example the CLI's version)
     */
    public Trainer(Experiment exp, PrintWriter console, Map<String, String> extraProvenance) {
        this.exp = exp;
        this.s = exp.settings();
        this.console = console;
        this.extraProvenance = Map.copyOf(extraProvenance);
    }

    /**
     * Creates and loads the model on {@code engine} (by default {@link fourm.core.model.DjlModelEngine}); the injector's
     * {@code fourm.core.Training} passes the bound one.
     */
    public Trainer withEngine(fourm.core.model.ModelEngine engine) {
        this.engine = java.util.Objects.requireNonNull(engine, "engine");
        return this;
    }

    /** Calls {@code listener} with the step number after each step is logged (before evaluation and checkpoint). */
    public Trainer onStep(java.util.function.LongConsumer listener) {
        this.stepListener = java.util.Objects.requireNonNull(listener, "listener");
        return this;
    }

    /** Asks the loop to stop after the current step and write a checkpoint; returns at once. */
    public void requestStop() {
        stopRequested = true;
    }

    /**
     * Runs the training (or its remainder, when resuming) with a shutdown hook that writes a last checkpoint on
     * Ctrl-C.
     *
     * @throws IOException if data, checkpoints or the log cannot be read or written
     * @throws IllegalStateException if the output folder already holds checkpoints and resume is off
     */
    public Result run() throws IOException {
        Thread hook = new Thread(() -> {
            requestStop();
            try {
                finished.await(10, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "fourm-train-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return train();
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook is running and has just been released
            }
        }
    }

    private Result train() throws IOException {
        try (OutputLock lock = OutputLock.acquire(s.outputDir(), "fourm train")) {
            lock.takenOver().ifPresent(h -> {
                console.println("note: took over the lock of an earlier run that ended without releasing it ("
                        + h.describe() + ")");
                console.flush();
            });
            return trainLocked();
        }
    }

    private Result trainLocked() throws IOException {
        Path out = s.outputDir();
        Files.createDirectories(out);
        TrainCheckpoints store = new TrainCheckpoints(out);
        Optional<TrainCheckpoints.Entry> resumeFrom = store.latest();
        if (resumeFrom.isPresent() && !s.resume()) {
            throw new IllegalStateException("the output folder " + out + " already holds checkpoints (latest: "
                    + resumeFrom.get().folder() + "); to continue that run, pass --resume to fourm train (or set "
                    + TrainSettings.PATH + ".resume = true); to start another, choose another " + TrainSettings.PATH
                    + ".output-dir");
        }
        if (s.data().toySamples() > 0 && !ToyData.exists(s.data().path(), exp.specs().keySet())) {
            ToyData.write(s.data().path(), exp.specs(), s.data().toySamples(), s.seed(), 256);
        }
        ConsoleProgress progress = new ConsoleProgress(console, switch (s.progress()) {
            case AUTO -> ConsoleProgress.Mode.AUTO;
            case BAR -> ConsoleProgress.Mode.BAR;
            case LINES -> ConsoleProgress.Mode.LINES;
            case OFF -> ConsoleProgress.Mode.NONE;
        }, 0);
        if (s.resume() && resumeFrom.isEmpty()) {
            progress.message("note: resume is on but " + out + " holds no checkpoint; starting from step 0");
        }
        Map<String, ModalitySpec> specs = exp.specs();
        DataConfig dataConfig = DataConfig.fromConfig(exp.config());
        UnifiedMasking masking = new UnifiedMasking(specs, exp.masking());
        MaskingCollator collator = new MaskingCollator(specs);
        LrSchedule schedule = s.lrSchedule();
        Map<String, String> provenance = provenance();
        TrainGuards.checkBeforeTraining(exp, specs, dataConfig, progress);
        writeConfig(out);

        FourMModel model;
        if (resumeFrom.isPresent()) {
            model = TrainCheckpoints.loadModel(resumeFrom.get(), exp.model(), s.allowNonFinite());
        } else if (s.model().init().isPresent()) {
            model = engine.load(s.model().init().get(), exp.model(), s.allowNonFinite());
        } else {
            model = engine.create(exp.model(), s.seed());
        }
        ExecutorService prep = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fourm-train-batches");
            t.setDaemon(true);
            return t;
        });
        try (model) {
            Map<String, NDArray> params = trainable(model);
            AdamW.attachGradients(params);
            try (AdamW optimizer = new AdamW(params, s.optimizer().hyper())) {
                long start = 0;
                long position = 0;
                if (resumeFrom.isPresent()) {
                    TrainCheckpoints.State st = TrainCheckpoints.restore(resumeFrom.get(), optimizer);
                    if (st.seed() != s.seed()) {
                        progress.message("warning: the checkpoint was trained with seed " + st.seed() + ", this run"
                                + " uses " + s.seed() + "; data and masks will differ from the original run");
                    }
                    start = st.step();
                    position = st.dataPosition();
                    progress.message("resuming from " + resumeFrom.get().folder() + " (step " + start
                            + ", data position " + position + ")");
                }
                MaskedBatch evalBatch = s.eval().every() > 0 ? evalBatch(specs, dataConfig, collator) : null;
                try (TrainLog log = TrainLog.open(out, resumeFrom.isPresent() ? start : -1);
                     SampleStream stream = SampleStream.open(s.data().path(), exp.modalities(), dataConfig,
                             s.seed(), position, s.data().crop() == TrainSettings.Crop.RANDOM)) {
                    return loop(model, optimizer, stream, masking, collator, evalBatch, log, progress, store,
                            provenance, schedule, start, prep);
                }
            }
        } finally {
            prep.shutdownNow();
            progress.finish();
        }
    }

    private Result loop(FourMModel model, AdamW optimizer, SampleStream stream, UnifiedMasking masking,
                        MaskingCollator collator, MaskedBatch evalBatch, TrainLog log, ConsoleProgress progress,
                        TrainCheckpoints store, Map<String, String> provenance, LrSchedule schedule, long start,
                        ExecutorService prep) throws IOException {
        List<String> outputs = exp.model().domainsOut().stream().filter(exp.modalities()::containsKey).toList();
        int nIn = exp.masking().numInputTokens();
        int nTgt = exp.masking().numTargetTokens();
        long tokensPerStep = (long) s.totalBatch() * (nIn + nTgt);
        Map<String, Float> lastEval = Map.of();
        if (evalBatch != null && start == 0) {
            lastEval = evaluate(model, evalBatch, outputs, log, progress, 0);
        }
        Path lastCheckpoint = null;
        long lastCheckpointStep = -1;
        Prepared lastDone = null;
        int nonFinite = 0;
        boolean interrupted = false;
        long step = start;
        Future<Prepared> next = prep.submit(() -> prepare(stream, masking, collator));
        long runStart = System.nanoTime();
        long stepsThisRun = 0;
        try {
            while (step < s.steps()) {
                long t0 = System.nanoTime();
                double lr = schedule.lr(step);
                Map<String, Double> sums = new LinkedHashMap<>();
                Map<String, Integer> counts = new LinkedHashMap<>();
                double lossSum = 0;
                Prepared batch = null;
                for (int micro = 0; micro < s.accumIter(); micro++) {
                    try {
                        batch = await(next);
                    } catch (IOException | RuntimeException e) {
                        if (lastDone != null && lastCheckpointStep != step) {
                            // a fatal data error: keep every completed step
                            Path saved = checkpoint(store, model, optimizer, step, lastDone, provenance, log);
                            progress.message("the data failed after step " + step + "; checkpoint written to "
                                    + saved + " (fix the data, then run again with --resume)");
                        }
                        throw e;
                    }
                    next = prep.submit(() -> prepare(stream, masking, collator));
                    long microIndex = step * s.accumIter() + micro;
                    ForwardOptions options = ForwardOptions.defaults().withNumEncoderTokens(nIn)
                            .withNumDecoderTokens(nTgt)
                            .withShuffleSeed(SampleSeeds.forSample(s.seed() ^ SHUFFLE_STREAM, microIndex).nextLong())
                            .withSparseTableGradients(true);
                    try (NDManager sm = model.newStepManager()) {
                        ForwardOutput fo;
                        NDArray loss;
                        try (GradientCollector gc = model.manager().getEngine().newGradientCollector()) {
                            fo = model.forward(sm, batch.batch(), options);
                            loss = fo.loss(s.lossType());
                            gc.backward(s.accumIter() > 1 ? loss.div(sm.create((float) s.accumIter())) : loss);
                        }
                        float[] values = hostLosses(fo, loss, outputs);
                        lossSum += values[0];
                        for (int i = 0; i < outputs.size(); i++) {
                            if (!Float.isNaN(values[i + 1])) {
                                sums.merge(outputs.get(i), (double) values[i + 1], Double::sum);
                                counts.merge(outputs.get(i), 1, Integer::sum);
                            }
                        }
                    }
                }
                AdamW.StepStats stats = optimizer.step(lr, 1.0);
                step++;
                stepsThisRun++;
                lastDone = batch;
                double seconds = (System.nanoTime() - t0) / 1e9;
                float loss = (float) (lossSum / s.accumIter());
                Map<String, Float> losses = new LinkedHashMap<>();
                for (String k : outputs) {
                    Double sum = sums.get(k);
                    losses.put(k, sum == null ? Float.NaN : (float) (sum / counts.get(k)));
                }
                double tps = tokensPerStep / seconds;
                JsonObject rec = new JsonObject();
                rec.addProperty("type", "train");
                rec.addProperty("step", step);
                rec.addProperty("lr", lr);
                rec.add("loss", TrainLog.number(loss));
                rec.add("losses", TrainLog.losses(losses));
                rec.add("grad_norm", TrainLog.number(stats.gradNorm()));
                rec.addProperty("clip", stats.clipCoef());
                rec.addProperty("skipped", stats.skipped());
                rec.addProperty("tokens", tokensPerStep);
                rec.addProperty("tokens_per_s", tps);
                rec.addProperty("seconds", seconds);
                rec.addProperty("samples", batch.position());
                rec.addProperty("epoch", batch.epoch());
                log.write(rec);
                double elapsed = (System.nanoTime() - runStart) / 1e9;
                progress.update(step, s.steps(), String.format(java.util.Locale.ROOT,
                        "step %d/%d  loss %.4f  lr %.2e  %,.0f tok/s  ETA %s", step, s.steps(), loss, lr, tps,
                        ConsoleProgress.duration(elapsed / stepsThisRun * (s.steps() - step))),
                        step % s.logEvery() == 0 || step == s.steps() || step == 1);
                stepListener.accept(step);
                if (stats.skipped()) {
                    progress.message("step " + step + ": gradient norm " + stats.gradNorm()
                            + " is not finite (in " + stats.nonFinite() + "); the update was skipped");
                }
                nonFinite = stats.skipped() || !Float.isFinite(loss) ? nonFinite + 1 : 0;
                TrainGuards.checkNonFinite(s, step, nonFinite, loss, stats);
                boolean last = step == s.steps();
                if (evalBatch != null && (step % s.eval().every() == 0 || last)) {
                    lastEval = evaluate(model, evalBatch, outputs, log, progress, step);
                }
                boolean stop = stopRequested;
                if (last || stop || (s.checkpoint().every() > 0 && step % s.checkpoint().every() == 0)) {
                    lastCheckpoint = checkpoint(store, model, optimizer, step, batch, provenance, log);
                    lastCheckpointStep = step;
                    if (stop && !last) {
                        progress.message("stopped at step " + step + "; checkpoint written to " + lastCheckpoint);
                    } else {
                        progress.message("step " + step + ": checkpoint written to " + lastCheckpoint);
                    }
                }
                if (stop) {
                    interrupted = !last;
                    break;
                }
            }
        } finally {
            next.cancel(true);
        }
        if (lastCheckpoint == null) {
            Optional<TrainCheckpoints.Entry> latest = store.latest();
            lastCheckpoint = latest.map(TrainCheckpoints.Entry::folder).orElse(null);
        }
        progress.finish();
        return new Result(start, step, interrupted, Optional.ofNullable(lastCheckpoint), lastEval);
    }

    /** The loss and each output modality's loss (NaN when it had no target) in one host transfer. */
    private static float[] hostLosses(ForwardOutput fo, NDArray loss, List<String> outputs) {
        NDList parts = new NDList(outputs.size() + 1);
        parts.add(loss.reshape(1));
        boolean[] present = new boolean[outputs.size()];
        for (int i = 0; i < outputs.size(); i++) {
            NDArray ce = fo.modLoss().get(outputs.get(i));
            NDArray targets = fo.lossTargets().get(outputs.get(i));
            present[i] = ce != null && targets != null && targets.getShape().get(0) > 0;
            parts.add(present[i] ? ce.reshape(1) : loss.reshape(1));
        }
        float[] v = NDArrays.concat(parts).toFloatArray();
        for (int i = 0; i < outputs.size(); i++) {
            if (!present[i]) {
                v[i + 1] = Float.NaN;
            }
        }
        return v;
    }

    private Map<String, Float> evaluate(FourMModel model, MaskedBatch batch, List<String> outputs, TrainLog log,
                                        ConsoleProgress progress, long step) {
        ForwardOptions options = ForwardOptions.defaults().withNumEncoderTokens(exp.masking().numInputTokens())
                .withNumDecoderTokens(exp.masking().numTargetTokens())
                .withShuffleSeed(s.eval().seed());
        float[] v;
        try (NDManager sm = model.newStepManager()) {
            ForwardOutput fo = model.forward(sm, batch, options);
            v = hostLosses(fo, fo.loss(s.lossType()), outputs);
        }
        Map<String, Float> losses = new LinkedHashMap<>();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < outputs.size(); i++) {
            losses.put(outputs.get(i), v[i + 1]);
            text.append(String.format(java.util.Locale.ROOT, "  %s %.4f", outputs.get(i), v[i + 1]));
        }
        JsonObject rec = new JsonObject();
        rec.addProperty("type", "eval");
        rec.addProperty("step", step);
        rec.add("loss", TrainLog.number(v[0]));
        rec.add("losses", TrainLog.losses(losses));
        log.write(rec);
        progress.message(String.format(java.util.Locale.ROOT, "eval @ step %d: loss %.4f%s", step, v[0], text));
        return losses;
    }

    private Path checkpoint(TrainCheckpoints store, FourMModel model, AdamW optimizer, long step, Prepared batch,
                            Map<String, String> provenance, TrainLog log) throws IOException {
        Path folder = store.save(model, optimizer, new TrainCheckpoints.State(step, optimizer.updates(), s.seed(),
                batch.position(), batch.epoch()), provenance, s.checkpoint().keepLast());
        JsonObject rec = new JsonObject();
        rec.addProperty("type", "checkpoint");
        rec.addProperty("step", step);
        rec.addProperty("path", s.outputDir().relativize(folder).toString());
        log.write(rec);
        return folder;
    }

    /** A prepared micro-batch and the stream position after its samples. */
    private record Prepared(MaskedBatch batch, long position, long epoch) {
    }

    private Prepared prepare(SampleStream stream, UnifiedMasking masking, MaskingCollator collator) {
        List<MaskedSample> samples = new ArrayList<>(s.batchSize());
        for (int i = 0; i < s.batchSize(); i++) {
            SampleStream.Indexed x = stream.next();
            samples.add(masking.mask(x.index(), x.inputs()));
        }
        return new Prepared(collator.collate(samples), stream.position(), stream.epoch());
    }

    private static Prepared await(Future<Prepared> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a batch", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof java.io.UncheckedIOException u) {
                throw u.getCause();
            }
            if (c instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("preparing a batch failed: " + c, c);
        }
    }

    /** The first {@code eval.batch-size} samples of the evaluation data, in order, crop 0, masked with the eval seed. */
    private MaskedBatch evalBatch(Map<String, ModalitySpec> specs, DataConfig dataConfig, MaskingCollator collator)
            throws IOException {
        Path path = s.eval().dataPath().orElse(s.data().path());
        UnifiedMasking masking = new UnifiedMasking(specs, exp.masking().withSeed(s.eval().seed()));
        DataConfig ordered = dataConfig.withShuffleBuffer(0);
        List<MaskedSample> samples = new ArrayList<>();
        Map<String, Modality> mods = exp.modalities();
        try (SampleStream es = SampleStream.open(path, mods, ordered, s.eval().seed(), 0, false)) {
            for (int i = 0; i < s.eval().batchSize(); i++) {
                SampleStream.Indexed x = es.next();
                samples.add(masking.mask(i, x.inputs()));
            }
        }
        return collator.collate(samples);
    }

    /**
     * Trainable parameters, minus the decoder token tables of grids (the decoder feeds grids the mask token): what
     * {@link AdamW} updates in training (and in the training benchmark).
     */
    public static Map<String, NDArray> trainable(FourMModel model) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : model.parameters().trainable().entrySet()) {
            String name = e.getKey();
            if (name.startsWith("decoder_embeddings.") && name.endsWith(".token_emb.weight")) {
                String key = name.substring("decoder_embeddings.".length(), name.length()
                        - ".token_emb.weight".length());
                if (!model.config().modality(key).layout().sequence()) {
                    continue;
                }
            }
            out.put(name, e.getValue());
        }
        return out;
    }

    private Map<String, String> provenance() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("fourm.version", FourmVersion.get());
        p.put("fourm.train_config", exp.config().getConfig("fourm").root().render(ConfigRenderOptions.concise()));
        p.putAll(extraProvenance);
        return p;
    }

    private void writeConfig(Path out) throws IOException {
        String text = exp.config().getConfig("fourm").root().atKey("fourm").root()
                .render(ConfigRenderOptions.defaults().setOriginComments(false).setJson(false));
        AtomicFiles.writeString(out.resolve("config.conf"), text);
    }
}
