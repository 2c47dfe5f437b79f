package fourm.vq.modality;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import fourm.api.Modality;
import fourm.api.ModalitySpec;
import fourm.api.ModalityTokenizer;
import fourm.api.TokenizerInfo;
import fourm.api.ValueFormat;
import fourm.vq.ImageValues;
import fourm.vq.ModalityImageTokenizer;
import fourm.vq.Raster;
import fourm.vq.ReferencePresets;
import fourm.vq.ReferenceTokenizer;
import fourm.vq.VqCheckpoints;
import fourm.vq.VqConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * An image-like modality whose plugin owns its tokenizer: a fourm-vq tokenizer (ViT VQ-VAE or bottleneck MLP with
 * Memcodes) over the values the plugin picks ({@link ImageValues}, usually from
 * {@link fourm.vq.values.ImageValueKit}), with weights from the checkpoint its configuration names.
 *
 * <p>The plugin's node holds the specification's keys plus a {@code tokenizer} node:
 * <pre>
 * tokenizer {
 *   type = vq-vae          # or memcodes, or divae: what the tokenizer is (reported by `fourm modalities`)
 *   preset = depth         # the fourm.vq preset that trains it (fourm tokenizer-train --modality PRESET)
 *   checkpoint = ""        # the trained tokenizer (.safetensors), a DiVAE checkpoint, or a directory in the
 *                          # reference's layout (config.json + model.safetensors / .pth / .bin); empty: none
 *   reference-presets {}   # architecture names such a config.json may use beyond the reference's own
 *   steps = 25             # DiVAE only: sampling steps of a decode (the reference's 25; 10 for edges)
 *   scheduler = ""         # DiVAE only: ddpm, ddim or pndm; empty: the checkpoint's own
 *   seed = 0               # DiVAE only: seed of the sampler's noise (the same tokens and seed give the same image)
 * }
 * </pre>
 *
 * <p>A checkpoint with a diffusion decoder (a DiVAE, see {@code fourm.vq.diffusion.DivaeCheckpoints}, found through
 * {@link DecoderBackend}: fourm's own
 * format, or the reference's directory with {@code config.json} and {@code model.safetensors}) decodes through it;
 * the modality then reports the type {@code divae}.
 *
 * <p>With a checkpoint, {@link #create} checks at start-up that the file exists and was trained on the plugin's
 * values with the modality's vocabulary and token count, and loads the network on first use. Without one the modality
 * still reports its tokenizer ({@link #tokenizerInfo()}: the type, no checkpoint), pre-tokenized ids still load for
 * training, and asking it to encode or decode fails with a message that names the key to set. Close it to free a
 * loaded network.
 */
public final class ImageTokenModality implements Modality, AutoCloseable {
    /** The keys of the {@code tokenizer} node. */
    public static final Set<String> TOKENIZER_KEYS = Set.of("type", "preset", "checkpoint", "steps", "scheduler",
            "seed", "reference-presets");

    private final ModalitySpec spec;
    private final ImageValues values;
    private final String type;
    private final String preset;
    private final Optional<Path> checkpoint;
    private final Optional<VqConfig> architecture;
    private final Optional<ReferenceTokenizer> reference;
    private final String checkpointKey;
    private final Optional<DecoderBackend.Bound> divae;
    private final Source source;
    private final List<String> classNames;
    private final Slot slot = new Slot();

    /** Where the modality was read from (for {@link #standalone}), and whether its token count is left unchecked. */
    private record Source(Config node, String configPath, boolean standalone) {
    }

    private ImageTokenModality(ModalitySpec spec, ImageValues values, String type, String preset,
                               Optional<Path> checkpoint, Optional<VqConfig> architecture,
                               Optional<ReferenceTokenizer> reference, String checkpointKey,
                               Optional<DecoderBackend.Bound> divae, Source source) {
        this.spec = spec;
        this.values = values;
        this.type = type;
        this.preset = preset;
        this.checkpoint = checkpoint;
        this.architecture = architecture;
        this.reference = reference;
        this.checkpointKey = checkpointKey;
        this.divae = divae;
        this.source = source;
        this.classNames = List.of();
    }

    /** A copy of {@code m} with other class names (a new, unloaded tokenizer slot). */
    private ImageTokenModality(ImageTokenModality m, List<String> classNames) {
        this.spec = m.spec;
        this.values = m.values;
        this.type = m.type;
        this.preset = m.preset;
        this.checkpoint = m.checkpoint;
        this.architecture = m.architecture;
        this.reference = m.reference;
        this.checkpointKey = m.checkpointKey;
        this.divae = m.divae;
        this.source = m.source;
        this.classNames = List.copyOf(classNames);
    }

    /**
     * This modality with the names of its classes, for a modality of class ids (a semseg plugin's legend): name
     * {@code k} is class id {@code k} of the raw values. Call it on a freshly created modality (the copy does not share
     * a loaded tokenizer).
     *
     * @throws IllegalArgumentException if a name is blank
     */
    public ImageTokenModality withClassNames(List<String> names) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i) == null || names.get(i).isBlank()) {
                throw new IllegalArgumentException(spec.key() + ": class name " + i + " is blank");
            }
        }
        return new ImageTokenModality(this, names);
    }

    /** The names of the classes of a modality of class ids (name {@code k} is class id {@code k}); empty if none. */
    public List<String> classNames() {
        return classNames;
    }

    /**
     * Reads a plugin's node: the specification's keys and the {@code tokenizer} node.
     *
     * @param node       the plugin's node (what {@link fourm.api.spi.ModalityProvider#create} receives)
     * @param configPath where the node lives ({@code fourm.modality.depth.tokens}), for messages
     * @param values     what the modality's raw values are
     * @throws ConfigException naming the key for a missing, mistyped, unknown or inconsistent setting, a missing
     *                         checkpoint file, or a checkpoint that does not fit the modality
     */
    public static ImageTokenModality create(Config node, String configPath, ImageValues values) {
        return create(new Source(node, configPath, false), values);
    }

    /**
     * This modality's tokenizer on its own, from another checkpoint (what {@code fourm tokenize --tokenizer} and
     * {@code fourm detokenize --tokenizer} use): read like the {@code tokenizer.checkpoint} setting, with the same
     * checks of the values, the tokenizer type and the vocabulary, but the token count need not fit the modality's
     * grid. A tokenizer with several lucid codebooks (the reference's {@code num_codebooks}, one token per codebook and
     * cell) encodes and decodes its values this way; as the modality's configured checkpoint ({@link #create}) it is
     * refused, since a 4M model's grid holds one token per cell. Meant for tokenizing and decoding values, not for
     * a model's inputs or targets.
     *
     * @param checkpoint a fourm-vq {@code .safetensors}, a DiVAE checkpoint, or a directory in the reference's layout
     * @throws ConfigException naming {@code tokenizer.checkpoint} for a missing file or one that does not fit
     */
    public ImageTokenModality standalone(Path checkpoint) {
        Config node = source.node().withValue("tokenizer.checkpoint",
                com.typesafe.config.ConfigValueFactory.fromAnyRef(checkpoint.toString(), "--tokenizer"));
        return create(new Source(node, source.configPath(), true), values).withClassNames(classNames);
    }

    private static ImageTokenModality create(Source source, ImageValues values) {
        Config node = source.node();
        String configPath = source.configPath();
        if (!node.hasPath("tokenizer")) {
            throw new ConfigException.Missing(node.origin(), "tokenizer");
        }
        Config t = node.getConfig("tokenizer");
        Set<String> bad = new TreeSet<>(t.root().keySet());
        bad.removeAll(TOKENIZER_KEYS);
        if (!bad.isEmpty()) {
            throw new ConfigException.BadPath(t.origin(), "tokenizer." + bad.iterator().next(),
                    "unknown key; expected one of " + new TreeSet<>(TOKENIZER_KEYS));
        }
        ModalitySpec spec = ModalitySpec.fromConfig(node.withoutPath("tokenizer"));
        String type = t.getString("type");
        List<DecoderBackend> backends = DecoderBackend.discovered();
        Set<String> types = new TreeSet<>(Set.of(ModalityImageTokenizer.VQ_VAE, ModalityImageTokenizer.MEMCODES));
        backends.forEach(b -> types.add(b.type()));
        if (!types.contains(type)) {
            throw new ConfigException.BadValue(t.origin(), "tokenizer.type", "expected one of " + types
                    + ", got '" + type + "'" + (type.equals("divae") ? " (the diffusion decoder is the module"
                    + " fourm-vq-diffusion; put it on the module path)" : ""));
        }
        for (DecoderBackend b : backends) {
            b.validate(t, configPath);
        }
        String preset = t.hasPath("preset") ? t.getString("preset") : "";
        String file = t.getString("checkpoint");
        String checkpointKey = configPath + ".tokenizer.checkpoint";
        if (file.isBlank()) {
            return new ImageTokenModality(spec, values, type, preset, Optional.empty(), Optional.empty(),
                    Optional.empty(), checkpointKey, Optional.empty(), source);
        }
        Path path = Path.of(file);
        Optional<DecoderBackend> backend = backends.stream().filter(b -> b.accepts(path)).findFirst();
        if (backend.isPresent()) {
            DecoderBackend.Bound bound = backend.get().bind(t, configPath, spec.key(), path, values);
            VqConfig c = bound.encoder();
            String problem = type.equals(ModalityImageTokenizer.MEMCODES)
                    ? "is a " + backend.get().type() + " tokenizer; tokenizer.type is " + type
                    : misfit(spec, values, ModalityImageTokenizer.typeOf(c), c, source.standalone());
            if (problem != null) {
                throw new ConfigException.BadValue(t.origin(), "tokenizer.checkpoint", spec.key() + ": " + path + " "
                        + problem);
            }
            return new ImageTokenModality(spec, values, backend.get().type(), preset, Optional.of(path),
                    Optional.of(c), Optional.empty(), checkpointKey, Optional.of(bound), source);
        }
        if (Files.isDirectory(path)) {
            return fromDirectory(spec, values, type, preset, path, t, checkpointKey, source);
        }
        if (!Files.isRegularFile(path)) {
            throw new ConfigException.BadValue(t.origin(), "tokenizer.checkpoint", spec.key()
                    + ": no such tokenizer checkpoint " + path + " (" + checkpointKey + ")");
        }
        VqConfig c;
        try {
            c = VqCheckpoints.readConfig(path);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException.BadValue(t.origin(), "tokenizer.checkpoint", spec.key() + ": " + path
                    + " is not a fourm-vq tokenizer checkpoint: " + e.getMessage() + " (a tokenizer in the"
                    + " reference's layout is named by its directory, the one holding config.json)", e);
        }
        String problem = misfit(spec, values, type, c, source.standalone());
        if (problem != null) {
            throw new ConfigException.BadValue(t.origin(), "tokenizer.checkpoint", spec.key() + ": " + path + " "
                    + problem);
        }
        return new ImageTokenModality(spec, values, type, preset, Optional.of(path), Optional.of(c),
                Optional.empty(), checkpointKey, Optional.empty(), source);
    }

    /**
     * A tokenizer directory in the reference's layout ({@link ReferenceTokenizer}): its config is read with the
     * modality's values and the architecture presets ({@code tokenizer.reference-presets}, over fourm-vq's own), and
     * the weights' keys and shapes are checked against it now, so that a mismatch names every key at start-up.
     */
    private static ImageTokenModality fromDirectory(ModalitySpec spec, ImageValues values, String type, String preset,
                                                    Path dir, Config t, String checkpointKey, Source source) {
        // errors point at where the checkpoint was set (an experiment file, -D, --tokenizer), not at the defaults
        com.typesafe.config.ConfigOrigin origin = t.getValue("checkpoint").origin();
        ReferencePresets presets = ReferencePresets.builtIn();
        if (t.hasPath("reference-presets")) {
            presets = presets.with(ReferencePresets.fromConfig(t.getConfig("reference-presets")));
        }
        ReferenceTokenizer ref;
        try {
            ref = ReferenceTokenizer.read(dir, spec.key(), values, presets);
            ref.verifyWeights();
        } catch (IOException | RuntimeException e) {
            throw new ConfigException.BadValue(origin, "tokenizer.checkpoint", spec.key() + ": " + e.getMessage()
                    + " (" + checkpointKey + ")", e);
        }
        String problem = misfit(spec, values, type, ref.config(), source.standalone());
        if (problem != null) {
            throw new ConfigException.BadValue(origin, "tokenizer.checkpoint", spec.key() + ": " + dir + " "
                    + problem);
        }
        return new ImageTokenModality(spec, values, type, preset, Optional.of(dir), Optional.of(ref.config()),
                Optional.of(ref), checkpointKey, Optional.empty(), source);
    }

    private static String misfit(ModalitySpec spec, ImageValues values, String type, VqConfig c,
                                 boolean standalone) {
        if (!c.values().name().equals(values.name())) {
            return "was trained on " + c.values().name() + " values; the modality's values are " + values.name();
        }
        if (!ModalityImageTokenizer.typeOf(c).equals(type)) {
            return "is a " + ModalityImageTokenizer.typeOf(c) + " tokenizer; tokenizer.type is " + type;
        }
        int vocab = spec.vocabSize().orElse(0);
        if (c.vocabSize() > vocab) {
            return "has " + c.vocabSize() + " codes; the modality's vocab-size is " + vocab;
        }
        if (c.tokensPerImage() != spec.maxTokens() && !standalone) {
            return "makes " + c.tokensPerImage() + " tokens per image; the modality has " + spec.maxTokens()
                    + (c.quantizer().heads() > 1 && c.quantizer().type() == VqConfig.QuantizerType.LUCID
                    ? " (one per cell; " + c.quantizer().heads() + " lucid codebooks make " + c.quantizer().heads()
                    + " per cell: fourm tokenize/detokenize --tokenizer take such a tokenizer on its own)" : "");
        }
        return null;
    }

    @Override
    public ModalitySpec spec() {
        return spec;
    }

    /** The values the raw rasters are. */
    public ImageValues values() {
        return values;
    }

    /** The fourm.vq preset that trains this tokenizer (empty when the configuration names none). */
    public String preset() {
        return preset;
    }

    /** The configured checkpoint, if any. */
    public Optional<Path> checkpoint() {
        return checkpoint;
    }

    /** The tokenizer directory in the reference's layout, when the checkpoint names one. */
    public Optional<ReferenceTokenizer> reference() {
        return reference;
    }

    /** The checkpoint's architecture, if a checkpoint is configured. */
    public Optional<VqConfig> architecture() {
        return architecture;
    }

    @Override
    public Optional<ModalityTokenizer<?>> tokenizer() {
        return Optional.of(slot);
    }

    @Override
    public TokenizerInfo tokenizerInfo() {
        return slot.info();
    }

    @Override
    public Optional<ValueFormat<?>> format() {
        return Optional.of(new RasterFormat(spec.key(), values, architecture));
    }

    /**
     * The loaded tokenizer (for batched encoding and decoding through {@link ModalityImageTokenizer#tokenizer()}); for
     * a DiVAE its encoder side, which encodes only (decode through {@link #tokenizer()}).
     *
     * @throws IllegalStateException without a checkpoint, naming the key to set
     * @throws UncheckedIOException  if the checkpoint cannot be loaded
     */
    public ModalityImageTokenizer imageTokenizer() {
        ModalityTokenizer<Raster> t = slot.get();
        return t instanceof ModalityImageTokenizer m ? m : divae.orElseThrow().encoderOf(t);
    }

    /** Frees the network if it was loaded. */
    @Override
    public void close() {
        slot.close();
    }

    @Override
    public String toString() {
        return "Modality[" + spec.key() + ", " + type + checkpoint.map(p -> " " + p).orElse("") + "]";
    }

    /** The modality's tokenizer: loads the checkpoint on first use, refuses without one. */
    private final class Slot implements ModalityTokenizer<Raster> {
        private ModalityTokenizer<Raster> loaded;

        synchronized ModalityTokenizer<Raster> get() {
            if (loaded == null) {
                Path p = checkpoint.orElseThrow(() -> new IllegalStateException(spec.key()
                        + ": no tokenizer checkpoint; set " + checkpointKey));
                try {
                    loaded = divae.isPresent() ? divae.get().load()
                            : reference.isPresent() ? ModalityImageTokenizer.load(spec.key(), reference.get())
                            : ModalityImageTokenizer.load(spec.key(), p, values);
                } catch (IOException e) {
                    throw new UncheckedIOException(spec.key() + ": cannot load the tokenizer " + p + ": "
                            + e.getMessage(), e);
                }
            }
            return loaded;
        }

        synchronized void close() {
            if (loaded instanceof ModalityImageTokenizer m) {
                m.close();
            } else if (loaded instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException(spec.key() + ": cannot close the tokenizer: " + e.getMessage(), e);
                }
            }
            loaded = null;
        }

        @Override
        public Class<Raster> valueType() {
            return Raster.class;
        }

        @Override
        public int[] encode(Raster value) {
            return get().encode(value);
        }

        @Override
        public Raster decode(int[] tokens) {
            return get().decode(tokens);
        }

        @Override
        public TokenizerInfo info() {
            return TokenizerInfo.of(type, checkpoint.map(Path::toString));
        }
    }
}
