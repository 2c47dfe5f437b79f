package fourm.core.train;

import ai.djl.ndarray.NDArray;
import fourm.api.io.AtomicFiles;
import fourm.core.io.SafetensorsReader;
import fourm.core.io.SafetensorsWriter;
import fourm.core.model.Checkpoints;
import fourm.core.model.FourMConfig;
import fourm.core.model.FourMModel;
import fourm.core.optim.AdamW;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Training checkpoints of an output folder: {@code checkpoints/step-NNNNNNNN/} holding
 *
 * <ul>
 *   <li>{@value #MODEL_FILE}: the weights in the format of {@link Checkpoints} (reference state-dict names), with the
 *       run's provenance in the metadata ({@code fourm.version}, {@code fourm.step}, {@code fourm.seed},
 *       {@code fourm.data_position}, {@code fourm.epoch}, {@code fourm.train_config});</li>
 *   <li>{@value #STATE_FILE}: the optimizer moments ({@code exp_avg.<param>}, {@code exp_avg_sq.<param>}) and the
 *       progress in the metadata ({@code fourm.step}, {@code fourm.updates}, {@code fourm.seed},
 *       {@code fourm.data_position}, {@code fourm.epoch}, and the same provenance).</li>
 * </ul>
 *
 * <p>A checkpoint folder is written under a temporary name and renamed into place when both files are complete, so a
 * folder named {@code step-*} is always whole; an interrupted write leaves only a {@code .step-*.tmp} folder, which
 * the next write removes. Every random choice of a run is derived from (seed, step or sample index), so the seed, the
 * step and the data position are the whole random state.
 */
final class TrainCheckpoints {
    static final String DIR = "checkpoints";
    static final String MODEL_FILE = "model.safetensors";
    static final String STATE_FILE = "train-state.safetensors";
    static final String STATE_FORMAT = "fourm-train-state/1";
    private static final Pattern NAME = Pattern.compile("step-(\\d{8,})");

    private final Path dir;

    TrainCheckpoints(Path outputDir) {
        this.dir = outputDir.resolve(DIR);
    }

    /** The progress a checkpoint records. */
    record State(long step, long updates, long seed, long dataPosition, long epoch) {
    }

    /** A complete checkpoint folder. */
    record Entry(long step, Path folder) {
        Path model() {
            return folder.resolve(MODEL_FILE);
        }

        Path state() {
            return folder.resolve(STATE_FILE);
        }
    }

    /** Complete checkpoints, oldest first. */
    List<Entry> list() throws IOException {
        List<Entry> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (m.matches() && Files.isRegularFile(p.resolve(MODEL_FILE))
                        && Files.isRegularFile(p.resolve(STATE_FILE))) {
                    out.add(new Entry(Long.parseLong(m.group(1)), p));
                }
            });
        }
        out.sort(Comparator.comparingLong(Entry::step));
        return out;
    }

    /** The newest complete checkpoint. */
    Optional<Entry> latest() throws IOException {
        List<Entry> all = list();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    static String folderName(long step) {
        return String.format(Locale.ROOT, "step-%08d", step);
    }

    /**
     * Writes a checkpoint atomically and keeps only the newest {@code keepLast} (0 = all).
     *
     * @return the folder written
     */
    Path save(FourMModel model, AdamW optimizer, State state, Map<String, String> provenance, int keepLast)
            throws IOException {
        Files.createDirectories(dir);
        String name = folderName(state.step());
        Path tmp = dir.resolve("." + name + ".tmp");
        deleteTree(tmp);
        Files.createDirectories(tmp);
        try {
            writeFiles(tmp, model, optimizer, state, provenance);
        } catch (IOException | RuntimeException e) {
            try {
                deleteTree(tmp);
            } catch (IOException ignored) {
                // the message below says what failed; a leftover temporary folder is never read as a checkpoint
            }
            throw new IOException("cannot write the checkpoint " + dir.resolve(name) + " (in " + tmp + "): "
                    + e.getMessage() + " (is the disk full?)", e);
        }
        Path target = dir.resolve(name);
        deleteTree(target);
        AtomicFiles.rename(tmp, target);
        if (keepLast > 0) {
            List<Entry> all = list();
            for (int i = 0; i < all.size() - keepLast; i++) {
                deleteTree(all.get(i).folder());
            }
        }
        return target;
    }

    private static void writeFiles(Path tmp, FourMModel model, AdamW optimizer, State state,
                                   Map<String, String> provenance) throws IOException {
        Map<String, String> md = new LinkedHashMap<>(provenance);
        md.put("fourm.step", Long.toString(state.step()));
        md.put("fourm.seed", Long.toString(state.seed()));
        md.put("fourm.data_position", Long.toString(state.dataPosition()));
        md.put("fourm.epoch", Long.toString(state.epoch()));
        Checkpoints.save(model, tmp.resolve(MODEL_FILE), md);

        SafetensorsWriter w = new SafetensorsWriter();
        w.putMetadata(md);
        w.putMetadata("fourm.updates", Long.toString(state.updates()));
        w.putMetadata("fourm.format", STATE_FORMAT);
        for (Map.Entry<String, NDArray> e : optimizer.expAvg().entrySet()) {
            w.add("exp_avg." + e.getKey(), e.getValue());
        }
        for (Map.Entry<String, NDArray> e : optimizer.expAvgSq().entrySet()) {
            w.add("exp_avg_sq." + e.getKey(), e.getValue());
        }
        w.write(tmp.resolve(STATE_FILE));
    }

    /** Loads the weights of a checkpoint into {@code config} (strictly: every key, shape and dtype must match). */
    static FourMModel loadModel(Entry e, FourMConfig config) throws IOException {
        return loadModel(e, config, false);
    }

    /** Loads the model of a checkpoint, accepting NaN and infinite weights only when {@code allowNonFinite}. */
    static FourMModel loadModel(Entry e, FourMConfig config, boolean allowNonFinite) throws IOException {
        return Checkpoints.load(e.model(), config, allowNonFinite);
    }

    /**
     * Reads the progress of a checkpoint and restores the optimizer's moments.
     *
     * @throws IOException naming the file and the key when something is missing or does not fit
     */
    static State restore(Entry e, AdamW optimizer) throws IOException {
        try (SafetensorsReader r = SafetensorsReader.open(e.state())) {
            Map<String, String> md = r.metadata();
            String format = md.get("fourm.format");
            if (!STATE_FORMAT.equals(format)) {
                throw new IOException(e.state() + ": metadata 'fourm.format' is " + format + ", expected "
                        + STATE_FORMAT);
            }
            State s = new State(number(e, md, "fourm.step"), number(e, md, "fourm.updates"),
                    number(e, md, "fourm.seed"), number(e, md, "fourm.data_position"), number(e, md, "fourm.epoch"));
            Map<String, float[]> avg = new LinkedHashMap<>();
            Map<String, float[]> avgSq = new LinkedHashMap<>();
            for (String key : r.keys()) {
                if (key.startsWith("exp_avg_sq.")) {
                    avgSq.put(key.substring("exp_avg_sq.".length()), r.floats(key));
                } else if (key.startsWith("exp_avg.")) {
                    avg.put(key.substring("exp_avg.".length()), r.floats(key));
                } else {
                    throw new IOException(e.state() + ": unexpected tensor '" + key + "' (expected exp_avg.<param>"
                            + " and exp_avg_sq.<param>)");
                }
            }
            try {
                optimizer.restore(avg, avgSq, s.updates());
            } catch (IllegalArgumentException ex) {
                throw new IOException(e.state() + ": " + ex.getMessage(), ex);
            }
            return s;
        }
    }

    private static long number(Entry e, Map<String, String> md, String key) throws IOException {
        String v = md.get(key);
        if (v == null) {
            throw new IOException(e.state() + ": metadata has no '" + key + "'");
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException ex) {
            throw new IOException(e.state() + ": metadata '" + key + "' is '" + v + "', expected an integer");
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(x -> {
                try {
                    Files.delete(x);
                } catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
            });
        } catch (UncheckedIOException ex) {
            throw ex.getCause();
        }
    }
}
