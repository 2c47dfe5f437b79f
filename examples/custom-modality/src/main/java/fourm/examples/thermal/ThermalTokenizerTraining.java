package fourm.examples.thermal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import fourm.core.io.Offline;
import fourm.vq.Normalization;
import fourm.vq.Raster;
import fourm.vq.VqCheckpoints;
import fourm.vq.VqConfig;
import fourm.vq.VqModel;
import fourm.vq.train.VqTrainSettings;
import fourm.vq.train.VqTrainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains the thermal tokenizer with fourm-vq's trainer ({@link VqTrainer}) from the plugin's own configuration: the
 * architecture at {@code fourm.modality.thermal.tokenizer.model} (a fourm-vq tokenizer definition) and the run at
 * {@code fourm.modality.thermal.tokenizer.train}, on {@link ThermalMaps} scenes of the modality's
 * {@code height x width} (a non-square grid), and writes a fourm-vq checkpoint that
 * {@code fourm.modality.thermal.tokenizer.checkpoint} then points at.
 *
 * <p>From the command line: {@code java ... fourm.examples.thermal.ThermalTokenizerTraining [-Dconfig.file=exp.conf]}
 * trains with the configured settings and writes {@code tokenizer.train.output}.
 */
public final class ThermalTokenizerTraining {
    private ThermalTokenizerTraining() {
    }

    /**
     * What a run did.
     *
     * @param firstLoss  the loss of the first step
     * @param lastLoss   the mean loss of the last tenth of the steps
     * @param checkpoint where the weights went
     */
    public record Result(double firstLoss, double lastLoss, Path checkpoint) {
    }

    /**
     * Trains a tokenizer for the modality configured at {@code node} (the provider's node) and writes it to
     * {@code out}.
     *
     * @param log where a line per tenth of the run goes
     * @throws com.typesafe.config.ConfigException naming the key of a bad setting
     */
    public static Result train(Config node, Path out, PrintStream log) throws IOException {
        ThermalSettings s = ThermalSettings.fromNode(node);
        Config train = node.getConfig(ThermalSettings.TOKENIZER + ".train");
        long steps = train.getLong("steps");
        int batch = train.getInt("batch-size");
        long seed = train.getLong("seed");
        VqTrainSettings.Optimizer optimizer = new VqTrainSettings.Optimizer(train.getDouble("lr"),
                train.getDouble("min-lr"), train.getLong("warmup-steps"), 0.9, 0.99, 1e-8, 0.0, 1.0);
        VqConfig model = s.model();
        int tokens = (s.height() / model.patchSize()) * (s.width() / model.patchSize());
        double deadCode = (double) batch * tokens / model.vocabSize() / 4;
        SplittableRandom data = new SplittableRandom(seed);
        double first = Double.NaN;
        double tail = 0;
        int tailCount = 0;
        try (VqModel vq = VqModel.create(model, seed);
             VqTrainer trainer = new VqTrainer(vq, optimizer, steps, 1.0, deadCode)) {
            for (long step = 0; step < steps; step++) {
                float[] x = new float[batch * s.height() * s.width()];
                for (int i = 0; i < batch; i++) {
                    float[][] map = ThermalMaps.scene(data, s.height(), s.width(), s.minKelvin(), s.maxKelvin());
                    float[] unit = new float[s.height() * s.width()];
                    for (int y = 0; y < s.height(); y++) {
                        for (int c = 0; c < s.width(); c++) {
                            unit[y * s.width() + c] = (float) ((map[y][c] - s.minKelvin())
                                    / (s.maxKelvin() - s.minKelvin()));
                        }
                    }
                    float[] v = Normalization.toModel(model, new Raster(1, s.height(), s.width(), unit));
                    System.arraycopy(v, 0, x, i * v.length, v.length);
                }
                VqTrainer.StepResult r = trainer.step(x, batch, s.height(), s.width(), step,
                        VqTrainer.rngFor(seed, step));
                if (step == 0) {
                    first = r.loss();
                }
                if (step >= steps - Math.max(1, steps / 10)) {
                    tail += r.loss();
                    tailCount++;
                }
                if (log != null && (step + 1) % Math.max(1, steps / 10) == 0) {
                    log.printf(java.util.Locale.ROOT, "step %d/%d loss %.5f%n", step + 1, steps, r.loss());
                }
            }
            VqCheckpoints.save(vq, out, Map.of("fourm.modality", s.key()));
        }
        return new Result(first, tail / tailCount, out);
    }

    /**
     * Trains with the default configuration stack ({@code -Dconfig.file} over the plugin's {@code reference.conf})
     * and writes {@code fourm.modality.thermal.tokenizer.train.output}. As a launcher, it first keeps DJL offline.
     */
    public static void main(String[] args) throws IOException {
        Offline.enforce();
        Config root = ConfigFactory.load();
        Config node = root.getConfig(new ThermalTokensProvider().configPath());
        Path out = Path.of(node.getString(ThermalSettings.TOKENIZER + ".train.output"));
        Result r = train(node, out, System.out);
        System.out.printf(java.util.Locale.ROOT, "loss %.5f -> %.5f; wrote %s%n", r.firstLoss(), r.lastLoss(),
                r.checkpoint());
    }
}
