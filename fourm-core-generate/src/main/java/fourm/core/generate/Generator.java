package fourm.core.generate;

import fourm.api.Modality;
import fourm.api.ModalitySpec;
import fourm.api.TokenLayout;
import fourm.api.ModalityTokenizer;
import fourm.core.batch.MaskedBatch;
import fourm.core.batch.ModalityTensors;
import fourm.api.masking.SpecialTokens;
import fourm.core.model.FourMConfig;
import fourm.core.model.FourMModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Generation in a few lines: inputs by modality key, a {@link GenerationPlan}, results by modality key.
 *
 * <pre>{@code
 * try (FourMModel model = Checkpoints.load(Path.of("4m-21.safetensors"))) {
 *     Generator generator = Generator.builder(model)
 *             .modalities(Fourm.start().modalities())        // tokenizers for raw values (optional)
 *             .build();
 *     GenerationPlan plan = GenerationPlan.builder()
 *             .condition("tok_rgb@224")
 *             .target("tok_depth@224", Step.roar(8).temperature(1.0).cfgScale(2.0))
 *             .target("caption", Step.autoregressive().temperature(0.3))
 *             .topP(0.8)
 *             .build();
 *     GenerationResult result = generator.generate(Map.of("tok_rgb@224", rgbTokenIds), plan, 42);
 *     int[] depth = result.tokens("tok_depth@224");
 *     Object caption = result.decoded("caption").orElseThrow();   // the caption's text, through its tokenizer
 * }
 * }</pre>
 *
 * <p>An input value is one of: token ids ({@code int[]} or {@code long[]}; a grid needs all of its tokens, a
 * sequence is an input up to its first {@code [EOS]}, which is appended when absent); pixel or embedding values
 * ({@code float[]}, row-major C x H x W or L x E); or a raw value its modality's tokenizer accepts (for example a
 * {@code String} for {@code caption}). Every target of the plan that is not an input starts empty
 * ({@link GenerationInputs#emptyTarget}); a sequence target gets {@link Step#tokens()} positions, by default the
 * modality's maximum token count. Modalities enter the encoder in the model's domain order.
 */
public final class Generator {
    private final FourMConfig config;
    private final Map<String, Modality> modalities;
    private final SpecialTokens specials;
    private final GenerationSampler sampler;

    private Generator(Builder b) {
        this.config = b.model.config();
        this.modalities = Map.copyOf(b.modalities);
        this.specials = b.specials;
        this.sampler = GenerationSampler.builder(b.model).specialTokens(b.specials).kvCache(b.kvCache)
                .listener(b.listener).build();
    }

    /** A builder for {@code model}. */
    public static Builder builder(FourMModel model) {
        return new Builder(model);
    }

    /** The sampler this generator runs plans with. */
    public GenerationSampler sampler() {
        return sampler;
    }

    /**
     * Generates for one sample.
     *
     * @throws IllegalArgumentException if an input or the plan does not fit the model (the message names the
     *                                  modality and what was expected)
     */
    public GenerationResult generate(Map<String, ?> inputs, GenerationPlan plan, long seed) {
        return generate(List.of(inputs), plan, seed);
    }

    /**
     * Generates for a batch of samples, which must give the same modalities.
     *
     * @throws IllegalArgumentException if an input or the plan does not fit the model
     */
    public GenerationResult generate(List<? extends Map<String, ?>> samples, GenerationPlan plan, long seed) {
        MaskedBatch start = prepare(samples, plan);
        return new GenerationResult(sampler.generate(start, plan, seed), modalities, config);
    }

    /**
     * The masked batch generation starts from: the inputs in full, every target not given as an input empty.
     *
     * @throws IllegalArgumentException if the samples disagree on their modalities, a value does not suit its
     *                                  modality, or a target is also given as an input
     */
    public MaskedBatch prepare(List<? extends Map<String, ?>> samples, GenerationPlan plan) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no sample to generate for");
        }
        Set<String> keys = new LinkedHashSet<>(samples.get(0).keySet());
        for (int i = 1; i < samples.size(); i++) {
            if (!samples.get(i).keySet().equals(keys)) {
                throw new IllegalArgumentException("sample " + i + " gives modalities " + samples.get(i).keySet()
                        + ", sample 0 gives " + keys + "; a batch needs the same modalities in every sample");
            }
        }
        for (String t : plan.targets().keySet()) {
            if (keys.contains(t)) {
                throw new IllegalArgumentException("'" + t + "' is both an input and a target of the plan");
            }
        }
        int bsz = samples.size();
        Map<String, ModalityTensors> byKey = new LinkedHashMap<>();
        for (String k : keys) {
            if (!config.modalities().containsKey(k) || !config.isInput(k)) {
                throw new IllegalArgumentException("input '" + k + "' is not an input modality of the model "
                        + config.domainsIn());
            }
            List<Object> values = new ArrayList<>();
            for (Map<String, ?> s : samples) {
                values.add(Objects.requireNonNull(s.get(k), () -> "input '" + k + "' is null"));
            }
            byKey.put(k, input(config.modality(k), values));
        }
        for (Map.Entry<String, Step> e : plan.targets().entrySet()) {
            String t = e.getKey();
            if (!config.isOutput(t)) {
                throw new IllegalArgumentException("target '" + t + "' is not an output modality of the model "
                        + config.domainsOut());
            }
            ModalitySpec mm = config.modality(t);
            byKey.put(t, GenerationInputs.emptyTarget(mm, bsz, e.getValue().tokens().orElse(mm.layout().maxTokens()),
                    specials));
        }
        Map<String, ModalityTensors> ordered = new LinkedHashMap<>();
        List<String> order = new ArrayList<>(config.domainsIn());
        order.addAll(config.domainsOut());
        for (String k : order) {
            if (byKey.containsKey(k)) {
                ordered.put(k, byKey.get(k));
            }
        }
        return new MaskedBatch(ordered);
    }

    private ModalityTensors input(ModalitySpec mm, List<Object> values) {
        String key = mm.key();
        int bsz = values.size();
        List<int[]> ids = new ArrayList<>();
        List<float[]> floats = new ArrayList<>();
        for (Object v : values) {
            if (v instanceof int[] a) {
                ids.add(a);
            } else if (v instanceof long[] a) {
                int[] c = new int[a.length];
                for (int i = 0; i < a.length; i++) {
                    if (a[i] < Integer.MIN_VALUE || a[i] > Integer.MAX_VALUE) {
                        throw new IllegalArgumentException(key + ": token id " + a[i] + " is out of range");
                    }
                    c[i] = (int) a[i];
                }
                ids.add(c);
            } else if (v instanceof float[] f) {
                floats.add(f);
            } else {
                ids.add(encode(key, v));
            }
        }
        if (!floats.isEmpty()) {
            if (floats.size() != bsz) {
                throw new IllegalArgumentException(key + ": mixes values and token ids across samples");
            }
            return values(mm, floats);
        }
        TokenLayout layout = mm.layout();
        if (!layout.discrete()) {
            throw new IllegalArgumentException(key + " is " + layout.name() + ": give float[] values");
        }
        if (layout.sequence()) {
            return GenerationInputs.fullSequence(mm, ids, specials);
        }
        long[] all = new long[bsz * layout.length()];
        for (int b = 0; b < bsz; b++) {
            int[] row = ids.get(b);
            if (row.length != layout.length()) {
                throw new IllegalArgumentException(key + ", sample " + b + ": " + row.length + " token ids, the grid"
                        + " has " + layout.length());
            }
            for (int p = 0; p < row.length; p++) {
                all[b * row.length + p] = row[p];
            }
        }
        return GenerationInputs.fullGrid(mm, bsz, all);
    }

    private static ModalityTensors values(ModalitySpec mm, List<float[]> rows) {
        int bsz = rows.size();
        int per = rows.get(0).length;
        TokenLayout layout = mm.layout();
        if (layout.discrete()) {
            throw new IllegalArgumentException(mm.key() + " takes token ids, not float values");
        }
        int[] one = layout.valueShape();
        int[] shape = new int[one.length + 1];
        shape[0] = bsz;
        System.arraycopy(one, 0, shape, 1, one.length);
        if (layout.sequence()) {
            int row = 1;
            for (int i = 1; i < one.length; i++) {
                row *= one[i];
            }
            if (per % row != 0 || per == 0) {
                throw new IllegalArgumentException(mm.key() + ": " + per + " values are not a whole number of "
                        + row + "-wide vectors");
            }
            shape[1] = per / row;
        }
        int expected = 1;
        for (int i = 1; i < shape.length; i++) {
            expected *= shape[i];
        }
        float[] all = new float[bsz * expected];
        for (int b = 0; b < bsz; b++) {
            if (rows.get(b).length != expected) {
                throw new IllegalArgumentException(mm.key() + ", sample " + b + ": " + rows.get(b).length
                        + " values, expected " + expected);
            }
            System.arraycopy(rows.get(b), 0, all, b * expected, expected);
        }
        return GenerationInputs.fullValues(mm, all, shape);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private int[] encode(String key, Object value) {
        Modality m = modalities.get(key);
        if (m == null || m.tokenizer().isEmpty()) {
            throw new IllegalArgumentException(key + ": a " + value.getClass().getSimpleName() + " needs the "
                    + "modality's tokenizer, and the generator has none for '" + key + "' (give token ids, or pass the "
                    + "modalities to Generator.builder(...).modalities(...))");
        }
        ModalityTokenizer t = m.tokenizer().get();
        if (!t.valueType().isInstance(value)) {
            throw new IllegalArgumentException(key + ": the tokenizer takes " + t.valueType().getSimpleName()
                    + ", got " + value.getClass().getSimpleName());
        }
        return t.encode(value);
    }

    /** Builds a {@link Generator}. */
    public static final class Builder {
        private final FourMModel model;
        private Map<String, Modality> modalities = Map.of();
        private SpecialTokens specials = SpecialTokens.REFERENCE;
        private boolean kvCache = true;
        private GenerationListener listener = GenerationListener.NONE;

        private Builder(FourMModel model) {
            this.model = Objects.requireNonNull(model, "model");
        }

        /** Modalities whose tokenizers encode raw input values and decode results (e.g. {@code Fourm.modalities()}). */
        public Builder modalities(Map<String, Modality> m) {
            this.modalities = Map.copyOf(m);
            return this;
        }

        /** The text vocabulary's special ids (default: the reference's). */
        public Builder specialTokens(SpecialTokens s) {
            this.specials = Objects.requireNonNull(s, "specialTokens");
            return this;
        }

        /** Whether autoregressive decoding uses the key-value cache (default true). */
        public Builder kvCache(boolean on) {
            this.kvCache = on;
            return this;
        }

        /** Called after every scheduled step. */
        public Builder listener(GenerationListener l) {
            this.listener = Objects.requireNonNull(l, "listener");
            return this;
        }

        /** The generator. */
        public Generator build() {
            return new Generator(this);
        }
    }
}
