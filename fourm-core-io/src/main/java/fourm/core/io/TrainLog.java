package fourm.core.io;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import fourm.api.io.AtomicFiles;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The JSON-lines log of a training run ({@code train-log.jsonl}), the one metrics log of fourm (the 4M trainer's and
 * a tokenizer training's): one object per line, flushed as it is written, each with {@code "type"} and {@code "step"}
 * (optimizer steps completed). A run resumed from a checkpoint first drops the records of steps after it, so the log
 * reads as one uninterrupted run; a torn last line of an interrupted run is dropped too. The 4M trainer writes three
 * record types:
 *
 * <ul>
 *   <li>{@code train}: {@code lr}, {@code loss}, {@code losses} (per modality; {@code null} when the step had no
 *       target of that modality), {@code grad_norm}, {@code clip} (factor applied), {@code skipped}, {@code tokens},
 *       {@code tokens_per_s}, {@code seconds} (wall time of the step), {@code samples} (data position after the
 *       step), {@code epoch};</li>
 *   <li>{@code eval}: {@code loss} and {@code losses} on the fixed evaluation batch;</li>
 *   <li>{@code checkpoint}: {@code path} of the checkpoint folder written.</li>
 * </ul>
 *
 * <p>Losses are float32 values written exactly (a float parsed back is bit-identical). A tokenizer training writes the
 * same types with its own fields (fourm-vq's {@code TrainingRun} lists them).
 */
public final class TrainLog implements AutoCloseable {
    /** The log's file name inside the output folder. */
    public static final String FILE_NAME = "train-log.jsonl";

    private final BufferedWriter out;

    private TrainLog(BufferedWriter out) {
        this.out = out;
    }

    /**
     * Opens the log of {@code dir} for appending, first dropping records of steps after {@code keepUpToStep} (a run
     * resumed from an earlier checkpoint rewrites what came after it). With {@code keepUpToStep < 0} an existing log is
     * replaced.
     *
     * @param dir          the run's output folder
     * @param keepUpToStep the last step whose records are kept; negative to start a new log
     * @return the open log
     * @throws IOException if the log cannot be read or opened
     */
    public static TrainLog open(Path dir, long keepUpToStep) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        if (keepUpToStep < 0) {
            Files.deleteIfExists(file);
        } else if (Files.exists(file)) {
            List<String> kept = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    JsonObject o = JsonParser.parseString(line).getAsJsonObject();
                    if (o.has("step") && o.get("step").getAsLong() <= keepUpToStep) {
                        kept.add(line);
                    }
                } catch (JsonParseException | IllegalStateException e) {
                    // a torn last line of an interrupted run: dropped
                }
            }
            AtomicFiles.write(file, tmp -> Files.write(tmp, kept, StandardCharsets.UTF_8));
        }
        return new TrainLog(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND));
    }

    /** Reads every record of a log file. */
    public static List<JsonObject> read(Path file) throws IOException {
        List<JsonObject> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                out.add(JsonParser.parseString(line).getAsJsonObject());
            }
        }
        return out;
    }

    /** Per-modality losses as a JSON object (NaN = no target: null). */
    public static JsonObject losses(Map<String, Float> losses) {
        JsonObject o = new JsonObject();
        losses.forEach((k, v) -> o.add(k, v == null || v.isNaN() ? com.google.gson.JsonNull.INSTANCE
                : new com.google.gson.JsonPrimitive((double) v)));
        return o;
    }

    /**
     * A new record of {@code type} at {@code step}, to be filled and {@linkplain #write written}.
     *
     * @param type the record type ({@code train}, {@code eval}, {@code checkpoint})
     * @param step optimizer steps completed
     * @return the record with its type and step
     */
    public static JsonObject record(String type, long step) {
        JsonObject o = new JsonObject();
        o.addProperty("type", type);
        o.addProperty("step", step);
        return o;
    }

    /**
     * Writes one record as a line and flushes.
     *
     * @param record the record
     * @throws UncheckedIOException if the log cannot be written
     */
    public void write(JsonObject record) {
        try {
            out.write(record.toString());
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the training log", e);
        }
    }

    /**
     * A number that may be NaN or infinite (JSON has neither): written as null.
     *
     * @param v the number
     * @return it as JSON
     */
    public static JsonElement number(double v) {
        return Double.isFinite(v) ? new com.google.gson.JsonPrimitive(v) : com.google.gson.JsonNull.INSTANCE;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
