package fourm.vq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A tokenizer checkpoint that a sequence modality uses for one part of its value: the reference's pose tokenizer
 * (a bottleneck MLP with Memcodes, 8 tokens for a 207-d body pose) inside {@code human_poses}, its SAM mask tokenizer
 * (a ViT VQ-VAE with the {@code out_conv} head, 16 tokens for a 64 x 64 mask) inside {@code sam_instance}.
 *
 * <p>It works on the values exactly as the network takes them (the plugin applies the reference's convention: body
 * pose rotation entries as they are, masks as 0/1) and returns the network's raw output (the plugin maps it back, for
 * example thresholding mask logits). The configuration is read when the tokenizer is opened; the weights are loaded on
 * first use and freed by {@link #close()}. Thread-safe.
 *
 * <p>Shape legend: B items, C channels, S = {@code image-size} side, T tokens per item, C' output channels.
 */
public final class CheckpointTokenizer implements AutoCloseable {
    /** The key of a tokenizer setting's checkpoint path. */
    public static final String CHECKPOINT = "checkpoint";
    /** The key of a tokenizer setting's architecture presets beyond the reference's own (for a directory). */
    public static final String REFERENCE_PRESETS = "reference-presets";
    private final Path file;
    private final VqConfig config;
    private final boolean explicit;
    private VqModel model;

    private CheckpointTokenizer(Path file, VqConfig config, boolean explicit) {
        this.file = file;
        this.config = config;
        this.explicit = explicit;
    }

    /**
     * Opens a fourm-vq checkpoint (the architecture in its metadata) without loading the weights.
     *
     * @throws IOException naming the file when it is missing or holds no tokenizer configuration
     */
    public static CheckpointTokenizer open(Path file) throws IOException {
        return new CheckpointTokenizer(file, VqCheckpoints.readConfig(file), false);
    }

    /**
     * Opens weights made elsewhere (the reference's state dict, safetensors or a torch checkpoint) with an explicit
     * architecture, without loading them; their keys and shapes are checked against it on first use.
     *
     * @throws IOException naming the file when it is missing
     */
    public static CheckpointTokenizer open(Path file, VqConfig config) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no tokenizer weights");
        }
        return new CheckpointTokenizer(file, config, true);
    }

    /**
     * Reads a plugin's tokenizer setting {@code <setting> { checkpoint = "..." }} (only that key; an empty path or a
     * missing node means none) and opens the checkpoint it names.
     *
     * @param node       the plugin's node
     * @param setting    the setting's key in the node ({@code pose-tokenizer})
     * @param configPath where the node lives ({@code fourm.modality.pose.tokens}), for messages
     * @param what       what the values are, for messages ({@code human_poses: pose tokenizer})
     * @return the tokenizer, or empty when no checkpoint is set
     * @throws ConfigException naming {@code <setting>.checkpoint} for an unknown key, a missing file or a file that
     *                         is not a fourm-vq tokenizer checkpoint
     */
    public static Optional<CheckpointTokenizer> fromSetting(Config node, String setting, String configPath,
                                                            String what) {
        return fromSetting(node, setting, configPath, what, null);
    }

    /**
     * Like {@link #fromSetting(Config, String, String, String)}, and the checkpoint may also name a tokenizer
     * directory in the reference's layout ({@code config.json} + {@code model.safetensors},
     * {@link ReferenceTokenizer}), read with the given values and the presets of {@code reference-presets} (over the
     * reference's own); its weights' keys and shapes are checked now.
     *
     * @param values what the tokenizer's values are (the plugin knows; a reference directory does not say); null:
     *               directories are refused
     */
    public static Optional<CheckpointTokenizer> fromSetting(Config node, String setting, String configPath,
                                                            String what, ImageValues values) {
        if (!node.hasPath(setting)) {
            return Optional.empty();
        }
        Config t = node.getConfig(setting);
        for (String k : t.root().keySet()) {
            if (!k.equals(CHECKPOINT) && !(values != null && k.equals(REFERENCE_PRESETS))) {
                throw new ConfigException.BadPath(t.origin(), setting + "." + k, "unknown key; expected "
                        + (values == null ? CHECKPOINT : CHECKPOINT + " or " + REFERENCE_PRESETS));
            }
        }
        String file = t.getString(CHECKPOINT);
        if (file.isBlank()) {
            return Optional.empty();
        }
        String key = setting + "." + CHECKPOINT;
        Path path = Path.of(file);
        if (values != null && Files.isDirectory(path)) {
            try {
                ReferencePresets presets = ReferencePresets.builtIn();
                if (t.hasPath(REFERENCE_PRESETS)) {
                    presets = presets.with(ReferencePresets.fromConfig(t.getConfig(REFERENCE_PRESETS)));
                }
                ReferenceTokenizer ref = ReferenceTokenizer.read(path, what, values, presets);
                ref.verifyWeights();
                return Optional.of(open(ref.weights(), ref.config()));
            } catch (IOException | RuntimeException e) {
                throw new ConfigException.BadValue(t.origin(), key, what + ": " + e.getMessage() + " (" + configPath
                        + "." + key + ")", e);
            }
        }
        if (!Files.isRegularFile(path)) {
            throw new ConfigException.BadValue(t.origin(), key, what + ": no such checkpoint " + path + " ("
                    + configPath + "." + key + ")");
        }
        try {
            return Optional.of(open(path));
        } catch (IOException | RuntimeException e) {
            throw new ConfigException.BadValue(t.origin(), key, what + ": " + path + " is not a fourm-vq tokenizer"
                    + " checkpoint: " + e.getMessage() + " (" + configPath + "." + key + ")", e);
        }
    }

    /** The architecture. */
    public VqConfig config() {
        return config;
    }

    /** The checkpoint file. */
    public Path file() {
        return file;
    }

    /** Values per item: C x S x S. */
    public int inputSize() {
        return config.channels() * config.imageSize() * config.imageSize();
    }

    /** Output values per item: C' x S x S. */
    public int outputSize() {
        return config.outputChannels() * config.imageSize() * config.imageSize();
    }

    private synchronized VqModel model() {
        if (model == null) {
            try {
                model = explicit ? VqCheckpoints.load(file, config, VqCheckpoints.Scope.FULL)
                        : VqCheckpoints.load(file, VqCheckpoints.Scope.FULL);
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": the tokenizer checkpoint cannot be loaded: " + e.getMessage(),
                        e);
            }
        }
        return model;
    }

    /**
     * Token ids of a batch of items.
     *
     * @param values row-major [B, C, S, S], as the network takes them
     * @return [B * T], per item as {@link VqModel#tokenize} orders them
     * @throws IllegalArgumentException for a wrong number of values or a value that is not finite
     */
    public long[] encode(float[] values, int batch) {
        long expected = (long) batch * inputSize();
        if (batch < 0 || values.length != expected) {
            throw new IllegalArgumentException(file.getFileName() + ": " + batch + " items need " + expected
                    + " values, got " + values.length);
        }
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new IllegalArgumentException(file.getFileName() + ": value " + values[i] + " of item "
                        + i / inputSize() + " is not finite");
            }
        }
        if (batch == 0) {
            return new long[0];
        }
        VqModel m = model();
        int s = config.imageSize();
        try (NDManager step = m.manager().newSubManager()) {
            NDArray x = step.create(values, new Shape(batch, config.channels(), s, s));
            return m.tokenize(step, x);
        }
    }

    /**
     * The network output of a batch of token ids.
     *
     * @param ids [B * T]
     * @return row-major [B, C', S, S]
     * @throws IllegalArgumentException for a wrong number of ids or an id outside the codebook
     */
    public float[] decode(long[] ids, int batch) {
        if (batch == 0) {
            return new float[0];
        }
        VqModel m = model();
        boolean memcodes = config.quantizer().type() == VqConfig.QuantizerType.MEMCODES;
        int grid = memcodes ? 1 : config.gridSide();
        try (NDManager step = m.manager().newSubManager()) {
            return m.decodeTokens(step, ids, batch, grid, grid).toFloatArray();
        }
    }

    /** Frees the weights (loaded again on the next use). */
    @Override
    public synchronized void close() {
        if (model != null) {
            model.close();
            model = null;
        }
    }
}
