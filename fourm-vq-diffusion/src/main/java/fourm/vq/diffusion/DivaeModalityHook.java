package fourm.vq.diffusion;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import fourm.api.ModalityTokenizer;
import fourm.vq.ImageValues;
import fourm.vq.ModalityImageTokenizer;
import fourm.vq.Raster;
import fourm.vq.VqConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What {@link fourm.vq.modality.ImageTokenModality} asks of the diffusion decoder: whether a tokenizer checkpoint is a
 * DiVAE, its sampling settings from the plugin's {@code tokenizer} node ({@code steps}, {@code scheduler},
 * {@code seed}), and the tokenizer that decodes through it ({@link DivaeTokenizer}).
 */
public final class DivaeModalityHook {
    /** The tokenizer type of a DiVAE. */
    public static final String TYPE = DivaeCheckpoints.TYPE;
    /** Sampling steps when the node names none (the reference's demo decodes RGB, depth and normals in 25). */
    public static final int DEFAULT_STEPS = 25;

    private final String key;
    private final Path checkpoint;
    private final ImageValues values;
    private final DivaeCheckpoints.Description description;
    private final Settings settings;

    /**
     * The sampling settings of a plugin's {@code tokenizer} node.
     *
     * @param steps     sampling steps of a decode
     * @param scheduler the sampler replacing the checkpoint's own, if any
     * @param seed      seed of the sampler's noise
     */
    public record Settings(int steps, Optional<SchedulerConfig.Kind> scheduler, long seed) {
    }

    private DivaeModalityHook(String key, Path checkpoint, ImageValues values, DivaeCheckpoints.Description d,
                              Settings settings) {
        this.key = key;
        this.checkpoint = checkpoint;
        this.values = values;
        this.description = d;
        this.settings = settings;
    }

    /**
     * Reads {@code steps} (default {@value #DEFAULT_STEPS}), {@code scheduler} ({@code ddpm}, {@code ddim},
     * {@code pndm} or empty) and {@code seed} (default 0) of a {@code tokenizer} node.
     *
     * @throws ConfigException naming the key for a bad value
     */
    public static Settings settings(Config tokenizer, String configPath) {
        int steps = tokenizer.hasPath("steps") ? tokenizer.getInt("steps") : DEFAULT_STEPS;
        if (steps < 1 || steps > 1000) {
            throw new ConfigException.BadValue(tokenizer.origin(), "tokenizer.steps", configPath
                    + ".tokenizer.steps: expected 1 to 1000 sampling steps, got " + steps);
        }
        String s = tokenizer.hasPath("scheduler") ? tokenizer.getString("scheduler") : "";
        Optional<SchedulerConfig.Kind> kind;
        try {
            kind = s.isBlank() ? Optional.empty() : Optional.of(SchedulerConfig.Kind.parse(s));
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(tokenizer.origin(), "tokenizer.scheduler", configPath
                    + ".tokenizer.scheduler: " + e.getMessage() + " (or empty: the checkpoint's own)");
        }
        long seed = tokenizer.hasPath("seed") ? tokenizer.getLong("seed") : 0L;
        return new Settings(steps, kind, seed);
    }

    /** True when the checkpoint has a diffusion decoder ({@link DivaeCheckpoints#isDivae}). */
    public static boolean isDivae(Path checkpoint) {
        return DivaeCheckpoints.isDivae(checkpoint);
    }

    /**
     * Reads a DiVAE checkpoint's description for a modality (nothing is loaded).
     *
     * @throws ConfigException naming {@code tokenizer.checkpoint} if the checkpoint cannot be read or described
     */
    public static DivaeModalityHook describe(Config tokenizer, String key, Path checkpoint, ImageValues values,
                                             Settings settings) {
        DivaeCheckpoints.Description d;
        try {
            d = DivaeCheckpoints.describe(checkpoint, values);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException.BadValue(tokenizer.origin(), "tokenizer.checkpoint", key + ": " + checkpoint
                    + " is not a usable DiVAE checkpoint: " + e.getMessage(), e);
        }
        if (settings.scheduler().orElse(d.scheduler().kind()) == SchedulerConfig.Kind.PNDM
                && d.scheduler().prediction() == SchedulerConfig.Prediction.SAMPLE) {
            throw new ConfigException.BadValue(tokenizer.origin(), "tokenizer.scheduler", key + ": " + checkpoint
                    + " predicts x0 (prediction_type sample); the PNDM sampler takes epsilon or v_prediction, as the"
                    + " reference's PNDMScheduler: set tokenizer.scheduler to ddpm or ddim");
        }
        return new DivaeModalityHook(key, checkpoint, values, d, settings);
    }

    /** The encoder side's architecture. */
    public VqConfig encoder() {
        return description.encoder();
    }

    /** The sampling settings. */
    public Settings settings() {
        return settings;
    }

    /** Loads the network; the tokenizer reports long decodes on standard error. */
    public DivaeTokenizer load() throws IOException {
        SchedulerConfig scheduler = settings.scheduler().map(k -> description.scheduler().withKind(k))
                .orElse(description.scheduler());
        DivaeModel model = DivaeModel.load(description.weights(), description.encoder(), description.unet(),
                scheduler);
        try {
            return new DivaeTokenizer(key, model, settings.steps(), settings.seed(),
                    DivaeTokenizer.DEFAULT_BATCH_SIZE, Optional.of(checkpoint.toString()), System.err);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** The encoder side of a tokenizer {@link #load()} made. */
    public static ModalityImageTokenizer encoder(ModalityTokenizer<Raster> tokenizer) {
        return ((DivaeTokenizer) tokenizer).encoder();
    }
}
