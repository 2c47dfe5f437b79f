package fourm.vq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import fourm.core.io.CheckpointException;
import fourm.core.io.SafetensorsReader;
import fourm.core.io.SafetensorsWriter;
import fourm.core.io.TensorInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Tokenizer checkpoints in safetensors with the reference's state-dict names ({@code encoder.*},
 * {@code quant_proj.*}, {@code quantize.*}, {@code post_quant_proj.*}, {@code decoder.*}, {@code cls_emb.weight}).
 *
 * <p>Saving writes every tensor (buffers included: positions, the codebook, its usage statistics), the architecture
 * as JSON under {@value #CONFIG_KEY} and {@code format = fourm-vq}; files are deterministic and written atomically (a
 * temporary file renamed into place). A saved checkpoint loads back bit for bit.
 *
 * <p>Loading is strict: one {@link CheckpointException} lists every missing, unexpected, mis-shaped and non-float key.
 * The architecture comes from the file's metadata, or is given explicitly for weights made elsewhere (the reference's
 * released tokenizers carry their config in a separate JSON file): describe the network with a {@link VqConfig}
 * whose sizes match. {@link Scope#ENCODER_ONLY} loads the encoder, {@code quant_proj} and the quantizer and ignores
 * every {@code decoder.*} and {@code post_quant_proj.*} tensor, so tokenizers whose decoder fourm does not implement
 * (the diffusion decoders of the reference's RGB, depth, normal and edge tokenizers) can still tokenize.
 */
public final class VqCheckpoints {
    /** Metadata key of the architecture JSON. */
    public static final String CONFIG_KEY = "fourm_vq_config";
    /** Metadata key of the format name. */
    public static final String FORMAT_KEY = "format";
    /** The format name. */
    public static final String FORMAT = "fourm-vq";

    private VqCheckpoints() {
    }

    /** Which parts of a checkpoint to load. */
    public enum Scope {
        /** Encoder, quantizer and decoder. */
        FULL,
        /** Encoder and quantizer; decoder tensors in the file are ignored. */
        ENCODER_ONLY
    }

    /**
     * Saves {@code model} atomically; {@code extraMetadata} is added (it may not use the keys fourm writes).
     *
     * @throws IllegalArgumentException if extra metadata uses a reserved key
     */
    public static void save(VqModel model, Path file, Map<String, String> extraMetadata) throws IOException {
        for (String k : List.of(CONFIG_KEY, FORMAT_KEY)) {
            if (extraMetadata.containsKey(k)) {
                throw new IllegalArgumentException("metadata key '" + k + "' is written by fourm itself");
            }
        }
        SafetensorsWriter w = new SafetensorsWriter();
        w.putMetadata(extraMetadata);
        w.putMetadata(CONFIG_KEY, model.config().toJson());
        w.putMetadata(FORMAT_KEY, FORMAT);
        for (String key : model.stateDictKeys()) {
            w.add(key, model.tensor(key));
        }
        w.write(file);
    }

    /** Loads a full tokenizer with the architecture from the file's metadata. */
    public static VqModel load(Path file) throws IOException {
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            return load(r, readConfig(r), Scope.FULL);
        }
    }

    /**
     * Loads with an explicit architecture (the metadata is ignored); a torch checkpoint ({@code .pth}, {@code .pt},
     * ...) of the state dict loads too ({@link SafetensorsReader#openStateDict}).
     */
    public static VqModel load(Path file, VqConfig config, Scope scope) throws IOException {
        try (SafetensorsReader r = SafetensorsReader.openStateDict(file)) {
            return load(r, config, scope);
        }
    }

    /**
     * Checks a state dict against an architecture without loading a tensor (the file's header only; a torch
     * checkpoint is read through {@link SafetensorsReader#openStateDict}).
     *
     * @throws CheckpointException naming the file and every missing, unexpected, mis-shaped and non-float key
     */
    public static void verify(Path file, VqConfig config, Scope scope) throws IOException {
        try (SafetensorsReader r = SafetensorsReader.openStateDict(file)) {
            boolean withDecoder = scope == Scope.FULL;
            Predicate<String> ignored = withDecoder ? key -> false : VqCheckpoints::decoderKey;
            List<String> problems = check(r, VqModel.layout(config, withDecoder), ignored);
            if (!problems.isEmpty()) {
                throw new CheckpointException(r.path(), problems);
            }
        }
    }

    /** Loads with the architecture from the metadata and the given scope. */
    public static VqModel load(Path file, Scope scope) throws IOException {
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            return load(r, readConfig(r), scope);
        }
    }

    /**
     * The architecture stored in a checkpoint.
     *
     * @throws CheckpointException if the metadata holds none or it is invalid
     */
    public static VqConfig readConfig(Path file) throws IOException {
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            return readConfig(r);
        }
    }

    /** The metadata of a checkpoint (training step, seed, ...). */
    public static Map<String, String> metadata(Path file) throws IOException {
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            return r.metadata();
        }
    }

    private static VqConfig readConfig(SafetensorsReader r) throws CheckpointException {
        String json = r.metadata().get(CONFIG_KEY);
        if (json == null) {
            throw new CheckpointException(r.path(), List.of("the metadata has no '" + CONFIG_KEY + "' entry (not a"
                    + " fourm-vq checkpoint?); load it with an explicit VqConfig describing the architecture"));
        }
        try {
            return VqConfig.fromJson(json, r.path() + " metadata '" + CONFIG_KEY + "'");
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(r.path(), List.of(e.getMessage()));
        }
    }

    private static VqModel load(SafetensorsReader r, VqConfig config, Scope scope) throws IOException {
        boolean withDecoder = scope == Scope.FULL;
        List<Params.Spec> layout = VqModel.layout(config, withDecoder);
        Predicate<String> ignored = withDecoder ? key -> false : VqCheckpoints::decoderKey;
        List<String> problems = check(r, layout, ignored);
        if (!problems.isEmpty()) {
            throw new CheckpointException(r.path(), problems);
        }
        return VqModel.wrap(config, read(r, layout), withDecoder);
    }

    private static boolean decoderKey(String key) {
        return Arrays.stream(VqModel.DECODER_PREFIXES).anyMatch(key::startsWith);
    }

    /**
     * A tokenizer's encoder side ({@link Scope#ENCODER_ONLY}'s tensors) and another decoder, read from one file:
     * every tensor of the file must belong to one of the two ({@code decoder} takes the place of the ViT decoder, for
     * example a DiVAE's diffusion decoder under {@code decoder.*}).
     *
     * @param decoder the other decoder's layout
     * @throws CheckpointException listing every missing, unexpected, mis-shaped and non-float key of either part
     */
    public static EncoderAnd loadEncoderAnd(Path file, VqConfig config, List<Params.Spec> decoder) throws IOException {
        List<Params.Spec> encoder = VqModel.layout(config, false);
        List<Params.Spec> both = new ArrayList<>(encoder);
        both.addAll(decoder);
        try (SafetensorsReader r = SafetensorsReader.openStateDict(file)) {
            List<String> problems = check(r, both, key -> false);
            if (!problems.isEmpty()) {
                throw new CheckpointException(r.path(), problems);
            }
            VqModel enc = VqModel.wrap(config, read(r, encoder), false);
            try {
                return new EncoderAnd(enc, read(r, decoder));
            } catch (IOException | RuntimeException e) {
                enc.close();
                throw e;
            }
        }
    }

    /**
     * An encoder side and another decoder's tensors, loaded together; closing it frees both.
     *
     * @param encoder the encoder, {@code quant_proj} and quantizer
     * @param decoder the other decoder's tensors
     */
    public record EncoderAnd(VqModel encoder, Params decoder) implements AutoCloseable {
        @Override
        public void close() {
            try {
                decoder.close();
            } finally {
                encoder.close();
            }
        }
    }

    /**
     * Saves an encoder side and another decoder's tensors in one file, atomically; {@code metadata} names the
     * architecture (the keys {@value #CONFIG_KEY} and {@value #FORMAT_KEY} are written here: {@code format} is
     * {@code format}).
     */
    public static void saveEncoderAnd(VqModel encoder, Params decoder, Path file, String format,
                                      Map<String, String> metadata) throws IOException {
        for (String k : List.of(CONFIG_KEY, FORMAT_KEY)) {
            if (metadata.containsKey(k)) {
                throw new IllegalArgumentException("metadata key '" + k + "' is written by fourm itself");
            }
        }
        SafetensorsWriter w = new SafetensorsWriter();
        w.putMetadata(metadata);
        w.putMetadata(CONFIG_KEY, encoder.config().toJson());
        w.putMetadata(FORMAT_KEY, format);
        for (Params.Spec s : VqModel.layout(encoder.config(), false)) {
            w.add(s.name(), encoder.tensor(s.name()));
        }
        for (Params.Spec s : decoder.specs()) {
            w.add(s.name(), decoder.get(s.name()));
        }
        w.write(file);
    }

    /** The tensors of {@code layout} in a new manager (the file must have been checked against it). */
    private static Params read(SafetensorsReader r, List<Params.Spec> layout) throws IOException {
        NDManager manager = NDManager.newBaseManager();
        try {
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            for (Params.Spec s : layout) {
                arrays.put(s.name(), r.toNDArray(manager, s.name()));
            }
            return Params.wrap(manager, layout, arrays);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Every mismatch between a file and a layout, one line each (empty when they match); tensors of the file outside
     * the layout are unexpected unless {@code ignored} accepts their key.
     */
    static List<String> check(SafetensorsReader r, List<Params.Spec> layout, Predicate<String> ignored) {
        Map<String, TensorInfo> file = r.tensors();
        Set<String> expected = new HashSet<>();
        List<String> problems = new ArrayList<>();
        List<String> shapes = new ArrayList<>();
        List<String> types = new ArrayList<>();
        for (Params.Spec s : layout) {
            expected.add(s.name());
            TensorInfo t = file.get(s.name());
            if (t == null) {
                problems.add("missing: " + s.name() + " " + Arrays.toString(s.shape()));
                continue;
            }
            if (!Arrays.equals(t.shape(), s.shape())) {
                shapes.add("shape mismatch: " + s.name() + ": file " + t.shapeString() + ", model "
                        + Arrays.toString(s.shape()));
            }
            if (!t.dtype().isFloating()) {
                types.add("wrong dtype: " + s.name() + ": " + t.dtype() + ", expected F32 (or F16/BF16)");
            }
        }
        for (TensorInfo t : file.values()) {
            if (expected.contains(t.name()) || ignored.test(t.name())) {
                continue;
            }
            problems.add("unexpected: " + t.name() + " " + t.shapeString());
        }
        problems.addAll(shapes);
        problems.addAll(types);
        return problems;
    }
}
