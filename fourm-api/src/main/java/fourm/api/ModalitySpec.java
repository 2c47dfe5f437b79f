package fourm.api;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import fourm.api.layout.Layouts;
import fourm.api.masking.Maskings;
import fourm.api.masking.TokenMasking;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything the framework needs to know about a modality to embed, mask, decode and generate it.
 *
 * <p>Build one with {@link #builder(String, ModalityKind)} ({@code setX} for required values, {@code optX} for
 * optional ones; {@link Builder#build()} checks the invariants of the kind) or read one from a configuration node with
 * {@link #fromConfig(Config)}.
 *
 * @param key         the modality key, as in the reference ({@code tok_rgb@224}, {@code caption})
 * @param kind        how tokens are laid out
 * @param vocabSize   vocabulary size, for discrete kinds
 * @param maxTokens   token count of a grid, or maximum token count of a sequence (masking budget cap)
 * @param maxLength   rows of the positional table the embedding uses (equals maxTokens unless set; sequences only)
 * @param imageSize   input height in pixels, for grid kinds
 * @param imageWidth  input width in pixels, for grid kinds (equal to the height unless the grid is not square;
 *                    {@code image-size = [height, width]} in configuration)
 * @param patchSize   pixels per token side, for grid kinds
 *                    ({@code maxTokens = (imageSize / patchSize) * (imageWidth / patchSize)})
 * @param valueDim    channels per pixel (pixel patches) or vector size (embedding sequences)
 * @param positional  positional scheme
 * @param encoder     whether the modality can be an input
 * @param decoder     whether the modality can be a target
 * @param generation  default generation settings; present exactly when {@code decoder} is true
 * @param masking     training-time masking policy
 * @param layout      how the tokens are laid out, embedded and positioned: the layout the settings above describe
 *                    (see {@link Layouts}) unless the plugin brings its own ({@link Builder#optLayout})
 * @param tokenMasking how training splits the modality into inputs and targets: the masking the policy and the
 *                    layout describe (see {@link Maskings#of}) unless the plugin brings its own
 *                    ({@link Builder#optTokenMasking})
 */
public record ModalitySpec(String key, ModalityKind kind, OptionalInt vocabSize, int maxTokens, int maxLength,
                           OptionalInt imageSize, OptionalInt imageWidth, OptionalInt patchSize,
                           OptionalInt valueDim, PositionalScheme positional, boolean encoder, boolean decoder,
                           Optional<DecoderStrategy> generation, MaskingPolicy masking, TokenLayout layout,
                           TokenMasking tokenMasking) {

    /** The configuration keys {@link #fromConfig(Config)} reads; any other key in the node is an error. */
    public static final Set<String> CONFIG_KEYS = Set.of("key", "kind", "vocab-size", "max-tokens", "max-length",
            "image-size", "patch-size", "value-dim", "positional", "encoder", "decoder", "generation", "masking");

    private static final Set<String> GENERATION_KEYS = Set.of("scheme", "steps", "temperature",
            "temperature-schedule", "cfg-scale", "top-p");

    /** Validates the invariants (see {@link Builder#build()}). */
    public ModalitySpec {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(vocabSize, "vocabSize");
        Objects.requireNonNull(imageSize, "imageSize");
        Objects.requireNonNull(imageWidth, "imageWidth");
        Objects.requireNonNull(patchSize, "patchSize");
        Objects.requireNonNull(valueDim, "valueDim");
        Objects.requireNonNull(positional, "positional");
        Objects.requireNonNull(generation, "generation");
        Objects.requireNonNull(masking, "masking");
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(tokenMasking, "tokenMasking");
        validate(key, kind, vocabSize, maxTokens, maxLength, imageSize, imageWidth, patchSize, valueDim, encoder,
                decoder, generation, masking);
        if (layout.discrete() != kind.isDiscrete() || layout.maxTokens() != maxTokens
                || layout.sequence() == kind.isImageLike()) {
            throw new IllegalArgumentException(key + ": layout " + layout + " does not fit a " + kind.configName()
                    + " modality of " + maxTokens + " tokens");
        }
    }

    /**
     * The layout the settings describe: a grid of {@code (imageSize / patchSize) x (imageWidth / patchSize)} ids or
     * pixel patches, global tokens with learned positions, a token sequence or an embedding sequence.
     */
    static TokenLayout layoutOf(ModalityKind kind, int maxTokens, int maxLength, OptionalInt imageSize,
                                OptionalInt imageWidth, OptionalInt patchSize, OptionalInt valueDim,
                                PositionalScheme positional) {
        boolean learned = positional == PositionalScheme.LEARNED;
        switch (kind) {
            case IMAGE_TOKENS, GLOBAL_TOKENS, PIXEL_PATCHES -> {
                int patch = patchSize.getAsInt();
                int rows = imageSize.getAsInt() / patch;
                int cols = imageWidth.orElse(imageSize.getAsInt()) / patch;
                if (kind == ModalityKind.PIXEL_PATCHES) {
                    return Layouts.pixelPatches(rows, cols, patch, valueDim.getAsInt());
                }
                return kind == ModalityKind.GLOBAL_TOKENS && learned
                        ? Layouts.globalTokens(rows, cols) : Layouts.imageTokens(rows, cols, learned);
            }
            case TOKEN_SEQUENCE -> {
                return Layouts.tokenSequence(maxTokens, maxLength, learned);
            }
            case EMBEDDING_SEQUENCE -> {
                return Layouts.embeddingSequence(maxTokens, valueDim.getAsInt());
            }
            default -> throw new IllegalStateException("unhandled kind " + kind);
        }
    }

    /** The reference's 15-bit modality id of {@link #key()} (see {@link ModalityIds}). */
    public int modalityId() {
        return ModalityIds.of(key);
    }

    /** Tokens per grid side, for square grids; empty for sequences and for grids that are not square. */
    public OptionalInt gridSide() {
        return imageSize.isPresent() && patchSize.isPresent()
                && imageWidth.orElse(imageSize.getAsInt()) == imageSize.getAsInt()
                ? OptionalInt.of(imageSize.getAsInt() / patchSize.getAsInt()) : OptionalInt.empty();
    }

    /** This specification with another vocabulary size (discrete kinds; the layout is kept). */
    public ModalitySpec withVocabSize(int v) {
        return new ModalitySpec(key, kind, OptionalInt.of(v), maxTokens, maxLength, imageSize, imageWidth, patchSize,
                valueDim, positional, encoder, decoder, generation, masking, layout, tokenMasking);
    }

    /**
     * This specification with another layout, which must agree with the settings on the token count, on ids versus
     * values and on grid versus sequence (for example the same layout with the positional table of a checkpoint).
     *
     * @throws IllegalArgumentException if the layout does not fit the settings
     */
    public ModalitySpec withLayout(TokenLayout l) {
        return new ModalitySpec(key, kind, vocabSize, maxTokens, maxLength, imageSize, imageWidth, patchSize,
                valueDim, positional, encoder, decoder, generation, masking, l, tokenMasking);
    }

    /** A builder with the two values every modality has. */
    public static Builder builder(String key, ModalityKind kind) {
        return new Builder(key, kind);
    }

    /**
     * Reads a specification from a configuration node (the provider's node, for example
     * {@code fourm.modality.rgb.tokens}). Every key is read eagerly; a missing, mistyped, unknown or inconsistent
     * value is reported as a {@link ConfigException} that names the key and the file it came from.
     */
    public static ModalitySpec fromConfig(Config node) {
        rejectUnknownKeys(node, "", CONFIG_KEYS);
        ModalityKind kind = parse(node, "kind", ModalityKind::fromConfigName);
        Builder b = builder(node.getString("key"), kind)
                .setPositional(parse(node, "positional", PositionalScheme::fromConfigName))
                .setEncoder(node.getBoolean("encoder"))
                .setDecoder(node.getBoolean("decoder"))
                .setMasking(parse(node, "masking", MaskingPolicy::fromConfigName));
        if (node.hasPath("vocab-size")) {
            b.optVocabSize(node.getInt("vocab-size"));
        }
        if (node.hasPath("image-size")) {
            if (node.getValue("image-size").valueType() == ConfigValueType.LIST) {
                List<Integer> hw = node.getIntList("image-size");
                if (hw.size() != 2) {
                    throw new ConfigException.BadValue(node.getValue("image-size").origin(), "image-size",
                            "expected one number (a square) or [height, width], got " + hw.size() + " numbers");
                }
                b.optImageSize(hw.get(0), hw.get(1));
            } else {
                b.optImageSize(node.getInt("image-size"));
            }
        }
        if (node.hasPath("patch-size")) {
            b.optPatchSize(node.getInt("patch-size"));
        }
        if (node.hasPath("max-tokens")) {
            b.setMaxTokens(node.getInt("max-tokens"));
        }
        if (node.hasPath("max-length")) {
            b.optMaxLength(node.getInt("max-length"));
        }
        if (node.hasPath("value-dim")) {
            b.optValueDim(node.getInt("value-dim"));
        }
        if (node.hasPath("generation")) {
            Config g = node.getConfig("generation");
            rejectUnknownKeys(g, "generation.", GENERATION_KEYS);
            try {
                b.optGeneration(new DecoderStrategy(parse(g, "scheme", GenerationScheme::fromConfigName),
                        g.getInt("steps"), g.getDouble("temperature"), g.getString("temperature-schedule"),
                        g.getDouble("cfg-scale"), g.getDouble("top-p")));
            } catch (IllegalArgumentException e) {
                throw new ConfigException.BadValue(g.origin(), "generation", e.getMessage());
            }
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(node.origin(), node.hasPath("key") ? node.getString("key") : "key",
                    e.getMessage());
        }
    }

    private static <T> T parse(Config node, String path, java.util.function.Function<String, T> parser) {
        String raw = node.getString(path);
        try {
            return parser.apply(raw);
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(node.getValue(path).origin(), path, e.getMessage());
        }
    }

    private static void rejectUnknownKeys(Config node, String prefix, Set<String> allowed) {
        for (Map.Entry<String, ConfigValue> e : node.root().entrySet()) {
            if (!allowed.contains(e.getKey())) {
                throw new ConfigException.BadPath(e.getValue().origin(), prefix + e.getKey(),
                        "unknown key; expected one of " + new TreeSet<>(allowed));
            }
        }
    }

    private static void validate(String key, ModalityKind kind, OptionalInt vocabSize, int maxTokens, int maxLength,
                                 OptionalInt imageSize, OptionalInt imageWidth, OptionalInt patchSize,
                                 OptionalInt valueDim, boolean encoder, boolean decoder,
                                 Optional<DecoderStrategy> generation, MaskingPolicy masking) {
        if (!key.matches("[A-Za-z0-9_]+(@[0-9]+)?")) {
            throw new IllegalArgumentException("key '" + key + "' must be letters, digits and '_', optionally followed"
                    + " by '@<resolution>'");
        }
        String where = key + " (" + kind.configName() + "): ";
        if (kind.isDiscrete() != vocabSize.isPresent()) {
            throw new IllegalArgumentException(where + (kind.isDiscrete() ? "vocab-size is required"
                    : "vocab-size does not apply: values enter the model directly"));
        }
        if (vocabSize.isPresent() && vocabSize.getAsInt() < 2) {
            throw new IllegalArgumentException(where + "vocab-size must be >= 2, got " + vocabSize.getAsInt());
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException(where + "max-tokens must be >= 1, got " + maxTokens);
        }
        if (kind.isImageLike()) {
            if (imageSize.isEmpty() || patchSize.isEmpty()) {
                throw new IllegalArgumentException(where + "image-size and patch-size are required for a grid");
            }
            int img = imageSize.getAsInt();
            int imgW = imageWidth.orElse(img);
            int patch = patchSize.getAsInt();
            if (img < 1 || imgW < 1 || patch < 1 || img % patch != 0 || imgW % patch != 0) {
                throw new IllegalArgumentException(where + "image-size " + (imgW == img ? img : img + "x" + imgW)
                        + " must be a positive multiple of patch-size " + patch);
            }
            int cells = (img / patch) * (imgW / patch);
            if (maxTokens != cells) {
                throw new IllegalArgumentException(where + "max-tokens must be (image-size / patch-size)^2 = "
                        + cells + ", got " + maxTokens);
            }
            if (maxLength != maxTokens) {
                throw new IllegalArgumentException(where + "max-length does not apply to a grid");
            }
            if (masking != MaskingPolicy.RANDOM_TOKENS) {
                throw new IllegalArgumentException(where + "a grid is masked with random-tokens, got "
                        + masking.configName());
            }
        } else {
            if (imageSize.isPresent() || imageWidth.isPresent() || patchSize.isPresent()) {
                throw new IllegalArgumentException(where + "image-size and patch-size apply to grids only");
            }
            if (maxLength < 1) {
                throw new IllegalArgumentException(where + "max-length must be >= 1, got " + maxLength);
            }
            if (masking == MaskingPolicy.RANDOM_TOKENS) {
                throw new IllegalArgumentException(where + "a sequence is masked with span or chunk-span");
            }
        }
        boolean needsValueDim = kind == ModalityKind.PIXEL_PATCHES || kind == ModalityKind.EMBEDDING_SEQUENCE;
        if (needsValueDim != valueDim.isPresent()) {
            throw new IllegalArgumentException(where + (needsValueDim ? "value-dim is required"
                    : "value-dim applies to pixel-patches and embedding-sequence only"));
        }
        if (valueDim.isPresent() && valueDim.getAsInt() < 1) {
            throw new IllegalArgumentException(where + "value-dim must be >= 1, got " + valueDim.getAsInt());
        }
        if (!encoder && !decoder) {
            throw new IllegalArgumentException(where + "a modality must be usable as input, target or both");
        }
        if (decoder && !kind.isDiscrete()) {
            throw new IllegalArgumentException(where + "only discrete modalities can be targets (decoder = false)");
        }
        if (decoder != generation.isPresent()) {
            throw new IllegalArgumentException(where + (decoder ? "a target modality needs generation settings"
                    : "generation settings apply only when decoder = true"));
        }
        if (generation.isPresent()) {
            GenerationScheme scheme = generation.get().scheme();
            if (kind == ModalityKind.TOKEN_SEQUENCE && scheme != GenerationScheme.AUTOREGRESSIVE) {
                throw new IllegalArgumentException(where + "a token sequence is generated autoregressively, got "
                        + scheme.configName());
            }
            if (kind.isImageLike() && scheme == GenerationScheme.AUTOREGRESSIVE) {
                throw new IllegalArgumentException(where + "a grid is generated with maskgit or roar");
            }
        }
    }

    /** Builds a {@link ModalitySpec}; {@link #build()} checks the invariants and says what is wrong. */
    public static final class Builder {
        private final String key;
        private final ModalityKind kind;
        private OptionalInt vocabSize = OptionalInt.empty();
        private Integer maxTokens;
        private OptionalInt maxLength = OptionalInt.empty();
        private OptionalInt imageSize = OptionalInt.empty();
        private OptionalInt imageWidth = OptionalInt.empty();
        private TokenLayout layout;
        private TokenMasking tokenMasking;
        private OptionalInt patchSize = OptionalInt.empty();
        private OptionalInt valueDim = OptionalInt.empty();
        private PositionalScheme positional;
        private Boolean encoder;
        private Boolean decoder;
        private Optional<DecoderStrategy> generation = Optional.empty();
        private MaskingPolicy masking;

        private Builder(String key, ModalityKind kind) {
            this.key = Objects.requireNonNull(key, "key");
            this.kind = Objects.requireNonNull(kind, "kind");
        }

        /** Vocabulary size (discrete kinds). */
        public Builder optVocabSize(int v) {
            vocabSize = OptionalInt.of(v);
            return this;
        }

        /** Token count (grids; derived from image and patch size when not set) or maximum length (sequences). */
        public Builder setMaxTokens(int v) {
            maxTokens = v;
            return this;
        }

        /** Positional-table rows of a sequence embedding, when they differ from max-tokens. */
        public Builder optMaxLength(int v) {
            maxLength = OptionalInt.of(v);
            return this;
        }

        /** Input side in pixels (square grids). */
        public Builder optImageSize(int v) {
            imageSize = OptionalInt.of(v);
            imageWidth = OptionalInt.of(v);
            return this;
        }

        /** Input height and width in pixels (grids that need not be square). */
        public Builder optImageSize(int height, int width) {
            imageSize = OptionalInt.of(height);
            imageWidth = OptionalInt.of(width);
            return this;
        }

        /**
         * A layout of the plugin's own, instead of the one the settings describe; it must agree with them on the
         * token count and on ids versus values.
         */
        public Builder optLayout(TokenLayout v) {
            layout = Objects.requireNonNull(v, "layout");
            return this;
        }

        /**
         * A masking of the plugin's own, instead of the one the masking policy and the layout describe; it must write
         * samples of the layout's length (see {@link TokenMasking}).
         */
        public Builder optTokenMasking(TokenMasking v) {
            tokenMasking = Objects.requireNonNull(v, "tokenMasking");
            return this;
        }

        /** Pixels per token side (grids). */
        public Builder optPatchSize(int v) {
            patchSize = OptionalInt.of(v);
            return this;
        }

        /** Channels per pixel (pixel patches) or vector size (embedding sequences). */
        public Builder optValueDim(int v) {
            valueDim = OptionalInt.of(v);
            return this;
        }

        /** Positional scheme. */
        public Builder setPositional(PositionalScheme v) {
            positional = v;
            return this;
        }

        /** Whether the modality can be an input. */
        public Builder setEncoder(boolean v) {
            encoder = v;
            return this;
        }

        /** Whether the modality can be a target. */
        public Builder setDecoder(boolean v) {
            decoder = v;
            return this;
        }

        /** Default generation settings (targets only). */
        public Builder optGeneration(DecoderStrategy v) {
            generation = Optional.of(v);
            return this;
        }

        /** Training-time masking policy. */
        public Builder setMasking(MaskingPolicy v) {
            masking = v;
            return this;
        }

        /** Checks every invariant of the kind and returns the specification. */
        public ModalitySpec build() {
            require(positional, "positional");
            require(encoder, "encoder");
            require(decoder, "decoder");
            require(masking, "masking");
            int tokens;
            if (maxTokens != null) {
                tokens = maxTokens;
            } else if (kind.isImageLike() && imageSize.isPresent() && patchSize.isPresent()
                    && patchSize.getAsInt() > 0) {
                tokens = (imageSize.getAsInt() / patchSize.getAsInt())
                        * (imageWidth.orElse(imageSize.getAsInt()) / patchSize.getAsInt());
            } else {
                throw new IllegalArgumentException(key + ": max-tokens is required");
            }
            int length = maxLength.orElse(tokens);
            validate(key, kind, vocabSize, tokens, length, imageSize, imageWidth, patchSize, valueDim, encoder,
                    decoder, generation, masking);
            TokenLayout l = layout != null ? layout
                    : layoutOf(kind, tokens, length, imageSize, imageWidth, patchSize, valueDim, positional);
            TokenMasking m = tokenMasking != null ? tokenMasking : Maskings.of(masking, l);
            return new ModalitySpec(key, kind, vocabSize, tokens, length, imageSize, imageWidth, patchSize,
                    valueDim, positional, encoder, decoder, generation, masking, l, m);
        }

        private void require(Object value, String name) {
            if (value == null) {
                throw new IllegalArgumentException(key + ": " + name + " is required");
            }
        }
    }
}
