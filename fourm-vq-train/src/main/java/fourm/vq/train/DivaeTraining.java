package fourm.vq.train;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import fourm.vq.ImageValues;
import fourm.vq.diffusion.DivaeCheckpoints;
import fourm.vq.diffusion.DivaeModel;
import fourm.vq.diffusion.SchedulerConfig;
import fourm.vq.diffusion.UNetConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * DiVAE training in {@code fourm tokenizer-train}: a preset with a {@code diffusion} node trains its encoder side
 * ({@code model}) with a patched-UNet diffusion decoder instead of the ViT decoder, through {@link TrainingRun}'s loop
 * (log, checkpoints, resume, held-out metrics), with {@link DivaeTrainer}:
 * <pre>
 * diffusion {
 *   unet { patch-size = 4, model-channels = 32, num-res-blocks = 1, attention-resolutions = [2], channel-mult = [1, 2] }
 *   scheduler { type = ddpm, beta-schedule = linear, prediction = sample, zero-terminal-snr = true, thresholding = true }
 *   eval-steps = 25        # sampling steps of the held-out evaluation
 * }
 * </pre>
 * The trained tokenizer is a DiVAE checkpoint in fourm's own format ({@link DivaeCheckpoints}).
 */
public final class DivaeTraining {
    private static final Set<String> KEYS = Set.of("unet", "scheduler", "eval-steps");
    private static final Set<String> UNET_KEYS = Set.of("patch-size", "model-channels", "num-res-blocks",
            "attention-resolutions", "channel-mult", "num-heads", "num-head-channels");
    private static final Set<String> SCHEDULER_KEYS = Set.of("type", "train-steps", "beta-schedule", "prediction",
            "clip-sample", "thresholding", "zero-terminal-snr");

    private DivaeTraining() {
    }

    /**
     * The diffusion decoder of a DiVAE preset.
     *
     * @param unet      the UNet (its image size and channels are the preset model's)
     * @param scheduler the noise schedule and prediction type
     * @param evalSteps sampling steps of the held-out evaluation
     */
    public record Spec(UNetConfig unet, SchedulerConfig scheduler, int evalSteps) {
    }

    /**
     * The {@code diffusion} node of preset {@code preset}, if it has one.
     *
     * @throws ConfigException naming the key of a bad setting
     */
    public static Optional<Spec> fromConfig(Config root, VqTrainSettings settings) {
        String at = VqTrainSettings.ROOT + ".presets." + settings.preset() + ".diffusion";
        if (!root.hasPath(VqTrainSettings.ROOT + ".presets")
                || !root.getConfig(VqTrainSettings.ROOT + ".presets").root().containsKey(settings.preset())) {
            return Optional.empty();
        }
        Config preset = root.getConfig(VqTrainSettings.ROOT + ".presets").getConfig("\"" + settings.preset() + "\"");
        if (!preset.hasPath("diffusion")) {
            return Optional.empty();
        }
        Config d = preset.getConfig("diffusion");
        unknown(d, KEYS, at);
        Config u = d.getConfig("unet");
        unknown(u, UNET_KEYS, at + ".unet");
        Config s = d.hasPath("scheduler") ? d.getConfig("scheduler") : com.typesafe.config.ConfigFactory.empty();
        unknown(s, SCHEDULER_KEYS, at + ".scheduler");
        var m = settings.model();
        try {
            UNetConfig unet = new UNetConfig(m.imageSize(), m.channels(), m.channels(), m.quantizer().latentDim(),
                    u.getInt("patch-size"), u.getInt("model-channels"), u.getInt("num-res-blocks"),
                    u.getIntList("attention-resolutions"), u.getIntList("channel-mult"),
                    u.hasPath("num-heads") ? u.getInt("num-heads") : 1,
                    u.hasPath("num-head-channels") ? u.getInt("num-head-channels") : -1);
            SchedulerConfig base = SchedulerConfig.releasedPredX0();
            SchedulerConfig.Kind kind = SchedulerConfig.Kind.parse(s.hasPath("type") ? s.getString("type") : "ddpm");
            if (kind == SchedulerConfig.Kind.PNDM) {
                throw new IllegalArgumentException("scheduler.type = pndm: PNDM is a sampler only (its own schedule,"
                        + " not the one trained); train with ddpm or ddim and decode with tokenizer.scheduler = pndm");
            }
            SchedulerConfig sc = new SchedulerConfig(kind,
                    s.hasPath("train-steps") ? s.getInt("train-steps") : base.trainSteps(),
                    s.hasPath("beta-schedule") ? SchedulerConfig.BetaSchedule.parse(s.getString("beta-schedule"))
                            : base.betaSchedule(), base.betaStart(), base.betaEnd(),
                    s.hasPath("prediction") ? SchedulerConfig.Prediction.parse(s.getString("prediction"))
                            : base.prediction(),
                    s.hasPath("clip-sample") && s.getBoolean("clip-sample"),
                    !s.hasPath("thresholding") || s.getBoolean("thresholding"),
                    !s.hasPath("zero-terminal-snr") || s.getBoolean("zero-terminal-snr"), base.spacing(), 0);
            int evalSteps = d.hasPath("eval-steps") ? d.getInt("eval-steps") : 25;
            if (evalSteps < 1) {
                throw new IllegalArgumentException("eval-steps must be >= 1, got " + evalSteps);
            }
            return Optional.of(new Spec(unet, sc, evalSteps));
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(d.origin(), at, e.getMessage(), e);
        }
    }

    private static void unknown(Config c, Set<String> known, String at) {
        for (String k : c.root().keySet()) {
            if (!known.contains(k)) {
                throw new ConfigException.BadPath(at + "." + k, "unknown key; expected one of "
                        + new java.util.TreeSet<>(known));
            }
        }
    }

    /** Trains (or resumes) a DiVAE; progress goes to {@code console}. */
    public static TrainingRun.Result run(VqTrainSettings s, Spec spec, PrintStream console) throws IOException {
        ImageValues values = s.model().values();
        return TrainingRun.run(s, console, (data, latest) -> {
            DivaeModel model = latest.isPresent()
                    ? DivaeCheckpoints.load(latest.get(), values, Optional.empty())
                    : DivaeModel.create(s.model(), spec.unet(), spec.scheduler(), s.seed());
            if (!model.encoder().config().equals(s.model()) || !model.unet().config().equals(spec.unet())) {
                model.close();
                throw new IllegalArgumentException(latest.orElseThrow() + " holds a tokenizer of another architecture"
                        + " than preset " + s.preset() + "; use another output-dir or set resume = false");
            }
            String description = String.format(Locale.ROOT, "DiVAE %s (%s): %,d encoder and %,d UNet parameters,"
                    + " %d tokens per image, %d codes, %s %s prediction, held-out decodes in %d steps", s.preset(),
                    values.name(), model.encoder().parameterCount(), model.unet().parameterCount(),
                    s.model().tokensPerImage(), s.model().vocabSize(),
                    spec.scheduler().kind().name().toLowerCase(Locale.ROOT),
                    spec.scheduler().prediction().name().toLowerCase(Locale.ROOT), spec.evalSteps());
            return TrainingRun.Session.of(description, model::close,
                    () -> new DivaeTrainer(model, s, spec.evalSteps()),
                    (file, provenance) -> DivaeCheckpoints.save(model, file, provenance));
        });
    }
}
