package fourm.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import fourm.api.ModalitySpec;
import fourm.api.TokenLayout;
import fourm.core.io.CheckpointException;
import fourm.core.io.NonFiniteValues;
import fourm.core.io.SafetensorsReader;
import fourm.core.io.SafetensorsWriter;
import fourm.core.io.TensorInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Model checkpoints in safetensors with the reference's state-dict names.
 *
 * <p>Saving writes every state-dict key (tied tensors under both keys, buffers included), the config as one JSON
 * string under {@value ReferenceConfig#CONFIG_KEY} (as the golden files store it), and fourm's modality table under
 * {@value ReferenceConfig#MODALITIES_KEY}; files are deterministic and written atomically. A saved checkpoint loads
 * back bit for bit.
 *
 * <p>Loading reads the config from the metadata (fourm/golden JSON layout, or the released layout with one YAML value
 * per key) unless one is given; modalities come from the file's own modality table, else from a
 * {@link ModalityCatalog} (for example the discovered plugins', {@link ModalityCatalog#discovered}), with vocabulary
 * sizes and sequences' positional rows taken from the tensor shapes. Loading is strict: one {@link CheckpointException} lists every missing, unexpected, mis-shaped and mistyped
 * key, and tied tensors that differ.
 */
public final class Checkpoints {
    private Checkpoints() {
    }

    /**
     * Loads with the config and the modalities from the file's metadata (a checkpoint fourm saved); a checkpoint that
     * does not describe its modalities needs {@link #load(Path, ModalityCatalog)}.
     */
    public static FourMModel load(Path file) throws IOException {
        return load(file, ModalityCatalog.empty());
    }

    /** Loads with the config from the file's metadata, looking up modalities in {@code catalog}. */
    public static FourMModel load(Path file, ModalityCatalog catalog) throws IOException {
        return load(file, catalog, false);
    }

    /**
     * Loads with the config from the file's metadata, looking up modalities in {@code catalog}.
     *
     * @param allowNonFinite accept NaN and infinite weights instead of refusing them
     * @throws NonFiniteCheckpointException if a weight is NaN or infinite and that is not allowed
     */
    public static FourMModel load(Path file, ModalityCatalog catalog, boolean allowNonFinite) throws IOException {
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            FourMConfig config = readConfig(r, catalog);
            checkMetadata(r);
            return load(r, config, allowNonFinite);
        }
    }

    /**
     * Loads into an explicit configuration (the file's config and modality table are not used, but fourm's JSON
     * metadata must still be readable: a damaged entry means a damaged file; shapes must match exactly).
     */
    public static FourMModel load(Path file, FourMConfig config) throws IOException {
        return load(file, config, false);
    }

    /**
     * Loads into an explicit configuration (the file's config and modality table are not used, but fourm's JSON
     * metadata must still be readable: a damaged entry means a damaged file; shapes must match exactly). A torch
     * checkpoint ({@code .pth}, {@code .pt}, ...) of the state dict loads too ({@link SafetensorsReader#openStateDict}).
     *
     * @param allowNonFinite accept NaN and infinite weights instead of refusing them
     * @throws NonFiniteCheckpointException if a weight is NaN or infinite and that is not allowed
     */
    public static FourMModel load(Path file, FourMConfig config, boolean allowNonFinite) throws IOException {
        try (SafetensorsReader r = SafetensorsReader.openStateDict(file)) {
            checkMetadata(r);
            return load(r, config, allowNonFinite);
        }
    }

    /**
     * Checks that the JSON values fourm writes into the metadata ({@value ReferenceConfig#CONFIG_KEY},
     * {@value ReferenceConfig#MODALITIES_KEY}, {@code fourm.*} such as a training run's configuration) parse.
     *
     * @throws CheckpointException naming each damaged entry
     */
    private static void checkMetadata(SafetensorsReader r) throws CheckpointException {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> e : r.metadata().entrySet()) {
            String k = e.getKey();
            String v = e.getValue().trim();
            boolean ours = k.equals(ReferenceConfig.CONFIG_KEY) || k.equals(ReferenceConfig.MODALITIES_KEY)
                    || k.startsWith("fourm.");
            if (!ours || !(v.startsWith("{") || v.startsWith("["))) {
                continue;
            }
            try {
                JsonParser.parseString(v);
            } catch (JsonParseException ex) {
                problems.add("metadata '" + k + "' is damaged: " + ex.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new CheckpointException(r.path(), problems);
        }
    }

    /**
     * Reads the configuration of a checkpoint from reference config values held outside it (the released layout's
     * {@code config.json} beside the weights), with vocabulary sizes and sequences' positional rows taken from the
     * tensor shapes as for a config in the metadata.
     *
     * @param values the config's keys and values ({@link ReferenceConfig#parseJson})
     * @param source where the values come from, for messages
     * @throws CheckpointException if the values do not make a config
     */
    public static FourMConfig readConfig(Path file, Map<String, ?> values, ModalityCatalog catalog, String source)
            throws IOException {
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            try {
                return adaptToShapes(ReferenceConfig.fromMap(values, catalog, source), r);
            } catch (IllegalArgumentException e) {
                throw new CheckpointException(r.path(), List.of(source + ": " + e.getMessage()));
            }
        }
    }

    /** Reads the configuration of a checkpoint (see the class comment) without loading tensors. */
    public static FourMConfig readConfig(Path file, ModalityCatalog catalog) throws IOException {
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            return readConfig(r, catalog);
        }
    }

    /**
     * Reads the configuration of an open checkpoint.
     *
     * @throws CheckpointException if the metadata holds no usable config
     */
    public static FourMConfig readConfig(SafetensorsReader r, ModalityCatalog catalog) throws IOException {
        Map<String, String> md = r.metadata();
        String source = r.path().toString();
        boolean exact = false;
        ModalityCatalog cat = catalog;
        try {
            if (md.containsKey(ReferenceConfig.MODALITIES_KEY)) {
                cat = ModalityCatalog.of(
                        ReferenceConfig.parseModalitiesJson(md.get(ReferenceConfig.MODALITIES_KEY), source, catalog))
                        .orElse(catalog);
                exact = true;
            }
            Map<String, Object> values;
            String json = md.get(ReferenceConfig.CONFIG_KEY);
            if (json != null && json.trim().startsWith("{")) {
                values = ReferenceConfig.parseJson(json, source);
            } else if (md.containsKey("domains_in") || md.containsKey("dim")) {
                values = ReferenceConfig.parseReleasedMetadata(md, source);
            } else {
                throw new CheckpointException(r.path(), List.of("the metadata holds no model config (neither a JSON '"
                        + ReferenceConfig.CONFIG_KEY + "' entry nor the reference's per-key entries such as "
                        + "'domains_in' and 'dim'); give the config explicitly"));
            }
            FourMConfig config = ReferenceConfig.fromMap(values, cat, source);
            return exact ? config : adaptToShapes(config, r);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(r.path(), List.of(e.getMessage()));
        }
    }

    /** Takes vocabulary sizes and sequence positional rows from the tensor shapes where present. */
    private static FourMConfig adaptToShapes(FourMConfig config, SafetensorsReader r) {
        FourMConfig.Builder b = config.toBuilder();
        for (ModalitySpec m : config.modalities().values()) {
            ModalitySpec adapted = m;
            TokenLayout l = m.layout();
            for (String side : List.of("encoder_embeddings.", "decoder_embeddings.")) {
                String prefix = side + m.key() + ".";
                if (l.discrete()) {
                    TensorInfo t = r.tensors().get(prefix + l.inputWeight());
                    if (t != null && t.rank() == 2 && t.shape()[0] >= 2 && t.shape()[0] <= Integer.MAX_VALUE) {
                        adapted = adapted.withVocabSize((int) t.shape()[0]);
                    }
                }
                if (l.sequence()) {
                    TensorInfo t = r.tensors().get(prefix + "pos_emb");
                    if (t != null && t.rank() == 3 && t.shape()[1] >= 1 && t.shape()[1] <= Integer.MAX_VALUE) {
                        adapted = adapted.withLayout(ResizedPositions.of(adapted.layout(), (int) t.shape()[1]));
                    }
                }
            }
            if (!adapted.equals(m)) {
                b.putModality(adapted);
            }
        }
        return b.build();
    }

    /** Loads an open checkpoint into {@code config}, strictly; NaN and infinite weights are refused. */
    static FourMModel load(SafetensorsReader r, FourMConfig config) throws IOException {
        return load(r, config, false);
    }

    private static FourMModel load(SafetensorsReader r, FourMConfig config, boolean allowNonFinite)
            throws IOException {
        List<ParameterLayout.Spec> layout = ParameterLayout.of(config);
        List<String> problems = check(r, layout, false);
        if (!problems.isEmpty()) {
            throw new CheckpointException(r.path(), problems);
        }
        if (!allowNonFinite) {
            List<String> bad = NonFiniteValues.find(r);
            if (!bad.isEmpty()) {
                throw new NonFiniteCheckpointException(r.path(), bad);
            }
        }
        problems = check(r, layout, true);
        if (!problems.isEmpty()) {
            throw new CheckpointException(r.path(), problems);
        }
        NDManager manager = NDManager.newBaseManager();
        try {
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            for (ParameterLayout.Spec s : layout) {
                if (!s.isAlias()) {
                    arrays.put(s.name(), r.toNDArray(manager, s.name()));
                }
            }
            return new FourMModel(config, manager, new ParameterStore(layout, arrays));
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Every mismatch between a file and a layout, one line each (empty when they match). */
    static List<String> check(SafetensorsReader r, List<ParameterLayout.Spec> layout) throws IOException {
        return check(r, layout, true);
    }

    /**
     * The mismatches between a file and a layout: names, shapes and dtypes, then (with {@code tied}, when those
     * match) tied tensors that differ. Non-finite values are looked for in between, so that a NaN in one copy of a
     * tied tensor is reported as a NaN.
     */
    private static List<String> check(SafetensorsReader r, List<ParameterLayout.Spec> layout, boolean tiedToo)
            throws IOException {
        Map<String, TensorInfo> file = r.tensors();
        Set<String> expected = new LinkedHashSet<>();
        List<String> missing = new ArrayList<>();
        List<String> shapes = new ArrayList<>();
        List<String> types = new ArrayList<>();
        List<String> tied = new ArrayList<>();
        for (ParameterLayout.Spec s : layout) {
            expected.add(s.name());
            TensorInfo t = file.get(s.name());
            if (t == null) {
                missing.add(s.name() + " " + Arrays.toString(s.shape()));
                continue;
            }
            if (!Arrays.equals(t.shape(), s.shape())) {
                shapes.add(s.name() + ": file " + t.shapeString() + ", model " + Arrays.toString(s.shape()));
            }
            if (!t.dtype().isFloating()) {
                types.add(s.name() + ": dtype " + t.dtype() + ", expected F32 (or F16/BF16)");
            }
        }
        List<String> unexpected = new ArrayList<>();
        for (TensorInfo t : file.values()) {
            if (!expected.contains(t.name())) {
                unexpected.add(t.name() + " " + t.shapeString());
            }
        }
        if (tiedToo && missing.isEmpty() && shapes.isEmpty() && types.isEmpty()) {
            for (ParameterLayout.Spec s : layout) {
                if (s.isAlias() && !Arrays.equals(r.floats(s.name()), r.floats(s.tiedTo()))) {
                    tied.add(s.name() + " differs from " + s.tiedTo() + ", which it is tied to");
                }
            }
        }
        List<String> problems = new ArrayList<>();
        missing.forEach(x -> problems.add("missing: " + x));
        unexpected.forEach(x -> problems.add("unexpected: " + x));
        shapes.forEach(x -> problems.add("shape mismatch: " + x));
        types.forEach(x -> problems.add("wrong dtype: " + x));
        tied.forEach(x -> problems.add("tied tensors differ: " + x));
        return problems;
    }

    /**
     * Saves {@code model} to {@code file} atomically (see the class comment); {@code extraMetadata} is added to the
     * metadata (it may not use the keys fourm writes).
     */
    public static void save(FourMModel model, Path file, Map<String, String> extraMetadata) throws IOException {
        for (String k : List.of(ReferenceConfig.CONFIG_KEY, ReferenceConfig.MODALITIES_KEY)) {
            if (extraMetadata.containsKey(k)) {
                throw new IllegalArgumentException("metadata key '" + k + "' is written by fourm itself");
            }
        }
        SafetensorsWriter w = new SafetensorsWriter();
        w.putMetadata(extraMetadata);
        w.putMetadata(ReferenceConfig.CONFIG_KEY, ReferenceConfig.toJson(model.config()));
        w.putMetadata(ReferenceConfig.MODALITIES_KEY, ReferenceConfig.modalitiesJson(model.config()));
        ParameterStore params = model.parameters();
        for (String key : params.stateDictKeys()) {
            w.add(key, params.get(key));
        }
        w.write(file);
    }
}
