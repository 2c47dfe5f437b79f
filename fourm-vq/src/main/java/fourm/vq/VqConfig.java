package fourm.vq;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import fourm.api.ConfigReader;
import fourm.vq.values.ImageValueKit;
import java.util.Locale;
import java.util.Set;

/**
 * The architecture of one image-like tokenizer (spec-4m.md §6.1): a ViT or bottleneck-MLP encoder, a quantizer (the
 * cosine-similarity VQ codebook, or multi-head Memcodes) and a ViT or bottleneck-MLP decoder.
 *
 * <p>Read from HOCON with {@link #fromConfig(String, Config)} (the presets live under {@code fourm.vq.presets} in
 * fourm-vq's {@code reference.conf}) and stored as JSON in every checkpoint ({@link #toJson()}).
 *
 * @param name        a label, usually the preset (for example {@code rgb}); recorded in checkpoints
 * @param values      what the values mean: normalisation, loss, metrics, files (recorded as {@code family})
 * @param imageSize   side of the square input in pixels; for feature maps the side of the map (one token per cell);
 *                    1 for global embeddings
 * @param channels    input channels; for class-id values the width of the class embedding {@code cls_emb}
 * @param numClasses  class-id values: number of classes (the model has {@code numClasses + 1} labels, 0 = no class);
 *                    else 0
 * @param ignoreId    class-id values: the id that means "no class" in natural units (255 by convention); else 0
 * @param patchSize   side of a patch in pixels; 1 for feature maps and global embeddings
 * @param postMlp     add the tanh post-MLP {@code x + MLP_tanh(LN(x))} after the ViT encoder and decoder blocks
 * @param encoder     encoder network
 * @param decoder     decoder network
 * @param quantizer   the bottleneck
 * @param loss        reconstruction loss
 * @param outConv     add the reference's {@code out_conv} head after a ViT decoder: two ConvNeXt blocks on the
 *                    decoded map ({@code decoder.out_conv.{0,1}.*}; the SAM-instance mask tokenizer has it)
 */
public record VqConfig(String name, ImageValues values, int imageSize, int channels, int numClasses, int ignoreId,
                       int patchSize, boolean postMlp, Network encoder, Network decoder, QuantizerSpec quantizer,
                       LossKind loss, boolean outConv) {

    /** Network architectures. */
    public enum Arch {
        /** A ViT: patch projection, 2D sin-cos positions, pre-norm blocks (spec §6.1 "Tokenizer ViT"). */
        VIT,
        /** The reference's BottleneckMLP: residual pre-LN blocks {@code x + Linear(GELU(Linear(LN(x))))}. */
        BOTTLENECK_MLP;

        /** {@code vit} or {@code bottleneck-mlp}. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        static Arch fromConfigName(String s) {
            for (Arch a : values()) {
                if (a.configName().equals(s)) {
                    return a;
                }
            }
            throw new IllegalArgumentException("unknown network type '" + s + "'; expected vit or bottleneck-mlp");
        }
    }

    /** Quantizer kinds. */
    public enum QuantizerType {
        /** The "lucid" VQ: cosine-similarity codebook with EMA updates and dead-code replacement. */
        LUCID,
        /** Multi-head Memcodes: one codebook per head, straight-through Gumbel-softmax in training. */
        MEMCODES;

        /** {@code lucid} or {@code memcodes}. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static QuantizerType fromConfigName(String s) {
            for (QuantizerType t : values()) {
                if (t.configName().equals(s)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unknown quantizer type '" + s + "'; expected lucid or memcodes");
        }
    }

    /**
     * An encoder or decoder network.
     *
     * @param arch     ViT or bottleneck MLP
     * @param dim      ViT width D; MLP: the thin width
     * @param depth    ViT blocks; MLP: residual blocks
     * @param heads    ViT attention heads (D divisible by it, D/heads even); 0 for an MLP
     * @param mlpRatio ViT MLP expansion (4 in the reference); MLP: wide = thin * ratio
     */
    public record Network(Arch arch, int dim, int depth, int heads, int mlpRatio) {
        /** Checks the sizes. */
        public Network {
            if (arch == null) {
                throw new IllegalArgumentException("network type is missing");
            }
            if (dim < 1 || depth < 0 || mlpRatio < 1) {
                throw new IllegalArgumentException("network sizes must be positive (dim >= 1, depth >= 0, mlp-ratio"
                        + " >= 1), got dim " + dim + ", depth " + depth + ", mlp-ratio " + mlpRatio);
            }
            if (arch == Arch.VIT) {
                if (heads < 1 || dim % heads != 0) {
                    throw new IllegalArgumentException("a ViT of width " + dim + " needs heads >= 1 dividing it, got "
                            + heads);
                }
                if (dim % 4 != 0) {
                    throw new IllegalArgumentException("a ViT width must be divisible by 4 (2D sin-cos positions), got "
                            + dim);
                }
            }
        }
    }

    /**
     * The bottleneck.
     *
     * @param type             lucid or memcodes
     * @param codebookSize     codes per codebook
     * @param latentDim        width of the latent (lucid: of a code; memcodes: all heads together)
     * @param heads            memcodes: codebooks = tokens per image; lucid: parallel codebooks (the reference's
     *                         {@code num_codebooks}; above 1 the latent is projected to {@code heads x latent-dim}
     *                         by {@code quantize.project_in}, each head takes a code of the one shared codebook and
     *                         {@code quantize.project_out} maps the heads back; tokens per image = heads x grid)
     * @param emaDecay         lucid: EMA decay of the codebook (0.99 in the released tokenizers)
     * @param commitmentWeight lucid: weight of {@code mse(sg(q), z)}
     * @param temperature      memcodes: Gumbel-softmax temperature (1 in the reference)
     */
    public record QuantizerSpec(QuantizerType type, int codebookSize, int latentDim, int heads, double emaDecay,
                                double commitmentWeight, double temperature) {
        /** Checks the values. */
        public QuantizerSpec {
            if (type == null) {
                throw new IllegalArgumentException("quantizer type is missing");
            }
            if (codebookSize < 2 || codebookSize > 32768) {
                throw new IllegalArgumentException("codebook-size must be in [2, 32768] (token ids are stored as"
                        + " int16), got " + codebookSize);
            }
            if (latentDim < 1 || heads < 1) {
                throw new IllegalArgumentException("latent-dim and heads must be >= 1, got " + latentDim + ", "
                        + heads);
            }
            if (type == QuantizerType.MEMCODES && latentDim % heads != 0) {
                throw new IllegalArgumentException("memcodes latent-dim " + latentDim + " must be divisible by heads "
                        + heads);
            }
            if (!(emaDecay >= 0 && emaDecay < 1)) {
                throw new IllegalArgumentException("ema-decay must be in [0, 1), got " + emaDecay);
            }
            if (!(commitmentWeight >= 0) || Double.isInfinite(commitmentWeight)) {
                throw new IllegalArgumentException("commitment-weight must be >= 0, got " + commitmentWeight);
            }
            if (!(temperature > 0) || Double.isInfinite(temperature)) {
                throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
            }
        }
    }

    /** A configuration without the {@code out_conv} head (every tokenizer but the SAM-instance one). */
    public VqConfig(String name, ImageValues values, int imageSize, int channels, int numClasses, int ignoreId,
                    int patchSize, boolean postMlp, Network encoder, Network decoder, QuantizerSpec quantizer,
                    LossKind loss) {
        this(name, values, imageSize, channels, numClasses, ignoreId, patchSize, postMlp, encoder, decoder, quantizer,
                loss, false);
    }

    /** Checks that the parts fit together, then asks the values to check theirs; messages name the setting. */
    public VqConfig(String name, ImageValues values, int imageSize, int channels, int numClasses, int ignoreId,
                    int patchSize, boolean postMlp, Network encoder, Network decoder, QuantizerSpec quantizer,
                    LossKind loss, boolean outConv) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be empty");
        }
        if (values == null || encoder == null || decoder == null || quantizer == null || loss == null) {
            throw new IllegalArgumentException(name + ": family, encoder, decoder, quantizer and loss are required");
        }
        if (imageSize < 1 || channels < 1 || patchSize < 1) {
            throw new IllegalArgumentException(name + ": image-size, channels and patch-size must be >= 1, got "
                    + imageSize + ", " + channels + ", " + patchSize);
        }
        if (imageSize % patchSize != 0) {
            throw new IllegalArgumentException(name + ": image-size " + imageSize + " is not a multiple of patch-size "
                    + patchSize);
        }
        if (!values.patches() && patchSize != 1) {
            throw new IllegalArgumentException(name + ": a " + values.name() + " tokenizer has no patches"
                    + " (patch-size = 1, one token per cell), got patch-size " + patchSize);
        }
        if (!values.classLabels() && numClasses != 0) {
            throw new IllegalArgumentException(name + ": num-classes is for class-id maps only, got " + numClasses
                    + " for " + values.name());
        }
        if (values.global()) {
            if (imageSize != 1) {
                throw new IllegalArgumentException(name + ": a global embedding is a 1x1 map, got image-size "
                        + imageSize);
            }
            if (quantizer.type() != QuantizerType.MEMCODES) {
                throw new IllegalArgumentException(name + ": global embeddings are tokenized by memcodes");
            }
        } else {
            if (quantizer.type() == QuantizerType.MEMCODES) {
                throw new IllegalArgumentException(name + ": memcodes is supported for global embeddings (one token"
                        + " per head); use lucid for " + values.name());
            }
            if (encoder.arch() != Arch.VIT || decoder.arch() != Arch.VIT) {
                throw new IllegalArgumentException(name + ": " + values.name() + " tokenizers use ViT encoders and"
                        + " decoders; bottleneck MLPs are for global embeddings");
            }
        }
        if (outConv && decoder.arch() != Arch.VIT) {
            throw new IllegalArgumentException(name + ": out-conv follows a ViT decoder, got "
                    + decoder.arch().configName());
        }
        if (values.classLabels() && loss != LossKind.CROSS_ENTROPY) {
            throw new IllegalArgumentException(name + ": " + values.name() + " is trained with cross-entropy, got loss "
                    + loss.configName());
        }
        if (!values.classLabels() && loss == LossKind.CROSS_ENTROPY) {
            throw new IllegalArgumentException(name + ": cross-entropy needs class labels (a class-id map)");
        }
        this.name = name;
        this.values = values;
        this.imageSize = imageSize;
        this.channels = channels;
        this.numClasses = numClasses;
        this.ignoreId = ignoreId;
        this.patchSize = patchSize;
        this.postMlp = postMlp;
        this.encoder = encoder;
        this.decoder = decoder;
        this.quantizer = quantizer;
        this.loss = loss;
        this.outConv = outConv;
        values.check(this);
    }

    /** Tokens per image side ({@code imageSize / patchSize}). */
    public int gridSide() {
        return imageSize / patchSize;
    }

    /** Tokens per image: the grid times the codebooks for the lucid quantizer, the heads for memcodes. */
    public int tokensPerImage() {
        return quantizer.type() == QuantizerType.MEMCODES ? quantizer.heads()
                : quantizer.heads() * gridSide() * gridSide();
    }

    /** The vocabulary size: ids lie in {@code [0, codebookSize)}. */
    public int vocabSize() {
        return quantizer.codebookSize();
    }

    /**
     * Channels of the decoder output: the labels ({@code numClasses + 1}) for class-id maps, else the input channels.
     */
    public int outputChannels() {
        return values.classLabels() ? numClasses + 1 : channels;
    }

    /** Channels of a value in natural units: 1 for class-id maps (the class id), else {@link #channels()}. */
    public int valueChannels() {
        return values.classLabels() ? 1 : channels;
    }

    /** True when the encoder projects pixel patches (the reference's {@code patch_proj}). */
    public boolean patchProj() {
        return values.patches();
    }

    // ---------------------------------------------------------------------------------------------------- HOCON

    private static final Set<String> KEYS = Set.of("family", "image-size", "channels", "num-classes", "ignore-id",
            "patch-size", "post-mlp", "loss", "encoder", "decoder", "quantizer", "out-conv");
    private static final Set<String> NET_KEYS = Set.of("type", "dim", "depth", "heads", "mlp-ratio");
    private static final Set<String> QUANT_KEYS = Set.of("type", "codebook-size", "latent-dim", "heads", "ema-decay",
            "commitment-weight", "temperature");

    /**
     * Reads a tokenizer definition (a preset node such as {@code fourm.vq.presets.rgb}), every value eagerly.
     * The key {@code family} names the values ({@link ImageValueKit#byName}). Optional keys: {@code num-classes} and
     * {@code ignore-id} (class-id maps), {@code loss} (default: the values'),
     * {@code post-mlp} and {@code out-conv} (default false), {@code heads} and {@code mlp-ratio} of an MLP, and the
     * quantizer's {@code heads} (1), {@code ema-decay} (0.99), {@code commitment-weight} (1), {@code temperature} (1).
     *
     * @param name label recorded in the config
     * @param node the definition
     * @throws ConfigException naming the key for a missing, mistyped, unknown or invalid setting
     */
    public static VqConfig fromConfig(String name, Config node) {
        ConfigReader.rejectUnknown(node, "", KEYS);
        try {
            ImageValues values = ImageValueKit.byName(node.getString("family"));
            LossKind loss = node.hasPath("loss") ? LossKind.fromConfigName(node.getString("loss"))
                    : values.defaultLoss();
            Config q = node.getConfig("quantizer");
            ConfigReader.rejectUnknown(q, "quantizer.", QUANT_KEYS);
            QuantizerSpec quant = new QuantizerSpec(QuantizerType.fromConfigName(q.getString("type")),
                    q.getInt("codebook-size"), q.getInt("latent-dim"), q.hasPath("heads") ? q.getInt("heads") : 1,
                    q.hasPath("ema-decay") ? q.getDouble("ema-decay") : 0.99,
                    q.hasPath("commitment-weight") ? q.getDouble("commitment-weight") : 1.0,
                    q.hasPath("temperature") ? q.getDouble("temperature") : 1.0);
            return new VqConfig(name, values, node.getInt("image-size"), node.getInt("channels"),
                    node.hasPath("num-classes") ? node.getInt("num-classes") : 0,
                    node.hasPath("ignore-id") ? node.getInt("ignore-id") : values.defaultIgnoreId(),
                    node.getInt("patch-size"), node.hasPath("post-mlp") && node.getBoolean("post-mlp"),
                    network(node, "encoder"), network(node, "decoder"), quant, loss,
                    node.hasPath("out-conv") && node.getBoolean("out-conv"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(node.origin(), name, e.getMessage(), e);
        }
    }

    private static Network network(Config node, String key) {
        return networkFromConfig(node.getConfig(key), key + ".");
    }

    /**
     * Reads one network node ({@code type}, {@code dim}, {@code depth}, {@code heads} (ViT), {@code mlp-ratio}
     * (default 4)), as the {@code encoder} and {@code decoder} of a preset and the reference's architecture presets
     * ({@link ReferencePresets}) are written.
     *
     * @param prefix the node's path, for messages ({@code "encoder."})
     * @throws ConfigException naming the key for a missing, mistyped or unknown setting
     * @throws IllegalArgumentException for sizes that do not fit together
     */
    public static Network networkFromConfig(Config n, String prefix) {
        ConfigReader.rejectUnknown(n, prefix, NET_KEYS);
        Arch arch = Arch.fromConfigName(n.getString("type"));
        int heads = n.hasPath("heads") ? n.getInt("heads") : (arch == Arch.VIT ? -1 : 0);
        if (arch == Arch.VIT && heads < 0) {
            throw new ConfigException.Missing(n.origin(), prefix + "heads");
        }
        return new Network(arch, n.getInt("dim"), n.getInt("depth"), heads,
                n.hasPath("mlp-ratio") ? n.getInt("mlp-ratio") : 4);
    }

    // ----------------------------------------------------------------------------------------------------- JSON

    /** The config as compact JSON (stored in checkpoints under {@value VqCheckpoints#CONFIG_KEY}). */
    public String toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("name", name);
        o.addProperty("family", values.name());
        o.addProperty("image-size", imageSize);
        o.addProperty("channels", channels);
        o.addProperty("num-classes", numClasses);
        o.addProperty("ignore-id", ignoreId);
        o.addProperty("patch-size", patchSize);
        o.addProperty("post-mlp", postMlp);
        if (outConv) {
            o.addProperty("out-conv", true);
        }
        o.addProperty("loss", loss.configName());
        o.add("encoder", json(encoder));
        o.add("decoder", json(decoder));
        JsonObject q = new JsonObject();
        q.addProperty("type", quantizer.type().configName());
        q.addProperty("codebook-size", quantizer.codebookSize());
        q.addProperty("latent-dim", quantizer.latentDim());
        q.addProperty("heads", quantizer.heads());
        q.addProperty("ema-decay", quantizer.emaDecay());
        q.addProperty("commitment-weight", quantizer.commitmentWeight());
        q.addProperty("temperature", quantizer.temperature());
        o.add("quantizer", q);
        return o.toString();
    }

    private static JsonObject json(Network n) {
        JsonObject o = new JsonObject();
        o.addProperty("type", n.arch().configName());
        o.addProperty("dim", n.dim());
        o.addProperty("depth", n.depth());
        o.addProperty("heads", n.heads());
        o.addProperty("mlp-ratio", n.mlpRatio());
        return o;
    }

    /**
     * Parses {@link #toJson()}'s output.
     *
     * @param source where the JSON came from, for messages
     * @throws IllegalArgumentException naming the source and the field for malformed or invalid JSON
     */
    public static VqConfig fromJson(String json, String source) {
        try {
            JsonElement e = JsonParser.parseString(json);
            if (!e.isJsonObject()) {
                throw new IllegalArgumentException("expected a JSON object");
            }
            JsonObject o = e.getAsJsonObject();
            JsonObject q = obj(o, "quantizer");
            QuantizerSpec quant = new QuantizerSpec(QuantizerType.fromConfigName(str(q, "type")),
                    num(q, "codebook-size").intValue(), num(q, "latent-dim").intValue(), num(q, "heads").intValue(),
                    num(q, "ema-decay").doubleValue(), num(q, "commitment-weight").doubleValue(),
                    num(q, "temperature").doubleValue());
            return new VqConfig(str(o, "name"), ImageValueKit.byName(str(o, "family")),
                    num(o, "image-size").intValue(), num(o, "channels").intValue(), num(o, "num-classes").intValue(),
                    num(o, "ignore-id").intValue(), num(o, "patch-size").intValue(), bool(o, "post-mlp"),
                    network(obj(o, "encoder")), network(obj(o, "decoder")), quant,
                    LossKind.fromConfigName(str(o, "loss")), o.has("out-conv") && bool(o, "out-conv"));
        } catch (JsonParseException | IllegalStateException | UnsupportedOperationException e) {
            throw new IllegalArgumentException(source + ": the tokenizer config is not valid JSON: " + e.getMessage(),
                    e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": bad tokenizer config: " + e.getMessage(), e);
        }
    }

    private static Network network(JsonObject n) {
        return new Network(Arch.fromConfigName(str(n, "type")), num(n, "dim").intValue(), num(n, "depth").intValue(),
                num(n, "heads").intValue(), num(n, "mlp-ratio").intValue());
    }

    private static JsonElement field(JsonObject o, String k) {
        JsonElement e = o.get(k);
        if (e == null || e.isJsonNull()) {
            throw new IllegalArgumentException("missing field '" + k + "'");
        }
        return e;
    }

    private static JsonObject obj(JsonObject o, String k) {
        JsonElement e = field(o, k);
        if (!e.isJsonObject()) {
            throw new IllegalArgumentException("field '" + k + "' must be an object");
        }
        return e.getAsJsonObject();
    }

    private static String str(JsonObject o, String k) {
        JsonElement e = field(o, k);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new IllegalArgumentException("field '" + k + "' must be a string");
        }
        return e.getAsString();
    }

    private static Number num(JsonObject o, String k) {
        JsonElement e = field(o, k);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new IllegalArgumentException("field '" + k + "' must be a number");
        }
        return e.getAsNumber();
    }

    private static boolean bool(JsonObject o, String k) {
        JsonElement e = field(o, k);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw new IllegalArgumentException("field '" + k + "' must be true or false");
        }
        return e.getAsBoolean();
    }
}
