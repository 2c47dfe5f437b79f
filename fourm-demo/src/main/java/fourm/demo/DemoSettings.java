package fourm.demo;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueType;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Everything {@code fourm demo} and {@code fourm eval} do, read eagerly from the {@value #PATH} node (defaults and the
 * meaning of every key in the module's {@code reference.conf}). The constructor checks every value; a bad value is a
 * {@link ConfigException} naming its full key and what was expected.
 *
 * @param resolution    side of the square scenes, pixels
 * @param patchSize     pixels per token side of the image tokenizers
 * @param trainScenes   scenes of the training world
 * @param heldoutScenes scenes of the held-out world (evaluation)
 * @param examples      held-out scenes that get a PNG grid
 * @param threads       worker threads for world making and pre-tokenization
 * @param world         the two worlds
 * @param text          the text tokenizer and sequence budgets
 * @param tokenizers    the image tokenizers
 * @param model         the 4M model and its training
 * @param generation    the generation settings
 * @param engineThreads PyTorch intra-op threads the demo asks for (when not set otherwise)
 * @param weights       where the weights come from
 * @param root          the resolved configuration these settings were read from: the modality plugins' nodes,
 *                      fourm-vq's tokenizer presets and fourm.train's defaults are read from it too
 */
public record DemoSettings(int resolution, int patchSize, int trainScenes, int heldoutScenes, int examples,
                           int threads, World world, Text text, Tokenizers tokenizers, Model model,
                           Generation generation, int engineThreads, Weights weights, Config root) {
    /** The config node of the demo. */
    public static final String PATH = "fourm.demo";

    /**
     * The two worlds.
     *
     * @param trainSeed   fourm-synth seed of the training world
     * @param heldoutSeed fourm-synth seed of the held-out world
     * @param synth       fourm.synth overrides for both worlds
     */
    public record World(long trainSeed, long heldoutSeed, Config synth) {
    }

    /**
     * The text tokenizer and the sequence budgets.
     *
     * @param vocabSize        most ids of the learned WordPiece vocabulary
     * @param minFrequency     least count of a merge
     * @param captionMaxTokens token budget of a caption
     * @param detMaxTokens     token budget of a box list
     */
    public record Text(int vocabSize, int minFrequency, int captionMaxTokens, int detMaxTokens) {
    }

    /**
     * The image tokenizers.
     *
     * @param presets   fourm-vq preset per image modality name (rgb, depth, normal, semseg)
     * @param overrides per image modality name, settings merged over its preset ({@code model}, {@code train})
     * @param steps     training steps of each
     * @param batchSize images per training step
     */
    public record Tokenizers(Map<String, String> presets, Config overrides, int steps, int batchSize) {
        /** Copies the map. */
        public Tokenizers {
            presets = Map.copyOf(presets);
        }
    }

    /**
     * The 4M model and its training.
     *
     * @param dim             width
     * @param encoderDepth    encoder blocks
     * @param decoderDepth    decoder blocks
     * @param numHeads        attention heads
     * @param mlpRatio        MLP width over model width
     * @param family          block family (gelu, swiglu_nobias, swiglu_qknorm_nobias)
     * @param steps           optimizer steps
     * @param batchSize       samples per step
     * @param blr             base learning rate
     * @param warmupSteps     linear warm-up steps
     * @param numInputTokens  encoder token budget per sample
     * @param numTargetTokens decoder token budget per sample
     * @param allToAllAlpha   Dirichlet alpha of the all-to-all component
     * @param mixtureWeights  sampling weights of all-to-all and RGB-to-all
     * @param seed            training seed
     */
    public record Model(int dim, int encoderDepth, int decoderDepth, int numHeads, double mlpRatio, String family,
                        long steps, int batchSize, double blr, long warmupSteps, int numInputTokens,
                        int numTargetTokens, double allToAllAlpha, List<Double> mixtureWeights, long seed) {
        /** Copies the list. */
        public Model {
            mixtureWeights = List.copyOf(mixtureWeights);
        }
    }

    /**
     * Generation.
     *
     * @param rgb2xSteps       ROAR steps of RGB to depth, normals, semseg
     * @param rgb2xTemperature their temperature
     * @param textTemperature  temperature of caption and boxes (autoregressive)
     * @param x2rgbSteps       ROAR steps of caption (and depth) to RGB
     * @param x2rgbTemperature their temperature
     * @param x2rgbCfgScale    their classifier-free guidance scale
     * @param topP             nucleus sampling threshold
     * @param seed             generation seed
     * @param batchSize        held-out scenes per generation batch
     */
    public record Generation(int rgb2xSteps, double rgb2xTemperature, double textTemperature, int x2rgbSteps,
                             double x2rgbTemperature, double x2rgbCfgScale, double topP, long seed, int batchSize) {
    }

    /** Where the weights come from. */
    public enum Weights {
        /** The weights shipped in fourm-demo's jar. */
        SHIPPED,
        /** Train everything in this run. */
        TRAIN;

        static Weights parse(String s) {
            for (Weights w : values()) {
                if (w.name().toLowerCase(Locale.ROOT).equals(s)) {
                    return w;
                }
            }
            throw new IllegalArgumentException("expected shipped or train, got '" + s + "'");
        }
    }

    private static final Set<String> KEYS = Set.of("resolution", "patch-size", "train-scenes", "heldout-scenes",
            "examples", "threads", "world", "text", "tokenizers", "model", "generation", "engine-threads",
            "weights");

    /** Checks the values; the message names the key. */
    public DemoSettings {
        range("resolution", resolution, 16, 1024);
        range("patch-size", patchSize, 1, resolution);
        if (resolution % patchSize != 0) {
            throw bad("patch-size", "a divisor of resolution (" + resolution + ")", patchSize);
        }
        range("train-scenes", trainScenes, 1, 10_000_000);
        range("heldout-scenes", heldoutScenes, 1, 10_000_000);
        range("examples", examples, 0, heldoutScenes);
        range("threads", threads, 1, 1024);
        if (world.trainSeed() == world.heldoutSeed()) {
            throw bad("world.heldout-seed", "a seed other than world.train-seed", world.heldoutSeed());
        }
        range("text.vocab-size", text.vocabSize(), 4400, 30000);
        range("text.min-frequency", text.minFrequency(), 1, 1_000_000);
        range("text.caption-max-tokens", text.captionMaxTokens(), 4, 256);
        range("text.det-max-tokens", text.detMaxTokens(), 4, 256);
        for (String m : WorldMap.names()) {
            if (!tokenizers.presets().containsKey(m)) {
                throw new ConfigException.Missing(PATH + ".tokenizers.presets." + m);
            }
        }
        range("tokenizers.steps", tokenizers.steps(), 1, 100_000_000);
        range("tokenizers.batch-size", tokenizers.batchSize(), 1, 4096);
        range("model.dim", model.dim(), 8, 4096);
        range("model.encoder-depth", model.encoderDepth(), 1, 64);
        range("model.decoder-depth", model.decoderDepth(), 1, 64);
        range("model.num-heads", model.numHeads(), 1, 64);
        if (model.dim() % model.numHeads() != 0) {
            throw bad("model.num-heads", "a divisor of model.dim (" + model.dim() + ")", model.numHeads());
        }
        range("model.mlp-ratio", model.mlpRatio(), 0.25, 16);
        range("model.steps", model.steps(), 1, 100_000_000);
        range("model.batch-size", model.batchSize(), 1, 4096);
        range("model.blr", model.blr(), 1e-8, 1);
        range("model.warmup-steps", model.warmupSteps(), 0, model.steps());
        range("model.num-input-tokens", model.numInputTokens(), 1, 4096);
        range("model.num-target-tokens", model.numTargetTokens(), 1, 4096);
        range("model.all-to-all-alpha", model.allToAllAlpha(), 1e-6, 1000);
        if (model.mixtureWeights().size() != 2 || model.mixtureWeights().stream().anyMatch(w -> !(w >= 0))
                || model.mixtureWeights().stream().mapToDouble(Double::doubleValue).sum() <= 0) {
            throw bad("model.mixture-weights", "two non-negative weights (all-to-all, RGB-to-all), not both 0",
                    model.mixtureWeights());
        }
        range("generation.rgb2x-steps", generation.rgb2xSteps(), 1, 4096);
        range("generation.rgb2x-temperature", generation.rgb2xTemperature(), 0, 100);
        range("generation.text-temperature", generation.textTemperature(), 0, 100);
        range("generation.x2rgb-steps", generation.x2rgbSteps(), 1, 4096);
        range("generation.x2rgb-temperature", generation.x2rgbTemperature(), 0, 100);
        range("generation.x2rgb-cfg-scale", generation.x2rgbCfgScale(), 0, 100);
        range("generation.top-p", generation.topP(), 0, 1);
        range("generation.batch-size", generation.batchSize(), 1, 4096);
        range("engine-threads", engineThreads, 1, 1024);
    }

    /** Image tokens per modality: {@code (resolution / patch-size)^2}. */
    public int gridTokens() {
        int side = resolution / patchSize;
        return side * side;
    }

    /** The defaults of every module's {@code reference.conf}. */
    public static DemoSettings defaults() {
        return from(ConfigFactory.load());
    }

    /**
     * Reads {@value #PATH} from a resolved configuration.
     *
     * @throws ConfigException naming the first missing, mistyped, unknown or out-of-range key
     */
    public static DemoSettings from(Config root) {
        root.checkValid(ConfigFactory.defaultReference(), PATH);
        Config c = root.getConfig(PATH);
        for (String k : c.root().keySet()) {
            if (!KEYS.contains(k)) {
                throw new ConfigException.BadPath(c.root().get(k).origin(), PATH + "." + k, "unknown key; the keys of "
                        + PATH + " are " + new java.util.TreeSet<>(KEYS));
            }
        }
        Config tp = c.getConfig("tokenizers.presets");
        Map<String, String> presets = new java.util.TreeMap<>();
        for (String k : tp.root().keySet()) {
            if (!WorldMap.names().contains(k)) {
                throw new ConfigException.BadPath(tp.root().get(k).origin(), PATH + ".tokenizers.presets." + k,
                        "unknown image modality; expected " + WorldMap.names());
            }
            if (tp.root().get(k).valueType() != ConfigValueType.STRING) {
                throw new ConfigException.WrongType(tp.root().get(k).origin(), PATH + ".tokenizers.presets." + k,
                        "STRING", tp.root().get(k).valueType().name());
            }
            presets.put(k, tp.getString(k));
        }
        Config ov = c.getConfig("tokenizers.overrides");
        for (String k : ov.root().keySet()) {
            if (!WorldMap.names().contains(k)) {
                throw new ConfigException.BadPath(ov.root().get(k).origin(), PATH + ".tokenizers.overrides." + k,
                        "unknown image modality; expected " + WorldMap.names());
            }
            if (ov.root().get(k).valueType() != ConfigValueType.OBJECT) {
                throw new ConfigException.WrongType(ov.root().get(k).origin(), PATH + ".tokenizers.overrides." + k,
                        "OBJECT", ov.root().get(k).valueType().name());
            }
        }
        Weights weights;
        try {
            weights = Weights.parse(c.getString("weights"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(c.getValue("weights").origin(), PATH + ".weights", e.getMessage());
        }
        return new DemoSettings(c.getInt("resolution"), c.getInt("patch-size"), c.getInt("train-scenes"),
                c.getInt("heldout-scenes"), c.getInt("examples"), c.getInt("threads"),
                new World(c.getLong("world.train-seed"), c.getLong("world.heldout-seed"), c.getConfig("world.synth")),
                new Text(c.getInt("text.vocab-size"), c.getInt("text.min-frequency"),
                        c.getInt("text.caption-max-tokens"), c.getInt("text.det-max-tokens")),
                new Tokenizers(presets, ov, c.getInt("tokenizers.steps"), c.getInt("tokenizers.batch-size")),
                new Model(c.getInt("model.dim"), c.getInt("model.encoder-depth"), c.getInt("model.decoder-depth"),
                        c.getInt("model.num-heads"), c.getDouble("model.mlp-ratio"), c.getString("model.family"),
                        c.getLong("model.steps"), c.getInt("model.batch-size"), c.getDouble("model.blr"),
                        c.getLong("model.warmup-steps"), c.getInt("model.num-input-tokens"),
                        c.getInt("model.num-target-tokens"), c.getDouble("model.all-to-all-alpha"),
                        c.getDoubleList("model.mixture-weights"), c.getLong("model.seed")),
                new Generation(c.getInt("generation.rgb2x-steps"), c.getDouble("generation.rgb2x-temperature"),
                        c.getDouble("generation.text-temperature"), c.getInt("generation.x2rgb-steps"),
                        c.getDouble("generation.x2rgb-temperature"), c.getDouble("generation.x2rgb-cfg-scale"),
                        c.getDouble("generation.top-p"), c.getLong("generation.seed"),
                        c.getInt("generation.batch-size")),
                c.getInt("engine-threads"), weights, root);
    }

    private static void range(String key, double v, double lo, double hi) {
        if (!(v >= lo && v <= hi)) {
            throw bad(key, "a number in [" + fmt(lo) + ", " + fmt(hi) + "]", v);
        }
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private static ConfigException bad(String key, String expected, Object got) {
        return new ConfigException.BadValue(PATH + "." + key, "expected " + expected + ", got "
                + (got instanceof Double d ? fmt(d) : String.valueOf(got)));
    }
}
