package fourm.core.generate.sampler;

import fourm.api.DecoderStrategy;
import fourm.api.Modality;
import fourm.api.ModalitySpec;
import fourm.api.ModalityTokenizer;
import fourm.api.masking.SpecialTokens;
import fourm.core.generate.GenerationListener;
import fourm.core.generate.GenerationPlan;
import fourm.core.generate.GenerationResult;
import fourm.core.generate.Generator;
import fourm.core.generate.Step;
import fourm.core.model.FourMConfig;
import fourm.core.model.FourMModel;
import fourm.core.model.ModalityCatalog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Any-to-any generation on raw values: a 4M model and the modalities whose tokenizers turn a user's values (a photo's
 * raster, a caption string, a depth map, boxes...) into token ids and back.
 *
 * <pre>{@code
 * try (AnyToAny sampler = AnyToAny.builder()
 *         .optModelPath(Path.of("fourm-4m-21"))                       // model.safetensors (+ config.json)
 *         .optModalities(Fourm.start().modalities())                  // the plugins, tokenizers configured
 *         .optTargets("caption", "tok_clip@224", "tok_rgb@224")       // chained: each conditions the next
 *         .optStep("tok_rgb@224", s -> s.cfgScale(3.0))               // over the plugin's defaults
 *         .optSeed(0)
 *         .build()) {
 *     Prediction p = sampler.predict(Map.of("caption", "a red car on a bridge"));
 *     Object rgb = p.value("tok_rgb@224");                            // the RGB tokenizer's decoded raster
 * }
 * }</pre>
 *
 * <p>Each call encodes its inputs with their modalities' tokenizers (token ids, {@code int[]}, and pixel or
 * embedding values, {@code float[]}, pass as they are), then generates the targets one after the other, each with
 * the step its modality's {@link ModalitySpec#generation() generation defaults} describe (scheme, steps, temperature
 * and its schedule, guidance, top-p), changed by the builder's overrides. Generation is chained by default: every
 * finished target joins the conditions of the next (caption -> CLIP -> RGB as in the reference's README); unchained,
 * each target is generated from the inputs alone. Target {@code i} is generated with seed {@code seed + i}. The
 * results are decoded by the targets' tokenizers.
 *
 * <p>Modalities may be named by their key ({@code tok_depth@224}) or by its short name when that names one modality
 * of the model ({@code depth}; see {@link #resolve}). Mistakes are reported before any generation with an
 * {@link IllegalArgumentException} that names the modality and what was expected: an unknown modality, one the model
 * cannot take as input or produce, a target without a tokenizer that decodes (the message of a plugin whose tokenizer
 * has no checkpoint names the key to set), a value its tokenizer refuses.
 */
public final class AnyToAny implements AutoCloseable {
    private final FourMModel model;
    private final boolean ownsModel;
    private final FourMConfig config;
    private final Map<String, Modality> modalities;
    private final Generator generator;
    private final SpecialTokens specials;
    private final List<String> targets;
    private final Map<String, UnaryOperator<Step>> overrides;
    private final Map<String, Double> topP;
    private final boolean chained;
    private final long seed;

    private AnyToAny(Builder b, FourMModel model, boolean ownsModel) {
        this.model = model;
        this.ownsModel = ownsModel;
        this.config = model.config();
        this.modalities = new LinkedHashMap<>(b.modalities);
        this.specials = b.specials;
        this.generator = Generator.builder(model).modalities(b.modalities).specialTokens(b.specials)
                .listener(b.listener).build();
        this.chained = b.chained;
        this.seed = b.seed;
        this.overrides = new LinkedHashMap<>();
        this.topP = new LinkedHashMap<>();
        for (Map.Entry<String, UnaryOperator<Step>> e : b.overrides.entrySet()) {
            overrides.put(resolve(e.getKey()), e.getValue());
        }
        for (Map.Entry<String, Double> e : b.topP.entrySet()) {
            topP.put(resolve(e.getKey()), e.getValue());
        }
        List<String> t = new ArrayList<>();
        for (String k : b.targets) {
            t.add(resolve(k));
        }
        this.targets = List.copyOf(t);
    }

    /** A builder; name the model with {@link Builder#optModelPath} or {@link Builder#optModel}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The model's configuration. */
    public FourMConfig config() {
        return config;
    }

    /** The model. */
    public FourMModel model() {
        return model;
    }

    /** The modalities whose tokenizers read and write values, by key. */
    public Map<String, Modality> modalities() {
        return java.util.Collections.unmodifiableMap(modalities);
    }

    /** The targets {@link #predict(Map)} generates, in order (the builder's). */
    public List<String> targets() {
        return targets;
    }

    /**
     * The model's key for a modality name: the key itself, or a short name ({@code depth}, {@code rgb}) that names one
     * modality of the model once the {@code tok_} prefix and the {@code @size} suffix are dropped (a tokenized modality
     * is preferred over a pixel one of the same name).
     *
     * @throws IllegalArgumentException naming the model's modalities when the name matches none, or several
     */
    public String resolve(String name) {
        Objects.requireNonNull(name, "name");
        if (config.modalities().containsKey(name)) {
            return name;
        }
        List<String> found = new ArrayList<>();
        for (String k : config.modalities().keySet()) {
            if (shortName(k).equals(name) || k.startsWith(name + "@")) {
                found.add(k);
            }
        }
        if (found.size() > 1) {
            List<String> tokens = found.stream().filter(k -> k.startsWith("tok_")).toList();
            if (tokens.size() == 1) {
                return tokens.get(0);
            }
            throw new IllegalArgumentException("modality '" + name + "' is ambiguous: the model has " + found
                    + "; give the full key");
        }
        if (found.isEmpty()) {
            throw new IllegalArgumentException("unknown modality '" + name + "': the model has no such modality; it"
                    + " has " + String.join(", ", config.modalities().keySet()));
        }
        return found.get(0);
    }

    /** A key without its {@code tok_} prefix and {@code @size} suffix ({@code tok_depth@224} -> {@code depth}). */
    public static String shortName(String key) {
        String s = key.startsWith("tok_") ? key.substring(4) : key;
        int at = s.indexOf('@');
        return at < 0 ? s : s.substring(0, at);
    }

    /**
     * The step a target is generated with: its modality's generation defaults, with the builder's override applied.
     *
     * @throws IllegalArgumentException when the target has no generation defaults and no override
     */
    public Step step(String target) {
        String key = resolve(target);
        Step base = defaultStep(key);
        UnaryOperator<Step> o = overrides.get(key);
        return o == null ? base : o.apply(base);
    }

    /** The top-p threshold a target is generated with (its defaults', or the builder's). */
    public double topP(String target) {
        String key = resolve(target);
        Double p = topP.get(key);
        if (p != null) {
            return p;
        }
        return generationDefaults(key).map(DecoderStrategy::topP).orElse(1.0);
    }

    private java.util.Optional<DecoderStrategy> generationDefaults(String key) {
        Modality m = modalities.get(key);
        java.util.Optional<DecoderStrategy> d = m == null ? java.util.Optional.empty() : m.spec().generation();
        return d.isPresent() ? d : config.modality(key).generation();
    }

    private Step defaultStep(String key) {
        DecoderStrategy d = generationDefaults(key).orElseThrow(() -> new IllegalArgumentException("target '" + key
                + "' has no generation defaults (its modality is not a target of its plugin); give a step"));
        int grid = config.modality(key).layout().sequence() ? Integer.MAX_VALUE
                : config.modality(key).layout().length();
        Step s = switch (d.scheme()) {
            case MASKGIT -> Step.maskgit(Math.min(d.steps(), grid));
            case ROAR -> Step.roar(Math.min(d.steps(), grid));
            case AUTOREGRESSIVE -> Step.autoregressive();
        };
        return s.temperature(d.temperature()).temperatureSchedule(d.temperatureSchedule()).cfgScale(d.cfgScale());
    }

    /** Generates the builder's targets from {@code inputs} (raw values, token ids or pixel values by modality). */
    public Prediction predict(Map<String, ?> inputs) {
        return predict(inputs, targets);
    }

    /**
     * Generates {@code targetNames}, in order, from {@code inputs}.
     *
     * @throws IllegalArgumentException for an unknown or unfit modality, a target without a decoding tokenizer, or a
     *                                  value its tokenizer refuses (the message names the modality)
     */
    public Prediction predict(Map<String, ?> inputs, List<String> targetNames) {
        if (targetNames.isEmpty()) {
            throw new IllegalArgumentException("no target to generate; name at least one");
        }
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("no input to generate from; give at least one");
        }
        Map<String, Object> given = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : inputs.entrySet()) {
            String key = resolve(e.getKey());
            if (!config.isInput(key)) {
                throw new IllegalArgumentException("input '" + key + "': the model does not take it as an input; its"
                        + " inputs are " + config.domainsIn());
            }
            if (given.put(key, Objects.requireNonNull(e.getValue(), () -> "input '" + key + "' is null")) != null) {
                throw new IllegalArgumentException("input '" + key + "' is given twice");
            }
        }
        List<String> order = new ArrayList<>();
        for (String n : targetNames) {
            String key = resolve(n);
            if (given.containsKey(key)) {
                throw new IllegalArgumentException("'" + key + "' is both an input and a target");
            }
            if (order.contains(key)) {
                throw new IllegalArgumentException("target '" + key + "' is named twice");
            }
            if (!config.isOutput(key)) {
                throw new IllegalArgumentException("target '" + key + "': the model does not generate it; its"
                        + " targets are " + config.domainsOut());
            }
            decoderOf(key);
            order.add(key);
        }
        Map<String, Step> steps = new LinkedHashMap<>();
        for (String key : order) {
            steps.put(key, step(key));
        }
        Map<String, Object> encoded = new LinkedHashMap<>();
        Map<String, int[]> inputIds = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : given.entrySet()) {
            Object v = encode(e.getKey(), e.getValue());
            encoded.put(e.getKey(), v);
            if (v instanceof int[] ids) {
                inputIds.put(e.getKey(), ids);
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, int[]> tokens = new LinkedHashMap<>();
        Map<String, Double> seconds = new LinkedHashMap<>();
        Map<String, Object> conditions = new LinkedHashMap<>(encoded);
        for (int i = 0; i < order.size(); i++) {
            String key = order.get(i);
            long t0 = System.nanoTime();
            GenerationPlan plan = GenerationPlan.builder().condition(conditions.keySet().toArray(new String[0]))
                    .target(key, steps.get(key)).topP(topP(key)).build();
            GenerationResult r = generator.generate(conditions, plan, seed + i);
            int[] ids = body(key, r.tokens(key));
            Object value = decode(key, ids);
            tokens.put(key, ids);
            values.put(key, value);
            seconds.put(key, (System.nanoTime() - t0) / 1e9);
            if (chained) {
                conditions.put(key, ids);
            }
        }
        return new Prediction(values, tokens, inputIds, seconds);
    }

    /** A generated sequence up to its first end token; a grid as it is. */
    private int[] body(String key, int[] ids) {
        if (!config.modality(key).layout().sequence()) {
            return ids;
        }
        int n = 0;
        while (n < ids.length && ids[n] != specials.eos()) {
            n++;
        }
        return Arrays.copyOf(ids, n);
    }

    /**
     * Checks that a target can be generated and decoded: the model produces it and its modality's tokenizer decodes
     * (a plugin whose tokenizer has no checkpoint is named with the key to set). {@link #predict} checks every target
     * so before generating; call it to check earlier.
     *
     * @throws IllegalArgumentException naming the target and what is missing
     */
    public void requireTarget(String target) {
        String key = resolve(target);
        if (!config.isOutput(key)) {
            throw new IllegalArgumentException("target '" + key + "': the model does not generate it; its targets are "
                    + config.domainsOut());
        }
        decoderOf(key);
    }

    /**
     * Encodes an input value with its modality's tokenizer, as {@link #predict} does (token ids and pixel values pass
     * as they are): a way to check an input before generating.
     *
     * @throws IllegalArgumentException naming the input when its tokenizer refuses the value
     */
    public Object encodeInput(String input, Object value) {
        String key = resolve(input);
        if (!config.isInput(key)) {
            throw new IllegalArgumentException("input '" + key + "': the model does not take it as an input; its"
                    + " inputs are " + config.domainsIn());
        }
        return encode(key, Objects.requireNonNull(value, "value"));
    }

    /**
     * The tokenizer that decodes a target, checked before any generation: it must decode values, and a tokenizer that
     * reports no checkpoint decodes a probe now, so that one whose weights are not configured is reported before
     * generating (one with a checkpoint loads on its first decode, and is not run on a probe).
     */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private ModalityTokenizer decoderOf(String key) {
        ModalityTokenizer t = tokenizerOf(key);
        if (modalities.get(key).tokenizerInfo().checkpoint().isEmpty()) {
            try {
                ModalitySpec spec = config.modality(key);
                t.decode(spec.layout().sequence() ? new int[0] : new int[spec.layout().length()]);
            } catch (IllegalStateException | java.io.UncheckedIOException e) {
                throw new IllegalArgumentException("target '" + key + "': " + e.getMessage(), e);
            } catch (RuntimeException ignored) {
                // A probe value the tokenizer refuses says nothing about the generated one.
            }
        }
        return t;
    }

    @SuppressWarnings("rawtypes")
    private ModalityTokenizer tokenizerOf(String key) {
        Modality m = modalities.get(key);
        if (m == null || m.tokenizer().isEmpty()) {
            throw new IllegalArgumentException("target '" + key + "': no tokenizer to decode it (the modality is not"
                    + " among the sampler's modalities" + (m == null ? "" : " with a tokenizer") + ")");
        }
        ModalityTokenizer t = m.tokenizer().get();
        if (t.pretokenizedOnly()) {
            throw new IllegalArgumentException("target '" + key + "': its modality only validates pre-tokenized ids"
                    + " (tokenizer " + m.tokenizerInfo().type() + "); configure its tokenizer to decode values");
        }
        return t;
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private Object encode(String key, Object value) {
        if (value instanceof int[] || value instanceof long[] || value instanceof float[]) {
            return value;
        }
        Modality m = modalities.get(key);
        if (m == null || m.tokenizer().isEmpty()) {
            throw new IllegalArgumentException("input '" + key + "': a " + value.getClass().getSimpleName()
                    + " needs the modality's tokenizer, and the sampler has none for it (give token ids, or the"
                    + " modality)");
        }
        ModalityTokenizer t = m.tokenizer().get();
        if (!t.valueType().isInstance(value)) {
            throw new IllegalArgumentException("input '" + key + "': its tokenizer takes a "
                    + t.valueType().getSimpleName() + ", got a " + value.getClass().getSimpleName());
        }
        try {
            return t.encode(value);
        } catch (IllegalStateException | java.io.UncheckedIOException e) {
            throw new IllegalArgumentException("input '" + key + "': " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            throw new IllegalArgumentException(msg.startsWith(key) ? msg : "input '" + key + "': " + msg, e);
        }
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private Object decode(String key, int[] ids) {
        ModalityTokenizer t = tokenizerOf(key);
        try {
            return t.decode(ids);
        } catch (RuntimeException e) {
            throw new IllegalStateException(String.format(Locale.ROOT, "target '%s': the %d generated ids do not"
                    + " decode: %s", key, ids.length, e.getMessage()), e);
        }
    }

    /** Frees the model when the builder loaded it (a model given with {@link Builder#optModel} stays open). */
    @Override
    public void close() {
        if (ownsModel) {
            model.close();
        }
    }

    /** Builds an {@link AnyToAny}. */
    public static final class Builder {
        private Path modelPath;
        private FourMModel model;
        private Map<String, Modality> modalities = Map.of();
        private ModalityCatalog catalog;
        private final List<String> targets = new ArrayList<>();
        private final Map<String, UnaryOperator<Step>> overrides = new LinkedHashMap<>();
        private final Map<String, Double> topP = new LinkedHashMap<>();
        private boolean chained = true;
        private long seed;
        private SpecialTokens specials = SpecialTokens.REFERENCE;
        private GenerationListener listener = GenerationListener.NONE;

        private Builder() {
        }

        /** The 4M checkpoint: a {@code .safetensors} file or a model folder ({@link ModelFiles}). */
        public Builder optModelPath(Path path) {
            this.modelPath = Objects.requireNonNull(path, "path");
            this.model = null;
            return this;
        }

        /** A loaded model instead of a path; the caller keeps owning it. */
        public Builder optModel(FourMModel m) {
            this.model = Objects.requireNonNull(m, "model");
            this.modelPath = null;
            return this;
        }

        /** The modalities whose tokenizers encode the inputs and decode the targets, by key. */
        public Builder optModalities(Map<String, ? extends Modality> m) {
            this.modalities = Map.copyOf(m);
            return this;
        }

        /**
         * Where modalities the checkpoint names but does not describe are looked up (default: the modalities given
         * with {@link #optModalities}).
         */
        public Builder optCatalog(ModalityCatalog c) {
            this.catalog = Objects.requireNonNull(c, "catalog");
            return this;
        }

        /** The targets {@link AnyToAny#predict(Map)} generates, in order (keys or short names). */
        public Builder optTargets(String... keys) {
            targets.addAll(List.of(keys));
            return this;
        }

        /** Changes a target's step from its defaults, e.g. {@code s -> s.temperature(0.3).cfgScale(2)}. */
        public Builder optStep(String key, UnaryOperator<Step> change) {
            UnaryOperator<Step> before = overrides.get(key);
            overrides.put(key, before == null ? change : s -> change.apply(before.apply(s)));
            return this;
        }

        /** A target's top-p threshold in (0, 1]. */
        public Builder optTopP(String key, double p) {
            if (!(p > 0 && p <= 1)) {
                throw new IllegalArgumentException(key + ": top-p must be in (0, 1], got " + p);
            }
            topP.put(key, p);
            return this;
        }

        /** Whether each finished target conditions the next (default true). */
        public Builder optChained(boolean on) {
            this.chained = on;
            return this;
        }

        /** The seed of the first target (target {@code i} uses {@code seed + i}); default 0. */
        public Builder optSeed(long s) {
            this.seed = s;
            return this;
        }

        /** The text vocabulary's special ids (default: the reference's). */
        public Builder optSpecialTokens(SpecialTokens s) {
            this.specials = Objects.requireNonNull(s, "specialTokens");
            return this;
        }

        /** Hears every scheduled generation step. */
        public Builder optListener(GenerationListener l) {
            this.listener = Objects.requireNonNull(l, "listener");
            return this;
        }

        /**
         * Loads the model (when a path was given) and checks the overrides' and targets' names.
         *
         * @throws IOException              naming the file when the model cannot be loaded
         * @throws IllegalArgumentException for a name that is no modality of the model
         */
        public AnyToAny build() throws IOException {
            if (model != null) {
                return new AnyToAny(this, model, false);
            }
            if (modelPath == null) {
                throw new IllegalStateException("no model: call optModelPath or optModel");
            }
            ModalityCatalog c = catalog != null ? catalog : ModalityCatalog.ofModalities(modalities);
            FourMModel loaded = ModelFiles.load(modelPath, c);
            try {
                return new AnyToAny(this, loaded, true);
            } catch (RuntimeException e) {
                loaded.close();
                throw e;
            }
        }
    }
}
