package fourm.core.train;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import fourm.api.ConfigReader;
import fourm.core.model.FourMConfig;
import fourm.core.model.LossType;
import fourm.core.optim.AdamW;
import fourm.core.optim.LrSchedule;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Every setting of a training run ({@code fourm.train} in fourm-core's {@code reference.conf}), read and checked
 * eagerly by {@link #fromConfig(Config)}: a missing, mistyped, out-of-range or unknown key is a
 * {@link ConfigException} naming the full key, before any work starts. Settings that depend on the experiment's
 * modalities (the mixture, vocabulary overrides) are checked against them by {@link Experiment#prepare}.
 *
 * @param seed        seed of everything random: initial weights, data order, crops, masking, decoder shuffles
 * @param outputDir   where checkpoints, {@code train-log.jsonl} and the resolved config go
 * @param resume      continue from the latest checkpoint in {@code outputDir}
 * @param steps       optimizer steps of the whole run
 * @param batchSize   samples per micro-batch
 * @param accumIter   micro-batches accumulated per optimizer step
 * @param lossType    how per-modality losses are combined
 * @param model       architecture
 * @param vocabSizes  per-modality vocabulary sizes replacing the plugins'
 * @param masking     mixture and token budgets
 * @param data        training data
 * @param optimizer   AdamW settings
 * @param schedule    learning-rate schedule shape
 * @param eval        fixed evaluation batch
 * @param checkpoint  checkpoint frequency and retention
 * @param progress    console progress display
 * @param logEvery    steps between plain progress lines (when not drawing a bar)
 * @param maxNonFiniteSteps consecutive steps with a non-finite loss or gradient after which training stops with an
 *                    error; 0 = never
 * @param allowNonFinite accept initial or resumed weights holding NaN or Inf
 */
public record TrainSettings(long seed, Path outputDir, boolean resume, long steps, int batchSize, int accumIter,
                            LossType lossType, Model model, Map<String, Integer> vocabSizes, Masking masking,
                            Data data, Optimizer optimizer, Schedule schedule, Eval eval, Checkpointing checkpoint,
                            Progress progress, int logEvery, int maxNonFiniteSteps, boolean allowNonFinite) {
    /** Root of the training configuration. */
    public static final String PATH = "fourm.train";

    private static final Set<String> TOP_KEYS = Set.of("seed", "output-dir", "resume", "steps", "batch-size",
            "accum-iter", "loss-type", "model", "vocab-sizes", "masking", "data", "optimizer", "schedule", "eval",
            "checkpoint", "progress", "log-every", "max-non-finite-steps", "allow-non-finite");
    private static final Set<String> MODEL_KEYS = Set.of("preset", "dim", "encoder-depth", "decoder-depth",
            "num-heads", "mlp-ratio", "family", "init");
    private static final Set<String> MASKING_KEYS = Set.of("mixture", "num-input-tokens", "min-input-tokens",
            "num-target-tokens", "min-target-tokens");
    private static final Set<String> DATA_KEYS = Set.of("path", "crop", "toy-samples", "check");
    private static final Set<String> OPTIMIZER_KEYS = Set.of("blr", "min-blr", "betas", "eps", "weight-decay",
            "clip-grad");
    private static final Set<String> SCHEDULE_KEYS = Set.of("type", "warmup-steps", "timescale", "cooldown-steps");
    private static final Set<String> EVAL_KEYS = Set.of("every", "batch-size", "data-path", "seed");
    private static final Set<String> CHECKPOINT_KEYS = Set.of("every", "keep-last");

    /** Copies the map. */
    public TrainSettings {
        vocabSizes = Collections.unmodifiableMap(new LinkedHashMap<>(vocabSizes));
    }

    /**
     * The model: a reference size preset and explicit values that replace the preset's.
     *
     * @param preset       a reference registry name ({@code fm_tiny_6e_6d_swiglu_nobias}, ...) or {@code custom}
     * @param dim          width, if set
     * @param encoderDepth encoder blocks, if set
     * @param decoderDepth decoder blocks, if set
     * @param numHeads     heads, if set
     * @param mlpRatio     MLP ratio, if set
     * @param family       block family, if set ({@code custom} defaults to swiglu_nobias)
     * @param init         a checkpoint to start from, if set
     */
    public record Model(String preset, OptionalInt dim, OptionalInt encoderDepth, OptionalInt decoderDepth,
                        OptionalInt numHeads, OptionalDouble mlpRatio, Optional<FourMConfig.Family> family,
                        Optional<Path> init) {
        /** The custom-size marker. */
        public static final String CUSTOM = "custom";

        /** A config builder with the preset (or the custom family) and the explicit values applied. */
        public FourMConfig.Builder builder() {
            FourMConfig.Builder b = FourMConfig.builder();
            if (preset.equals(CUSTOM)) {
                b.family(family.orElse(FourMConfig.Family.SWIGLU_NOBIAS));
            } else {
                b.preset(preset);
                family.ifPresent(b::family);
            }
            dim.ifPresent(b::dim);
            encoderDepth.ifPresent(b::encoderDepth);
            decoderDepth.ifPresent(b::decoderDepth);
            numHeads.ifPresent(b::numHeads);
            mlpRatio.ifPresent(b::mlpRatio);
            return b;
        }
    }

    /**
     * The masking recipe.
     *
     * @param preset          a preset name of {@code fourm.masking.presets}, or empty for an inline mixture
     * @param inline          the inline mixture node ({@code sampling-weights}, {@code modalities}), or empty
     * @param numInputTokens  input budget, if set (else the preset's)
     * @param minInputTokens  input budget minimum, if set
     * @param numTargetTokens target budget, if set
     * @param minTargetTokens target budget minimum, if set
     */
    public record Masking(Optional<String> preset, Optional<Config> inline, OptionalInt numInputTokens,
                          OptionalInt minInputTokens, OptionalInt numTargetTokens, OptionalInt minTargetTokens) {
    }

    /**
     * The training data.
     *
     * @param path       dataset root (pre-tokenized format of {@code fourm.core.data})
     * @param crop       which crop of image-like tokens training uses
     * @param toySamples when &gt; 0 and {@code path} holds no dataset, a {@link ToyData} set of this many samples is
     *                   written there first, into the experiment's modalities
     * @param check      read every sample once before the first step ({@link fourm.core.data.DatasetCheck})
     */
    public record Data(Path path, Crop crop, int toySamples, boolean check) {
    }

    /** Crop choice for image-like tokens with several crops. */
    public enum Crop {
        /** A crop drawn per sample from (seed, sample index), the same for every modality. */
        RANDOM,
        /** Always crop 0 (the centre crop). */
        FIRST
    }

    /**
     * AdamW.
     *
     * @param blr         base learning rate: peak lr = blr * batch * accum / 256
     * @param minBlr      base floor: min lr = min-blr * batch * accum / 256
     * @param beta1       first beta
     * @param beta2       second beta
     * @param eps         epsilon
     * @param weightDecay decoupled weight decay
     * @param clipGrad    global-norm clipping threshold, 0 = none
     */
    public record Optimizer(double blr, double minBlr, double beta1, double beta2, double eps, double weightDecay,
                            double clipGrad) {
        /** The optimizer's hyper-parameters. */
        public AdamW.Hyper hyper() {
            return new AdamW.Hyper(beta1, beta2, eps, weightDecay, clipGrad);
        }
    }

    /**
     * The schedule shape.
     *
     * @param type      cosine, inverse-sqrt or constant
     * @param warmup    warm-up steps
     * @param timescale inverse-sqrt time scale
     * @param cooldown  inverse-sqrt cool-down steps
     */
    public record Schedule(LrSchedule.Type type, long warmup, long timescale, long cooldown) {
    }

    /**
     * The fixed evaluation batch.
     *
     * @param every     steps between evaluations (and at step 0 and at the end); 0 = never
     * @param batchSize samples of the evaluation batch
     * @param dataPath  dataset of the evaluation batch (its first samples, in order); empty = the training data
     * @param seed      masking seed of the evaluation batch
     */
    public record Eval(long every, int batchSize, Optional<Path> dataPath, long seed) {
    }

    /**
     * Checkpointing.
     *
     * @param every    steps between checkpoints (a last one is always written at the end); 0 = only at the end
     * @param keepLast checkpoints kept (older ones are deleted); 0 = keep all
     */
    public record Checkpointing(long every, int keepLast) {
    }

    /** Console progress. */
    public enum Progress {
        /** A bar when stderr is a terminal, plain lines otherwise. */
        AUTO,
        /** Always a bar (carriage returns). */
        BAR,
        /** Plain lines every {@code log-every} steps. */
        LINES,
        /** Nothing on the console. */
        OFF
    }

    /** Samples per optimizer step. */
    public int totalBatch() {
        return batchSize * accumIter;
    }

    /** The learning-rate schedule of this run. */
    public LrSchedule lrSchedule() {
        double scale = totalBatch() / 256.0;
        return new LrSchedule(schedule.type(), optimizer.blr() * scale, optimizer.minBlr() * scale, steps,
                schedule.warmup(), schedule.timescale(), schedule.cooldown());
    }

    /**
     * Reads {@code fourm.train} of a resolved configuration.
     *
     * @throws ConfigException naming the key of the first bad value
     */
    public static TrainSettings fromConfig(Config root) {
        if (!root.hasPath(PATH)) {
            throw new ConfigException.Missing(PATH);
        }
        Config c = root.getConfig(PATH);
        ConfigReader.rejectUnknown(c, PATH + ".", TOP_KEYS);
        Reader r = new Reader(c, PATH);
        long seed = r.getLong("seed");
        Path out = r.path("output-dir").orElseThrow(() -> r.missing("output-dir", "a folder for checkpoints and logs"));
        boolean resume = r.getBoolean("resume");
        long steps = r.longAtLeast("steps", 1);
        int batch = r.intAtLeast("batch-size", 1);
        int accum = r.intAtLeast("accum-iter", 1);
        LossType loss = r.parse("loss-type", LossType::fromConfigName);

        Model model = readModel(r.section("model", MODEL_KEYS));
        Map<String, Integer> vocab = new LinkedHashMap<>();
        Config vocabNode = r.object("vocab-sizes");
        for (Map.Entry<String, ConfigValue> e : vocabNode.root().entrySet()) {
            String key = PATH + ".vocab-sizes." + com.typesafe.config.ConfigUtil.quoteString(e.getKey());
            if (e.getValue().valueType() != ConfigValueType.NUMBER) {
                throw new ConfigException.BadValue(e.getValue().origin(), key, "expected an integer vocabulary size");
            }
            Number n = (Number) e.getValue().unwrapped();
            if (n.doubleValue() != n.intValue() || n.intValue() < 2) {
                throw new ConfigException.BadValue(e.getValue().origin(), key, "expected an integer >= 2, got " + n);
            }
            vocab.put(e.getKey(), n.intValue());
        }
        Masking masking = readMasking(r.section("masking", MASKING_KEYS));

        Reader d = r.section("data", DATA_KEYS);
        Data data = new Data(d.path("path").orElseThrow(() -> d.missing("path", "the dataset root (written by"
                + " fourm pretokenize or the toy data generator)")),
                d.parse("crop", v -> enumValue(Crop.class, v)), d.intAtLeast("toy-samples", 0), d.getBoolean("check"));

        Reader o = r.section("optimizer", OPTIMIZER_KEYS);
        double blr = o.nonNegative("blr");
        double minBlr = o.nonNegative("min-blr");
        if (minBlr > blr) {
            throw o.bad("min-blr", "must not exceed blr (" + blr + "), got " + minBlr);
        }
        List<Double> betas = o.numbers("betas");
        if (betas.size() != 2 || !(betas.get(0) >= 0 && betas.get(0) < 1) || !(betas.get(1) >= 0
                && betas.get(1) < 1)) {
            throw o.bad("betas", "expected two numbers in [0, 1), got " + betas);
        }
        double eps = o.getDouble("eps");
        if (!(eps > 0)) {
            throw o.bad("eps", "must be > 0, got " + eps);
        }
        double clip = o.isNull("clip-grad") ? 0 : o.getDouble("clip-grad");
        if (!o.isNull("clip-grad") && !(clip > 0)) {
            throw o.bad("clip-grad", "must be > 0 (or null for no clipping), got " + clip);
        }
        Optimizer optimizer = new Optimizer(blr, minBlr, betas.get(0), betas.get(1), eps, o.nonNegative(
                "weight-decay"), clip);

        Reader s = r.section("schedule", SCHEDULE_KEYS);
        Schedule schedule = new Schedule(s.parse("type", LrSchedule.Type::fromConfigName),
                s.longAtLeast("warmup-steps", 0), s.longAtLeast("timescale", 1), s.longAtLeast("cooldown-steps", 0));
        if (schedule.warmup() + schedule.cooldown() > steps) {
            throw s.bad("warmup-steps", "warm-up (" + schedule.warmup() + ") plus cool-down (" + schedule.cooldown()
                    + ") steps exceed " + PATH + ".steps (" + steps + ")");
        }
        if (schedule.cooldown() > 0 && schedule.type() != LrSchedule.Type.INVERSE_SQRT) {
            throw s.bad("cooldown-steps", "applies to the inverse-sqrt schedule only");
        }

        Reader e = r.section("eval", EVAL_KEYS);
        Eval eval = new Eval(e.longAtLeast("every", 0), e.intAtLeast("batch-size", 1), e.path("data-path"),
                e.getLong("seed"));
        Reader k = r.section("checkpoint", CHECKPOINT_KEYS);
        Checkpointing ckpt = new Checkpointing(k.longAtLeast("every", 0), k.intAtLeast("keep-last", 0));
        Progress progress = r.parse("progress", v -> enumValue(Progress.class, v));
        int logEvery = r.intAtLeast("log-every", 1);
        return new TrainSettings(seed, out, resume, steps, batch, accum, loss, model, vocab, masking, data,
                optimizer, schedule, eval, ckpt, progress, logEvery, r.intAtLeast("max-non-finite-steps", 0),
                r.getBoolean("allow-non-finite"));
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String s) {
        List<String> names = new java.util.ArrayList<>();
        for (E e : type.getEnumConstants()) {
            String n = e.name().toLowerCase(Locale.ROOT).replace('_', '-');
            if (n.equals(s)) {
                return e;
            }
            names.add(n);
        }
        throw new IllegalArgumentException("expected one of " + names + ", got '" + s + "'");
    }

    private static Model readModel(Reader m) {
        String preset = m.getString("preset");
        if (!preset.equals(Model.CUSTOM) && !FourMConfig.Builder.presetNames().contains(preset)) {
            throw m.bad("preset", "unknown preset '" + preset + "'; expected custom or one of "
                    + FourMConfig.Builder.presetNames());
        }
        Optional<FourMConfig.Family> family = m.isNull("family") ? Optional.empty()
                : Optional.of(m.parse("family", f -> {
                    for (FourMConfig.Family fam : FourMConfig.Family.values()) {
                        if (fam.name().toLowerCase(Locale.ROOT).equals(f)) {
                            return fam;
                        }
                    }
                    throw new IllegalArgumentException("expected gelu, swiglu_nobias or swiglu_qknorm_nobias, got '"
                            + f + "'");
                }));
        OptionalInt dim = m.optionalInt("dim", 1);
        OptionalInt enc = m.optionalInt("encoder-depth", 1);
        OptionalInt dec = m.optionalInt("decoder-depth", 1);
        OptionalInt heads = m.optionalInt("num-heads", 1);
        OptionalDouble ratio = m.isNull("mlp-ratio") ? OptionalDouble.empty() : OptionalDouble.of(m.getDouble(
                "mlp-ratio"));
        if (ratio.isPresent() && !(ratio.getAsDouble() > 0)) {
            throw m.bad("mlp-ratio", "must be > 0, got " + ratio.getAsDouble());
        }
        if (preset.equals(Model.CUSTOM)) {
            for (String k : List.of("dim", "encoder-depth", "decoder-depth", "num-heads")) {
                if (m.isNull(k)) {
                    throw m.missing(k, "an integer (preset = custom sets every dimension explicitly)");
                }
            }
        }
        Model model = new Model(preset, dim, enc, dec, heads, ratio, family, m.path("init"));
        int d = dim.orElse(-1);
        int h = heads.orElse(-1);
        if (d > 0 && h > 0 && d % h != 0) {
            throw m.bad("num-heads", "dim " + d + " must be divisible by num-heads " + h);
        }
        return model;
    }

    private static Masking readMasking(Reader m) {
        ConfigValue mix = m.value("mixture");
        Optional<String> preset = Optional.empty();
        Optional<Config> inline = Optional.empty();
        if (mix.valueType() == ConfigValueType.STRING) {
            preset = Optional.of((String) mix.unwrapped());
        } else if (mix.valueType() == ConfigValueType.OBJECT) {
            inline = Optional.of(m.object("mixture"));
        } else {
            throw m.bad("mixture", "expected a preset name (\"4m-7\", \"4m-21\", ...) or an object with"
                    + " sampling-weights and modalities");
        }
        Masking masking = new Masking(preset, inline, m.optionalInt("num-input-tokens", 1),
                m.optionalInt("min-input-tokens", 0), m.optionalInt("num-target-tokens", 0),
                m.optionalInt("min-target-tokens", 0));
        if (inline.isPresent() && (masking.numInputTokens().isEmpty() || masking.numTargetTokens().isEmpty())) {
            throw m.missing(masking.numInputTokens().isEmpty() ? "num-input-tokens" : "num-target-tokens",
                    "an integer (an inline mixture has no preset budgets)");
        }
        return masking;
    }

    /** Reads values of one node, naming the full key in every error. */
    private static final class Reader {
        private final Config node;
        private final String path;

        Reader(Config node, String path) {
            this.node = node;
            this.path = path;
        }

        String key(String k) {
            return path + "." + k;
        }

        Reader section(String k, Set<String> known) {
            Config sub = object(k);
            ConfigReader.rejectUnknown(sub, key(k) + ".", known);
            return new Reader(sub, key(k));
        }

        Config object(String k) {
            if (!node.hasPathOrNull(k)) {
                throw missing(k, "an object");
            }
            try {
                return node.getConfig(k);
            } catch (ConfigException.WrongType | ConfigException.Null e) {
                throw bad(k, "expected an object");
            }
        }

        ConfigValue value(String k) {
            if (!node.hasPath(k)) {
                throw missing(k, "a value");
            }
            return node.getValue(k);
        }

        boolean isNull(String k) {
            return !node.hasPath(k);
        }

        ConfigException missing(String k, String expected) {
            return new ConfigException.BadValue(node.origin(), key(k), "missing: expected " + expected);
        }

        ConfigException bad(String k, String message) {
            return new ConfigException.BadValue(node.hasPath(k) ? node.getValue(k).origin() : node.origin(), key(k),
                    message);
        }

        String getString(String k) {
            ConfigValue v = value(k);
            if (v.valueType() != ConfigValueType.STRING) {
                throw bad(k, "expected a string, got " + v.valueType().name().toLowerCase(Locale.ROOT));
            }
            return (String) v.unwrapped();
        }

        <T> T parse(String k, java.util.function.Function<String, T> parser) {
            String s = getString(k);
            try {
                return parser.apply(s);
            } catch (IllegalArgumentException e) {
                throw bad(k, e.getMessage());
            }
        }

        boolean getBoolean(String k) {
            value(k);
            try {
                return node.getBoolean(k);
            } catch (ConfigException.WrongType e) {
                throw bad(k, "expected true or false");
            }
        }

        double getDouble(String k) {
            value(k);
            try {
                double d = node.getDouble(k);
                if (!Double.isFinite(d)) {
                    throw bad(k, "expected a finite number");
                }
                return d;
            } catch (ConfigException.WrongType e) {
                throw bad(k, "expected a number");
            }
        }

        double nonNegative(String k) {
            double d = getDouble(k);
            if (d < 0) {
                throw bad(k, "must be >= 0, got " + d);
            }
            return d;
        }

        long getLong(String k) {
            ConfigValue v = value(k);
            if (v.valueType() != ConfigValueType.NUMBER) {
                throw bad(k, "expected an integer");
            }
            Number n = (Number) v.unwrapped();
            if (n instanceof Double || n instanceof Float) {
                double d = n.doubleValue();
                if (d != Math.rint(d) || Math.abs(d) > 9e15) {
                    throw bad(k, "expected an integer, got " + d);
                }
                return (long) d;
            }
            return n.longValue();
        }

        long longAtLeast(String k, long min) {
            long v = getLong(k);
            if (v < min) {
                throw bad(k, "must be >= " + min + ", got " + v);
            }
            return v;
        }

        int intAtLeast(String k, int min) {
            long v = longAtLeast(k, min);
            if (v > Integer.MAX_VALUE) {
                throw bad(k, "must be at most " + Integer.MAX_VALUE + ", got " + v);
            }
            return (int) v;
        }

        OptionalInt optionalInt(String k, int min) {
            return isNull(k) ? OptionalInt.empty() : OptionalInt.of(intAtLeast(k, min));
        }

        List<Double> numbers(String k) {
            value(k);
            try {
                return node.getDoubleList(k);
            } catch (ConfigException.WrongType e) {
                throw bad(k, "expected a list of numbers");
            }
        }

        Optional<Path> path(String k) {
            if (isNull(k)) {
                return Optional.empty();
            }
            String s = getString(k);
            if (s.isBlank()) {
                throw bad(k, "expected a path, got an empty string");
            }
            try {
                return Optional.of(Path.of(s));
            } catch (InvalidPathException e) {
                throw bad(k, "not a valid path: " + e.getMessage());
            }
        }
    }
}
