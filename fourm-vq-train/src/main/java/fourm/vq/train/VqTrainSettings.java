package fourm.vq.train;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import fourm.api.ConfigReader;
import fourm.core.io.ConsoleProgress;
import fourm.vq.VqConfig;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything a tokenizer training run reads ({@code fourm.vq} in fourm-vq's {@code reference.conf}), read and checked
 * eagerly: a missing, mistyped, out-of-range or unknown key is a {@link ConfigException} naming the full key.
 *
 * @param preset        the preset trained
 * @param model         its architecture ({@code fourm.vq.presets.<preset>.model})
 * @param seed          seed of everything random
 * @param outputDir     checkpoints, log and final tokenizer
 * @param resume        continue from the latest checkpoint in {@code outputDir}
 * @param steps         optimizer steps
 * @param batchSize     images per step
 * @param optimizer     AdamW and schedule
 * @param codebookWeight weight of the code loss
 * @param deadCodeCoef  dead-code threshold coefficient
 * @param data          training data
 * @param evalEvery     steps between evaluations (0: only at the end)
 * @param checkpointEvery steps between checkpoints
 * @param keepLast      checkpoints kept
 * @param progress      console progress mode
 * @param logEvery      steps between progress lines
 * @param timeLimitMinutes stop (checkpoint, evaluate, save) after this many minutes of this session; 0 = none
 * @param resolved      the merged training node, as HOCON (recorded with the run)
 */
public record VqTrainSettings(String preset, VqConfig model, long seed, Path outputDir, boolean resume, long steps,
                              int batchSize, Optimizer optimizer, double codebookWeight, double deadCodeCoef,
                              Data data, long evalEvery, long checkpointEvery, int keepLast,
                              ConsoleProgress.Mode progress, int logEvery, double timeLimitMinutes, String resolved) {
    /** Root of fourm-vq's settings. */
    public static final String ROOT = "fourm.vq";

    private static final Set<String> TOP = Set.of("seed", "output-dir", "resume", "steps", "batch-size", "optimizer",
            "codebook-weight", "dead-code-coef", "data", "eval", "checkpoint", "progress", "log-every", "time-limit-minutes");
    private static final Set<String> OPT = Set.of("lr", "min-lr", "warmup-steps", "betas", "eps", "weight-decay",
            "clip-grad");
    private static final Set<String> DATA = Set.of("path", "folder", "teacher", "teacher-patch", "teacher-hidden",
            "teacher-seed", "teacher-image-size", "eval-samples", "max-samples", "min-crop-scale", "hflip");

    /**
     * AdamW and its cosine schedule.
     *
     * @param lr          peak learning rate
     * @param minLr       floor of the cosine
     * @param warmupSteps linear warm-up steps
     * @param beta1       first-moment decay
     * @param beta2       second-moment decay
     * @param eps         denominator epsilon
     * @param weightDecay decoupled weight decay
     * @param clipGrad    global gradient-norm clip (0 = none)
     */
    public record Optimizer(double lr, double minLr, long warmupSteps, double beta1, double beta2, double eps,
                            double weightDecay, double clipGrad) {
    }

    /** Where feature maps and global embeddings come from. */
    public enum Teacher {
        /** The files are the modality. */
        NONE,
        /** The files are RGB images, the modality is computed by {@link SyntheticTeacher}. */
        SYNTHETIC
    }

    /**
     * Training data.
     *
     * @param path             dataset root
     * @param folder           the modality's folder under it
     * @param teacher          where features come from
     * @param teacherPatch     synthetic teacher patch side
     * @param teacherHidden    synthetic teacher hidden width
     * @param teacherSeed      synthetic teacher weights
     * @param teacherImageSize side of the RGB crops the teacher sees
     * @param evalSamples      files held out for evaluation
     * @param maxSamples       at most this many files (0 = all)
     * @param minCropScale     RandomResizedCrop area scale lower bound
     * @param hflip            random horizontal flips
     */
    public record Data(Path path, String folder, Teacher teacher, int teacherPatch, int teacherHidden,
                       long teacherSeed, int teacherImageSize, int evalSamples, int maxSamples, double minCropScale,
                       boolean hflip) {
        /** The folder of the files. */
        public Path dir() {
            return path.resolve(folder);
        }
    }


    /** The presets defined under {@code fourm.vq.presets}. */
    public static List<String> presets(Config root) {
        return List.copyOf(new TreeSet<>(root.getConfig(ROOT + ".presets").root().keySet()));
    }

    /**
     * Reads the settings of preset {@code preset}: its model, and {@code fourm.vq.train} with the preset's
     * {@code train} block merged over it.
     *
     * @throws ConfigException naming the key of any bad setting, or listing the presets for an unknown one
     */
    public static VqTrainSettings fromConfig(Config root, String preset) {
        String presetPath = ROOT + ".presets." + quote(preset);
        if (!root.hasPath(presetPath)) {
            throw new ConfigException.BadPath(presetPath, "no tokenizer preset '" + preset + "'; presets are "
                    + presets(root) + " (define others under fourm.vq.presets)");
        }
        Config p = root.getConfig(presetPath);
        for (String k : p.root().keySet()) {
            if (!k.equals("model") && !k.equals("train") && !k.equals("diffusion")) {
                throw new ConfigException.BadPath(presetPath + "." + k, "unknown preset key; a preset has `model`,"
                        + " `train` and, for a DiVAE, `diffusion`");
            }
        }
        VqConfig model = VqConfig.fromConfig(preset, p.getConfig("model"));
        Config base = root.getConfig(ROOT + ".train");
        Config t = p.hasPath("train") ? p.getConfig("train").withFallback(base) : base;
        String at = presetPath + ".train or " + ROOT + ".train";
        ConfigReader.rejectUnknown(t, at + ".", TOP);
        Config o = t.getConfig("optimizer");
        ConfigReader.rejectUnknown(o, at + ".optimizer.", OPT);
        List<Double> betas = o.getDoubleList("betas");
        if (betas.size() != 2) {
            throw new ConfigException.BadValue(o.origin(), "optimizer.betas", "expected two numbers, got " + betas);
        }
        Optimizer opt = new Optimizer(positive(o, "lr"), nonNegative(o, "min-lr"), nonNegativeLong(o, "warmup-steps"),
                unit(o, "betas", betas.get(0)), unit(o, "betas", betas.get(1)), positive(o, "eps"),
                nonNegative(o, "weight-decay"), o.getDouble("clip-grad"));
        if (opt.minLr() > opt.lr()) {
            throw new ConfigException.BadValue(o.origin(), "optimizer.min-lr", "must not exceed optimizer.lr ("
                    + opt.lr() + "), got " + opt.minLr());
        }
        Config d = t.getConfig("data");
        ConfigReader.rejectUnknown(d, at + ".data.", DATA);
        if (d.getIsNull("path")) {
            throw new ConfigException.BadValue(d.origin(), "fourm.vq.train.data.path", "set the dataset root"
                    + " (a folder in the raw layout <path>/<folder>/<key>.<ext>, as fourm-synth writes it)");
        }
        if (d.getIsNull("folder")) {
            throw new ConfigException.BadValue(d.origin(), "fourm.vq.train.data.folder", "set the modality's folder"
                    + " under data.path");
        }
        Teacher teacher;
        try {
            teacher = Teacher.valueOf(d.getString("teacher").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(d.origin(), "data.teacher", "expected none or synthetic, got '"
                    + d.getString("teacher") + "'");
        }
        double minCrop = d.getDouble("min-crop-scale");
        if (!(minCrop > 0 && minCrop <= 1)) {
            throw new ConfigException.BadValue(d.origin(), "data.min-crop-scale", "expected a value in (0, 1], got "
                    + minCrop);
        }
        Data data = new Data(path(d, "path"), d.getString("folder"), teacher, positiveInt(d, "teacher-patch"),
                positiveInt(d, "teacher-hidden"), d.getLong("teacher-seed"), positiveInt(d, "teacher-image-size"),
                nonNegativeInt(d, "eval-samples"), nonNegativeInt(d, "max-samples"), minCrop, d.getBoolean("hflip"));
        ConsoleProgress.Mode progress;
        try {
            progress = ConsoleProgress.Mode.valueOf(t.getString("progress").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(t.origin(), "progress", "expected auto, bar, lines or none, got '"
                    + t.getString("progress") + "'");
        }
        Config ck = t.getConfig("checkpoint");
        ConfigReader.rejectUnknown(ck, at + ".checkpoint.", Set.of("every", "keep-last"));
        ConfigReader.rejectUnknown(t.getConfig("eval"), at + ".eval.", Set.of("every"));
        String resolved = t.root().render(ConfigRenderOptions.concise().setFormatted(true).setJson(false));
        return new VqTrainSettings(preset, model, t.getLong("seed"), path(t, "output-dir"), t.getBoolean("resume"),
                positiveLong(t, "steps"), positiveInt(t, "batch-size"), opt, nonNegative(t, "codebook-weight"),
                positive(t, "dead-code-coef"), data, nonNegativeLong(t.getConfig("eval"), "every"),
                positiveLong(ck, "every"), positiveInt(ck, "keep-last"), progress, positiveInt(t, "log-every"),
                nonNegative(t, "time-limit-minutes"), resolved);
    }

    /** Loads {@code file} over every module's reference.conf and reads preset {@code preset}. */
    public static VqTrainSettings load(Path file, String preset) {
        ConfigFactory.invalidateCaches();
        Config c = file == null ? ConfigFactory.load()
                : ConfigFactory.systemProperties().withFallback(ConfigFactory.parseFile(file.toFile(),
                        com.typesafe.config.ConfigParseOptions.defaults().setAllowMissing(false)))
                .withFallback(ConfigFactory.defaultReferenceUnresolved()).resolve();
        return fromConfig(c, preset);
    }

    /** The dead-code threshold of the reference: {@code batch * tokens per image / codebook size / coef}. */
    public double deadCodeThreshold() {
        return (double) batchSize * model.tokensPerImage() / model.vocabSize() / deadCodeCoef;
    }

    private static String quote(String key) {
        return key.matches("[A-Za-z0-9_-]+") ? key : "\"" + key.replace("\"", "\\\"") + "\"";
    }

    private static Path path(Config c, String key) {
        try {
            return Path.of(c.getString(key));
        } catch (InvalidPathException e) {
            throw new ConfigException.BadValue(c.origin(), key, "not a valid path: " + e.getMessage());
        }
    }

    private static double positive(Config c, String key) {
        double v = c.getDouble(key);
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new ConfigException.BadValue(c.origin(), key, "expected a number > 0, got " + v);
        }
        return v;
    }

    private static double nonNegative(Config c, String key) {
        double v = c.getDouble(key);
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new ConfigException.BadValue(c.origin(), key, "expected a number >= 0, got " + v);
        }
        return v;
    }

    private static double unit(Config c, String key, double v) {
        if (!(v >= 0 && v < 1)) {
            throw new ConfigException.BadValue(c.origin(), key, "expected values in [0, 1), got " + v);
        }
        return v;
    }

    private static long positiveLong(Config c, String key) {
        long v = c.getLong(key);
        if (v < 1) {
            throw new ConfigException.BadValue(c.origin(), key, "expected an integer >= 1, got " + v);
        }
        return v;
    }

    private static long nonNegativeLong(Config c, String key) {
        long v = c.getLong(key);
        if (v < 0) {
            throw new ConfigException.BadValue(c.origin(), key, "expected an integer >= 0, got " + v);
        }
        return v;
    }

    private static int positiveInt(Config c, String key) {
        int v = c.getInt(key);
        if (v < 1) {
            throw new ConfigException.BadValue(c.origin(), key, "expected an integer >= 1, got " + v);
        }
        return v;
    }

    private static int nonNegativeInt(Config c, String key) {
        int v = c.getInt(key);
        if (v < 0) {
            throw new ConfigException.BadValue(c.origin(), key, "expected an integer >= 0, got " + v);
        }
        return v;
    }
}
