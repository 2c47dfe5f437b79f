package fourm.core.model;

import fourm.api.ModalitySpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The architecture of a 4M model (spec section 2): width, depths, heads, MLP, biases, norms, decoder masks and the
 * modalities on each side.
 *
 * <p>Build one with {@link #builder()} (reference defaults: MLP ratio 4, all biases, GELU, no QK norm, separate
 * decoder attention per modality, no causal decoder mask, no register tokens, shared modality embeddings), from a size
 * preset ({@link Builder#preset(String)}: {@code fm_base_12e_12d_swiglu_nobias} and friends) or from a checkpoint's
 * reference config ({@link ReferenceConfig}).
 *
 * @param dim                      D, model width
 * @param encoderDepth             encoder blocks
 * @param decoderDepth             decoder blocks
 * @param numHeads                 H, attention heads (D must be divisible by H)
 * @param mlpRatio                 MLP hidden width over D (before the SwiGLU 2/3 factor)
 * @param qkvBias                  bias on qkv, q and kv projections
 * @param projBias                 bias on attention output projections
 * @param mlpBias                  bias on MLP layers
 * @param normBias                 LayerNorm bias as a parameter (otherwise a zero buffer, still in checkpoints)
 * @param mlp                      GELU or gated SiLU
 * @param qkNorm                   per-head LayerNorm of queries and keys
 * @param decoderSepMask           decoder tokens attend only to tokens of the same modality
 * @param decoderCausalMask        strictly causal decoder self-attention
 * @param numRegisterTokens        register tokens (only 0 is supported)
 * @param shareModalityEmbeddings  one {@code mod_emb} per modality, shared by encoder and decoder
 * @param imageSize                the reference's {@code image_size} (kept for its config)
 * @param patchSize                the reference's {@code patch_size} (kept for its config)
 * @param domainsIn                modalities with an encoder embedding, in order
 * @param domainsOut               modalities with a decoder embedding and head, in order
 * @param modalities               every modality of either side, by key
 */
public record FourMConfig(int dim, int encoderDepth, int decoderDepth, int numHeads, double mlpRatio,
                          boolean qkvBias, boolean projBias, boolean mlpBias, boolean normBias, MlpKind mlp,
                          boolean qkNorm, boolean decoderSepMask, boolean decoderCausalMask, int numRegisterTokens,
                          boolean shareModalityEmbeddings, int imageSize, int patchSize, List<String> domainsIn,
                          List<String> domainsOut, Map<String, ModalitySpec> modalities) {

    /** LayerNorm epsilon used everywhere. */
    public static final float LAYER_NORM_EPS = 1e-6f;

    /** Validates and freezes the configuration. */
    public FourMConfig {
        Objects.requireNonNull(mlp, "mlp");
        domainsIn = List.copyOf(domainsIn);
        domainsOut = List.copyOf(domainsOut);
        modalities = Collections.unmodifiableMap(new LinkedHashMap<>(modalities));
        if (dim < 1 || numHeads < 1 || dim % numHeads != 0) {
            throw new IllegalArgumentException("dim " + dim + " must be a positive multiple of num_heads " + numHeads);
        }
        if (encoderDepth < 1 || decoderDepth < 1) {
            throw new IllegalArgumentException("encoder and decoder depth must be >= 1, got " + encoderDepth + " and "
                    + decoderDepth);
        }
        if (!(mlpRatio > 0)) {
            throw new IllegalArgumentException("mlp_ratio must be > 0, got " + mlpRatio);
        }
        if (mlp.hiddenWidth(dim, mlpRatio) < 1) {
            throw new IllegalArgumentException("the MLP hidden width of dim " + dim + " and ratio " + mlpRatio
                    + " is 0");
        }
        if (numRegisterTokens != 0) {
            throw new IllegalArgumentException("num_register_tokens = " + numRegisterTokens
                    + " is not supported (fourm implements register-free models, as every released 4M model is)");
        }
        if (domainsIn.isEmpty() || domainsOut.isEmpty()) {
            throw new IllegalArgumentException("a model needs at least one input and one output domain");
        }
        if (new LinkedHashSet<>(domainsIn).size() != domainsIn.size()
                || new LinkedHashSet<>(domainsOut).size() != domainsOut.size()) {
            throw new IllegalArgumentException("a domain is listed twice: in " + domainsIn + ", out " + domainsOut);
        }
        for (String k : domainsIn) {
            ModalitySpec m = modalities.get(k);
            if (m == null) {
                throw new IllegalArgumentException("input domain '" + k + "' has no modality settings");
            }
            checkPositional(m, dim);
        }
        for (String k : domainsOut) {
            ModalitySpec m = modalities.get(k);
            if (m == null) {
                throw new IllegalArgumentException("output domain '" + k + "' has no modality settings");
            }
            if (!m.layout().discrete()) {
                throw new IllegalArgumentException("output domain '" + k + "' carries values (" + m.layout().name()
                        + "); only discrete modalities can be decoded");
            }
            checkPositional(m, dim);
        }
        for (Map.Entry<String, ModalitySpec> e : modalities.entrySet()) {
            if (!e.getKey().equals(e.getValue().key())) {
                throw new IllegalArgumentException("modality map key '" + e.getKey() + "' holds modality '"
                        + e.getValue().key() + "'");
            }
        }
    }

    private static void checkPositional(ModalitySpec m, int dim) {
        try {
            m.layout().checkModelWidth(dim);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("modality " + m.key() + ": " + e.getMessage(), e);
        }
    }

    /** V, the vocabulary size of the discrete modality {@code key}. */
    public int vocabSize(String key) {
        ModalitySpec m = modality(key);
        if (m.vocabSize().isEmpty()) {
            throw new IllegalArgumentException("modality " + key + " carries values, not token ids");
        }
        return m.vocabSize().getAsInt();
    }

    /** Dh = D / H. */
    public int headDim() {
        return dim / numHeads;
    }

    /** F, the MLP hidden width. */
    public int mlpHidden() {
        return mlp.hiddenWidth(dim, mlpRatio);
    }

    /** The modality {@code key}. */
    public ModalitySpec modality(String key) {
        ModalitySpec m = modalities.get(key);
        if (m == null) {
            throw new IllegalArgumentException("the model has no modality '" + key + "'; it has " + modalities.keySet());
        }
        return m;
    }

    /** True when {@code key} has an encoder embedding. */
    public boolean isInput(String key) {
        return domainsIn.contains(key);
    }

    /** True when {@code key} has a decoder embedding and head. */
    public boolean isOutput(String key) {
        return domainsOut.contains(key);
    }

    /** A builder with the reference defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder initialised from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.dim = dim;
        b.encoderDepth = encoderDepth;
        b.decoderDepth = decoderDepth;
        b.numHeads = numHeads;
        b.mlpRatio = mlpRatio;
        b.qkvBias = qkvBias;
        b.projBias = projBias;
        b.mlpBias = mlpBias;
        b.normBias = normBias;
        b.mlp = mlp;
        b.qkNorm = qkNorm;
        b.decoderSepMask = decoderSepMask;
        b.decoderCausalMask = decoderCausalMask;
        b.numRegisterTokens = numRegisterTokens;
        b.shareModalityEmbeddings = shareModalityEmbeddings;
        b.imageSize = imageSize;
        b.patchSize = patchSize;
        b.domainsIn = new ArrayList<>(domainsIn);
        b.domainsOut = new ArrayList<>(domainsOut);
        b.modalities = new LinkedHashMap<>(modalities);
        return b;
    }

    /** The reference's size presets (spec section 2.1). */
    public enum Size {
        /** 384 wide, 6+6 blocks, 6 heads. */
        TINY("tiny", 384, 6, 6, 6),
        /** 512 wide, 8+8 blocks, 8 heads. */
        SMALL("small", 512, 8, 8, 8),
        /** 768 wide, 12+12 blocks, 12 heads. */
        BASE("base", 768, 12, 12, 12),
        /** 1024 wide, 24+24 blocks, 16 heads. */
        LARGE("large", 1024, 24, 24, 16),
        /** 2048 wide, 24+24 blocks, 32 heads. */
        XLARGE("xlarge", 2048, 24, 24, 32);

        private final String configName;
        private final int dim;
        private final int encoderDepth;
        private final int decoderDepth;
        private final int heads;

        Size(String configName, int dim, int encoderDepth, int decoderDepth, int heads) {
            this.configName = configName;
            this.dim = dim;
            this.encoderDepth = encoderDepth;
            this.decoderDepth = decoderDepth;
            this.heads = heads;
        }

        /** The reference registry name of this size in a family, e.g. {@code fm_base_12e_12d_swiglu_nobias}. */
        public String registryName(Family family) {
            return "fm_" + configName + "_" + encoderDepth + "e_" + decoderDepth + "d_" + family.suffix;
        }
    }

    /** The reference's block families. */
    public enum Family {
        /** All biases, exact GELU. */
        GELU("gelu"),
        /** No qkv/proj/MLP/norm biases, gated SiLU (every released 4M model). */
        SWIGLU_NOBIAS("swiglu_nobias"),
        /** As {@link #SWIGLU_NOBIAS} plus per-head QK LayerNorm. */
        SWIGLU_QKNORM_NOBIAS("swiglu_qknorm_nobias");

        private final String suffix;

        Family(String suffix) {
            this.suffix = suffix;
        }
    }

    /** Builds a {@link FourMConfig}; {@link #build()} validates. */
    public static final class Builder {
        private int dim = -1;
        private int encoderDepth = -1;
        private int decoderDepth = -1;
        private int numHeads = -1;
        private double mlpRatio = 4.0;
        private boolean qkvBias = true;
        private boolean projBias = true;
        private boolean mlpBias = true;
        private boolean normBias = true;
        private MlpKind mlp = MlpKind.GELU;
        private boolean qkNorm;
        private boolean decoderSepMask = true;
        private boolean decoderCausalMask;
        private int numRegisterTokens;
        private boolean shareModalityEmbeddings = true;
        private int imageSize = 224;
        private int patchSize = 16;
        private List<String> domainsIn = new ArrayList<>();
        private List<String> domainsOut = new ArrayList<>();
        private Map<String, ModalitySpec> modalities = new LinkedHashMap<>();

        private Builder() {
        }

        /** Width, depths and heads of a size preset. */
        public Builder size(Size s) {
            dim = s.dim;
            encoderDepth = s.encoderDepth;
            decoderDepth = s.decoderDepth;
            numHeads = s.heads;
            return this;
        }

        /** Biases, MLP and QK norm of a family. */
        public Builder family(Family f) {
            boolean bias = f == Family.GELU;
            qkvBias = bias;
            projBias = bias;
            mlpBias = bias;
            normBias = bias;
            mlp = bias ? MlpKind.GELU : MlpKind.SWIGLU;
            qkNorm = f == Family.SWIGLU_QKNORM_NOBIAS;
            return this;
        }

        /**
         * A reference registry name, {@code fm_<size>_<E>e_<D>d_<family>} (for example
         * {@code fm_large_24e_24d_swiglu_nobias}).
         *
         * @throws IllegalArgumentException naming the accepted sizes and families
         */
        public Builder preset(String registryName) {
            for (Size s : Size.values()) {
                for (Family f : Family.values()) {
                    if (isRegistered(s, f) && s.registryName(f).equals(registryName)) {
                        return size(s).family(f);
                    }
                }
            }
            throw new IllegalArgumentException("unknown preset '" + registryName + "'; known: " + presetNames());
        }

        /** Every registered preset name (qk-norm exists for base, large and xlarge only, as in the reference). */
        public static List<String> presetNames() {
            List<String> known = new ArrayList<>();
            for (Size s : Size.values()) {
                for (Family f : Family.values()) {
                    if (isRegistered(s, f)) {
                        known.add(s.registryName(f));
                    }
                }
            }
            return known;
        }

        private static boolean isRegistered(Size s, Family f) {
            return f != Family.SWIGLU_QKNORM_NOBIAS || (s != Size.TINY && s != Size.SMALL);
        }

        /** D. */
        public Builder dim(int v) {
            dim = v;
            return this;
        }

        /** Encoder blocks. */
        public Builder encoderDepth(int v) {
            encoderDepth = v;
            return this;
        }

        /** Decoder blocks. */
        public Builder decoderDepth(int v) {
            decoderDepth = v;
            return this;
        }

        /** H. */
        public Builder numHeads(int v) {
            numHeads = v;
            return this;
        }

        /** MLP ratio. */
        public Builder mlpRatio(double v) {
            mlpRatio = v;
            return this;
        }

        /** qkv/q/kv bias. */
        public Builder qkvBias(boolean v) {
            qkvBias = v;
            return this;
        }

        /** Attention output projection bias. */
        public Builder projBias(boolean v) {
            projBias = v;
            return this;
        }

        /** MLP bias. */
        public Builder mlpBias(boolean v) {
            mlpBias = v;
            return this;
        }

        /** LayerNorm bias as a parameter. */
        public Builder normBias(boolean v) {
            normBias = v;
            return this;
        }

        /** MLP kind. */
        public Builder mlp(MlpKind v) {
            mlp = Objects.requireNonNull(v, "mlp");
            return this;
        }

        /** Per-head QK LayerNorm. */
        public Builder qkNorm(boolean v) {
            qkNorm = v;
            return this;
        }

        /** Decoder modality separation mask. */
        public Builder decoderSepMask(boolean v) {
            decoderSepMask = v;
            return this;
        }

        /** Causal decoder mask. */
        public Builder decoderCausalMask(boolean v) {
            decoderCausalMask = v;
            return this;
        }

        /** Register tokens (only 0 is supported). */
        public Builder numRegisterTokens(int v) {
            numRegisterTokens = v;
            return this;
        }

        /** Shared encoder/decoder modality embeddings. */
        public Builder shareModalityEmbeddings(boolean v) {
            shareModalityEmbeddings = v;
            return this;
        }

        /** The reference's image_size. */
        public Builder imageSize(int v) {
            imageSize = v;
            return this;
        }

        /** The reference's patch_size. */
        public Builder patchSize(int v) {
            patchSize = v;
            return this;
        }

        /** Adds a modality as an input (encoder side), an output (decoder side), or both. */
        public Builder modality(ModalitySpec m, boolean input, boolean output) {
            if (!input && !output) {
                throw new IllegalArgumentException(m.key() + ": a model modality must be an input, an output or both");
            }
            modalities.put(m.key(), m);
            if (input && !domainsIn.contains(m.key())) {
                domainsIn.add(m.key());
            }
            if (output && !domainsOut.contains(m.key())) {
                domainsOut.add(m.key());
            }
            return this;
        }

        /** Replaces the input domains (their modalities must be added too). */
        public Builder domainsIn(List<String> keys) {
            domainsIn = new ArrayList<>(keys);
            return this;
        }

        /** Replaces the output domains (their modalities must be added too). */
        public Builder domainsOut(List<String> keys) {
            domainsOut = new ArrayList<>(keys);
            return this;
        }

        /** Sets or replaces modality settings without changing the domains. */
        public Builder putModality(ModalitySpec m) {
            modalities.put(m.key(), m);
            return this;
        }

        /** Validates and builds. */
        public FourMConfig build() {
            if (dim < 0 || encoderDepth < 0 || decoderDepth < 0 || numHeads < 0) {
                throw new IllegalArgumentException("dim, encoder/decoder depth and num_heads are required (or a size"
                        + " preset)");
            }
            Map<String, ModalitySpec> used = new LinkedHashMap<>();
            for (String k : domainsIn) {
                if (modalities.containsKey(k)) {
                    used.put(k, modalities.get(k));
                }
            }
            for (String k : domainsOut) {
                if (modalities.containsKey(k)) {
                    used.put(k, modalities.get(k));
                }
            }
            return new FourMConfig(dim, encoderDepth, decoderDepth, numHeads, mlpRatio, qkvBias, projBias, mlpBias,
                    normBias, mlp, qkNorm, decoderSepMask, decoderCausalMask, numRegisterTokens,
                    shareModalityEmbeddings, imageSize, patchSize, domainsIn, domainsOut, used);
        }
    }

    /** A short description, e.g. {@code dim 64, 2+2 blocks, 2 heads, swiglu, no biases}. */
    public String describe() {
        return "dim " + dim + ", " + encoderDepth + "+" + decoderDepth + " blocks, " + numHeads + " heads, "
                + mlp.name().toLowerCase(Locale.ROOT) + (qkNorm ? ", qk-norm" : "")
                + (qkvBias ? ", biases" : ", no biases") + ", in " + domainsIn + ", out " + domainsOut;
    }
}
