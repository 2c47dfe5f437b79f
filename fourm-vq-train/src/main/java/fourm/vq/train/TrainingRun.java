package fourm.vq.train;

import ai.djl.ndarray.NDArray;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import fourm.api.io.AtomicFiles;
import fourm.core.io.ConsoleProgress;
import fourm.core.io.SafetensorsReader;
import fourm.core.io.SafetensorsWriter;
import fourm.core.io.TrainLog;
import fourm.vq.VqCheckpoints;
import fourm.vq.VqModel;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A whole tokenizer training run, what {@code fourm tokenizer-train} does: reads the data, creates the tokenizer or
 * resumes it, trains with {@link VqTrainer} (a ViT/MLP tokenizer here; a DiVAE through {@link DivaeTraining}, the
 * same loop with the diffusion loss), logs, checkpoints, evaluates and saves. The output folder holds
 *
 * <ul>
 *   <li>{@code run.conf}: the resolved training settings and the architecture;</li>
 *   <li>{@value TrainLog#FILE_NAME}: the JSON-lines log ({@link TrainLog});</li>
 *   <li>{@code checkpoints/step-NNNNNNNN/}: {@value #MODEL_FILE} (a tokenizer checkpoint, {@link VqCheckpoints}) and
 *       {@value #STATE_FILE} (AdamW's moments {@code exp_avg.<param>} and {@code exp_avg_sq.<param>}, the step and the
 *       update count in the metadata); a folder is written under a temporary name and renamed when complete, and only
 *       the newest {@code keep-last} are kept;</li>
 *   <li>{@value #FINAL_FILE}: the tokenizer at the end of the session, and {@value #METRICS_FILE}: its evaluation.</li>
 * </ul>
 *
 * <p>Resuming loads the newest checkpoint (its architecture must be the preset's) and continues at its step; since every
 * random choice of step {@code s} comes from {@code (seed, s)}, the continuation equals an uninterrupted run.
 */
public final class TrainingRun {
    /** The tokenizer file of a checkpoint. */
    public static final String MODEL_FILE = "tokenizer.safetensors";
    /** The optimizer state file of a checkpoint. */
    public static final String STATE_FILE = "state.safetensors";
    /** The final tokenizer in the output folder. */
    public static final String FINAL_FILE = "tokenizer.safetensors";
    /** The final metrics in the output folder. */
    public static final String METRICS_FILE = "metrics.json";

    private static final Pattern STEP_DIR = Pattern.compile("step-(\\d{8,})");

    private TrainingRun() {
    }

    /**
     * What a session did.
     *
     * @param tokenizer the final tokenizer file
     * @param startStep the step the session started at (0, or the resumed checkpoint's)
     * @param steps     steps completed at the end
     * @param finished  true when all configured steps are done (false after a time limit)
     * @param metrics   evaluation of the final tokenizer
     * @param seconds   wall time of the session
     */
    public record Result(Path tokenizer, long startStep, long steps, boolean finished, Map<String, Double> metrics,
                         double seconds) {
    }

    /** Saves a tokenizer being trained, with the run's provenance in its metadata. */
    @FunctionalInterface
    interface Saver {
        /** Writes the tokenizer to {@code file} with {@code provenance} in its metadata. */
        void save(Path file, Map<String, String> provenance) throws IOException;
    }

    /**
     * One tokenizer being trained, as the run loop sees it: the model, its trainer (whatever its loss: a ViT/MLP
     * tokenizer's reconstruction or a DiVAE's diffusion loss) and how it is saved. Closing it frees the trainer, then
     * the model.
     */
    static final class Session implements AutoCloseable {
        private final String description;
        private final VqTrainer trainer;
        private final Saver saver;
        private final Runnable closeModel;

        private Session(String description, VqTrainer trainer, Saver saver, Runnable closeModel) {
            this.description = description;
            this.trainer = trainer;
            this.saver = saver;
            this.closeModel = closeModel;
        }

        /**
         * A session over an open model; the model is closed if the trainer cannot be made.
         *
         * @param description the first console line (what is trained)
         * @param closeModel  closes the model (with the session)
         * @param trainer     makes the trainer of the model
         * @param saver       saves the model
         */
        static Session of(String description, Runnable closeModel, Supplier<VqTrainer> trainer, Saver saver) {
            VqTrainer t;
            try {
                t = trainer.get();
            } catch (RuntimeException e) {
                closeModel.run();
                throw e;
            }
            return new Session(description, t, saver, closeModel);
        }

        @Override
        public void close() {
            try {
                trainer.close();
            } finally {
                closeModel.run();
            }
        }
    }

    /** Opens a session: a new tokenizer, or the one of a checkpoint's model file. */
    @FunctionalInterface
    interface SessionFactory {
        Session open(TrainingData data, Optional<Path> checkpointModel) throws IOException;
    }

    /** Runs (or resumes) training; progress goes to {@code console}. */
    public static Result run(VqTrainSettings s, PrintStream console) throws IOException {
        return run(s, console, (data, latest) -> {
            VqModel model = latest.isPresent() ? VqCheckpoints.load(latest.get()) : VqModel.create(s.model(), s.seed());
            if (!model.config().equals(s.model())) {
                model.close();
                throw new IllegalArgumentException(latest.orElseThrow() + " holds a tokenizer of another architecture"
                        + " than preset " + s.preset() + "; use another output-dir or set resume = false");
            }
            String description = String.format(Locale.ROOT, "tokenizer %s (%s): %,d parameters, %d tokens per image,"
                    + " %d codes", s.preset(), s.model().values().name(), model.parameterCount(),
                    s.model().tokensPerImage(), s.model().vocabSize());
            return Session.of(description, model::close, () -> VqTrainer.of(model, s),
                    (file, provenance) -> VqCheckpoints.save(model, file, provenance));
        });
    }

    /** The run loop over any session. */
    static Result run(VqTrainSettings s, PrintStream console, SessionFactory factory) throws IOException {
        long t0 = System.nanoTime();
        TrainingData data = TrainingData.load(s.model(), s.data());
        Path out = s.outputDir();
        Files.createDirectories(out);
        AtomicFiles.write(out.resolve("run.conf"), ("# fourm tokenizer-train, preset " + s.preset() + "\n"
                + "fourm.vq.train " + s.resolved() + "\n# architecture: " + s.model().toJson() + "\n")
                .getBytes(StandardCharsets.UTF_8));
        Optional<Path> latest = s.resume() ? latestCheckpoint(out) : Optional.empty();
        try (Session session = factory.open(data, latest.map(p -> p.resolve(MODEL_FILE)))) {
            long start = 0;
            if (latest.isPresent()) {
                start = restore(session, latest.get().resolve(STATE_FILE));
            }
            ConsoleProgress progress = new ConsoleProgress(console, s.progress(), 0);
            long sessionStart = start;
            long sessionNanos = System.nanoTime();
            progress.message(String.format(Locale.ROOT, "%s; %d training and %d held-out images%s",
                    session.description, data.trainSize(), data.evalSize(),
                    start > 0 ? "; resuming at step " + start : ""));
            long step = start;
            long deadline = s.timeLimitMinutes() > 0 ? t0 + (long) (s.timeLimitMinutes() * 60e9) : Long.MAX_VALUE;
            try (TrainLog log = TrainLog.open(out, start)) {
                while (step < s.steps() && System.nanoTime() < deadline) {
                    VqTrainer.StepResult r = session.trainer.step(data, s.batchSize(), s.seed(), step);
                    if (!Double.isFinite(r.loss())) {
                        throw new IllegalStateException("the loss became " + r.loss() + " at step " + step
                                + "; lower optimizer.lr or raise optimizer.warmup-steps");
                    }
                    step++;
                    double rate = (step - sessionStart) / Math.max((System.nanoTime() - sessionNanos) / 1e9, 1e-9);
                    progress.update(step, s.steps(), String.format(Locale.ROOT,
                            "step %d/%d loss %.4f lr %.2e %.2f steps/s eta %s", step, s.steps(), r.loss(), r.lr(), rate,
                            ConsoleProgress.duration((s.steps() - step) / Math.max(rate, 1e-9))),
                            step % s.logEvery() == 0 || step == s.steps());
                    if (step % s.logEvery() == 0 || step == s.steps()) {
                        log.write(trainRecord(r, (System.nanoTime() - t0) / 1e9));
                    }
                    if (s.evalEvery() > 0 && step % s.evalEvery() == 0 && step < s.steps() && data.evalSize() > 0) {
                        Map<String, Double> m = session.trainer.evaluate(data, s.batchSize());
                        log.write(evalRecord(step, m));
                        progress.message("step " + step + ": " + format(m));
                    }
                    if (step % s.checkpointEvery() == 0 && step < s.steps()) {
                        log.write(checkpointRecord(step, checkpoint(out, session, s, step)));
                    }
                }
                boolean finished = step >= s.steps();
                if (step > start) {
                    log.write(checkpointRecord(step, checkpoint(out, session, s, step)));
                }
                Map<String, Double> metrics = data.evalSize() > 0 ? session.trainer.evaluate(data, s.batchSize())
                        : Map.of();
                log.write(evalRecord(step, metrics));
                Path fin = out.resolve(FINAL_FILE);
                session.saver.save(fin, provenance(s, step));
                writeMetrics(out.resolve(METRICS_FILE), s, step, metrics);
                progress.finish();
                progress.message((finished ? "finished" : "stopped by the time limit") + " at step " + step + " of "
                        + s.steps() + ": " + format(metrics) + "\ntokenizer: " + fin);
                return new Result(fin, start, step, finished, metrics, (System.nanoTime() - t0) / 1e9);
            }
        }
    }

    /** Metrics as {@code name=value} pairs. */
    public static String format(Map<String, Double> m) {
        List<String> parts = new ArrayList<>();
        m.forEach((k, v) -> parts.add(k + "=" + String.format(java.util.Locale.ROOT, "%.4g", v)));
        return String.join(" ", parts);
    }

    private static Map<String, String> provenance(VqTrainSettings s, long step) {
        Map<String, String> md = new LinkedHashMap<>();
        md.put("fourm.step", Long.toString(step));
        md.put("fourm.seed", Long.toString(s.seed()));
        md.put("fourm.preset", s.preset());
        md.put("fourm.train_config", s.resolved());
        return md;
    }

    private static void writeMetrics(Path file, VqTrainSettings s, long step, Map<String, Double> m)
            throws IOException {
        JsonObject o = new JsonObject();
        o.addProperty("preset", s.preset());
        o.addProperty("family", s.model().values().name());
        o.addProperty("step", step);
        JsonObject values = new JsonObject();
        m.forEach((k, v) -> values.addProperty(k, Double.isFinite(v) ? v : null));
        o.add("metrics", values);
        AtomicFiles.write(file, new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(o)
                .getBytes(StandardCharsets.UTF_8));
    }

    /** The newest complete checkpoint folder of an output folder. */
    public static Optional<Path> latestCheckpoint(Path out) throws IOException {
        Path dir = out.resolve("checkpoints");
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> STEP_DIR.matcher(p.getFileName().toString()).matches())
                    .filter(p -> Files.isRegularFile(p.resolve(MODEL_FILE)) && Files.isRegularFile(p.resolve(STATE_FILE)))
                    .max(Comparator.comparing(p -> p.getFileName().toString()));
        }
    }

    private static Path checkpoint(Path out, Session session, VqTrainSettings s, long step) throws IOException {
        Path dir = out.resolve("checkpoints");
        Files.createDirectories(dir);
        String name = String.format(Locale.ROOT, "step-%08d", step);
        Path tmp = dir.resolve("." + name + ".tmp");
        deleteTree(tmp);
        Files.createDirectories(tmp);
        session.saver.save(tmp.resolve(MODEL_FILE), provenance(s, step));
        VqTrainer trainer = session.trainer;
        SafetensorsWriter w = new SafetensorsWriter();
        for (Map.Entry<String, NDArray> e : trainer.firstMoments().entrySet()) {
            w.add("exp_avg." + e.getKey(), e.getValue());
        }
        for (Map.Entry<String, NDArray> e : trainer.secondMoments().entrySet()) {
            w.add("exp_avg_sq." + e.getKey(), e.getValue());
        }
        w.putMetadata(provenance(s, step));
        w.putMetadata("fourm.updates", Long.toString(trainer.updates()));
        w.write(tmp.resolve(STATE_FILE));
        Path target = dir.resolve(name);
        deleteTree(target);
        AtomicFiles.rename(tmp, target);
        prune(dir, s.keepLast());
        return target;
    }

    private static void prune(Path dir, int keep) throws IOException {
        List<Path> steps;
        try (Stream<Path> s = Files.list(dir)) {
            steps = s.filter(p -> STEP_DIR.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed()).toList();
        }
        for (int i = keep; i < steps.size(); i++) {
            deleteTree(steps.get(i));
        }
    }

    private static long restore(Session session, Path stateFile) throws IOException {
        try (SafetensorsReader r = SafetensorsReader.open(stateFile)) {
            Map<String, float[]> avg = new LinkedHashMap<>();
            Map<String, float[]> avgSq = new LinkedHashMap<>();
            for (String k : r.keys()) {
                if (k.startsWith("exp_avg_sq.")) {
                    avgSq.put(k.substring("exp_avg_sq.".length()), r.floats(k));
                } else if (k.startsWith("exp_avg.")) {
                    avg.put(k.substring("exp_avg.".length()), r.floats(k));
                } else {
                    throw new IOException(stateFile + ": unexpected tensor '" + k + "'; expected exp_avg.* and"
                            + " exp_avg_sq.*");
                }
            }
            Map<String, String> md = r.metadata();
            long step = parse(md, "fourm.step", stateFile);
            long updates = parse(md, "fourm.updates", stateFile);
            try {
                session.trainer.restore(avg, avgSq, updates);
            } catch (IllegalArgumentException e) {
                throw new IOException(stateFile + ": " + e.getMessage(), e);
            }
            return step;
        }
    }

    private static long parse(Map<String, String> md, String key, Path file) throws IOException {
        String v = md.get(key);
        if (v == null) {
            throw new IOException(file + ": the metadata has no '" + key + "'");
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IOException(file + ": metadata '" + key + "' is '" + v + "', expected an integer");
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }

    /** The step encoded in a checkpoint folder name. */
    static long stepOf(Path folder) {
        Matcher m = STEP_DIR.matcher(folder.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException(folder + " is not a step-NNNNNNNN folder");
        }
        return Long.parseLong(m.group(1));
    }

    /** A {@code train} record: lr, loss, recon_loss, code_loss, grad_norm, replaced_codes, seconds (of the session). */
    private static JsonObject trainRecord(VqTrainer.StepResult r, double seconds) {
        JsonObject o = TrainLog.record("train", r.step() + 1);
        o.addProperty("lr", r.lr());
        o.addProperty("loss", r.loss());
        o.addProperty("recon_loss", r.reconLoss());
        o.addProperty("code_loss", r.codeLoss());
        o.add("grad_norm", TrainLog.number(r.gradNorm()));
        o.addProperty("replaced_codes", r.replacedCodes());
        o.addProperty("seconds", seconds);
        return o;
    }

    /** An {@code eval} record: the metrics of {@link ReconstructionMetrics} on the held-out images. */
    private static JsonObject evalRecord(long step, Map<String, Double> metrics) {
        JsonObject o = TrainLog.record("eval", step);
        metrics.forEach((k, v) -> o.add(k, TrainLog.number(v)));
        return o;
    }

    /** A {@code checkpoint} record: the folder written. */
    private static JsonObject checkpointRecord(long step, Path folder) {
        JsonObject o = TrainLog.record("checkpoint", step);
        o.addProperty("path", folder.toString());
        return o;
    }

}
