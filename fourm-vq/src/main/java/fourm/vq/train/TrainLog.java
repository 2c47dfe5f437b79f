package fourm.vq.train;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import fourm.api.io.AtomicFiles;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The JSON-lines log of a tokenizer training run ({@value #FILE_NAME}): one object per line, flushed as written, each
 * with {@code "type"} and {@code "step"} (steps completed):
 *
 * <ul>
 *   <li>{@code train}: {@code lr}, {@code loss}, {@code recon_loss}, {@code code_loss}, {@code grad_norm},
 *       {@code replaced_codes}, {@code seconds} (wall time since the session started);</li>
 *   <li>{@code eval}: the metrics of {@link ReconstructionMetrics} on the held-out images;</li>
 *   <li>{@code checkpoint}: {@code path} of the checkpoint folder written.</li>
 * </ul>
 *
 * A resumed run first drops the records of steps after its checkpoint, so the log reads as one uninterrupted run.
 */
public final class TrainLog implements AutoCloseable {
    /** The log's file name in the output folder. */
    public static final String FILE_NAME = "train-log.jsonl";

    private final BufferedWriter out;

    private TrainLog(BufferedWriter out) {
        this.out = out;
    }

    /** Opens the log of {@code dir}, keeping the records of steps up to {@code keepUpTo} (all when starting anew). */
    public static TrainLog open(Path dir, long keepUpTo) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        if (Files.exists(file)) {
            StringBuilder kept = new StringBuilder();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    JsonElement e = JsonParser.parseString(line);
                    if (e.isJsonObject() && e.getAsJsonObject().has("step")
                            && e.getAsJsonObject().get("step").getAsLong() <= keepUpTo) {
                        kept.append(line).append('\n');
                    }
                } catch (RuntimeException bad) {
                    // a torn last line of an interrupted run: dropped
                }
            }
            AtomicFiles.write(file, kept.toString().getBytes(StandardCharsets.UTF_8));
        }
        return new TrainLog(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND));
    }

    /** Logs a training step. */
    public void train(VqTrainer.StepResult r, double seconds) throws IOException {
        JsonObject o = record("train", r.step() + 1);
        o.addProperty("lr", r.lr());
        o.addProperty("loss", r.loss());
        o.addProperty("recon_loss", r.reconLoss());
        o.addProperty("code_loss", r.codeLoss());
        o.addProperty("grad_norm", Double.isFinite(r.gradNorm()) ? r.gradNorm() : null);
        o.addProperty("replaced_codes", r.replacedCodes());
        o.addProperty("seconds", seconds);
        write(o);
    }

    /** Logs evaluation metrics. */
    public void eval(long step, Map<String, Double> metrics) throws IOException {
        JsonObject o = record("eval", step);
        metrics.forEach((k, v) -> o.addProperty(k, Double.isFinite(v) ? v : null));
        write(o);
    }

    /** Logs a checkpoint. */
    public void checkpoint(long step, Path folder) throws IOException {
        JsonObject o = record("checkpoint", step);
        o.addProperty("path", folder.toString());
        write(o);
    }

    private static JsonObject record(String type, long step) {
        JsonObject o = new JsonObject();
        o.addProperty("type", type);
        o.addProperty("step", step);
        return o;
    }

    private void write(JsonObject o) throws IOException {
        out.write(o.toString());
        out.write('\n');
        out.flush();
    }

    /** The records of a log file. */
    public static List<JsonObject> read(Path file) throws IOException {
        List<JsonObject> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                out.add(JsonParser.parseString(line).getAsJsonObject());
            }
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
