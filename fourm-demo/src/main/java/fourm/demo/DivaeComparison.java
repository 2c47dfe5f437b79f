package fourm.demo;

import com.typesafe.config.Config;
import fourm.vq.Raster;
import fourm.vq.VqModel;
import fourm.vq.diffusion.DivaeModel;
import fourm.vq.diffusion.SchedulerConfig;
import fourm.vq.diffusion.UNetConfig;
import fourm.vq.train.DivaeTrainer;
import fourm.vq.train.TrainingData;
import fourm.vq.train.VqTrainSettings;
import fourm.vq.train.VqTrainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The demo's ViT decoder against a diffusion decoder (DiVAE) on one map of the world, in one run: the same encoder
 * architecture, the same training scenes, steps, batches and seed, the same held-out scenes; the ViT tokenizer decodes
 * in one pass, the DiVAE's patched UNet (patch 4, 32 channels, attention at the coarser level, x0 prediction, DDPM
 * with linear betas and zero terminal SNR, as the released tokenizers) in {@code evalSteps} sampling steps. Reported:
 * PSNR for RGB, L1 (standardised units) for depth, as {@link fourm.vq.train.ReconstructionMetrics} computes them.
 */
public final class DivaeComparison {
    private DivaeComparison() {
    }

    /**
     * What the comparison measured.
     *
     * @param vit      held-out metrics of the ViT decoder
     * @param divae    held-out metrics of the DiVAE (encoder and UNet trained together)
     * @param frozen   held-out metrics of a DiVAE decoder trained on the ViT tokenizer's encoder, left as it is (the
     *                 same tokens as the ViT tokenizer: a drop-in decoder for its ids)
     * @param seconds  training wall time of each (ViT, DiVAE, frozen-encoder DiVAE)
     */
    public record Result(Map<String, Double> vit, Map<String, Double> divae, Map<String, Double> frozen,
                         double[] seconds) {
    }

    /**
     * Trains both tokenizers of {@code map} on {@code scenes} training-world scenes (the last quarter, at most 64,
     * held out) for the demo's tokenizer steps and evaluates them; progress on {@code out}.
     */
    public static Result run(Config root, DemoSettings s, WorldMap map, int scenes, int evalSteps, PrintStream out)
            throws IOException {
        Path tmp = Files.createTempDirectory("fourm-divae-compare");
        VqTrainSettings v = DemoTokenizers.settings(root, s, map, tmp);
        List<SceneData> world = World.scenes(s, World.Split.TRAIN, scenes, DemoProgress.NONE);
        int nEval = Math.min(64, world.size() / 4);
        List<Raster> train = new ArrayList<>();
        List<Raster> eval = new ArrayList<>();
        for (int i = 0; i < world.size(); i++) {
            (i < world.size() - nEval ? train : eval).add(map.raster(world.get(i)));
        }
        TrainingData data = TrainingData.of(v.model(), v.data(), train, eval);
        out.printf(Locale.ROOT, "%s: %d training and %d held-out scenes, %d steps of %d%n", map.name(), train.size(),
                eval.size(), v.steps(), v.batchSize());
        double[] seconds = new double[3];
        Map<String, Double> frozenMetrics;
        Map<String, Double> vit;
        int ch = v.model().channels();
        UNetConfig unet = new UNetConfig(v.model().imageSize(), ch, ch, v.model().quantizer().latentDim(), 4, 32, 1,
                List.of(2), List.of(1, 2), 1, -1);
        SchedulerConfig scheduler = SchedulerConfig.releasedPredX0();
        long t0 = System.nanoTime();
        VqModel vitModel = VqModel.create(v.model(), v.seed());
        try (DivaeModel frozen = DivaeModel.withEncoder(vitModel, unet, scheduler, v.seed() + 7)) {
            try (VqTrainer trainer = VqTrainer.of(vitModel, v)) {
                for (long step = 0; step < v.steps(); step++) {
                    trainer.step(data, v.batchSize(), v.seed(), step);
                }
                seconds[0] = (System.nanoTime() - t0) / 1e9;
                vit = trainer.evaluate(data, 32);
            }
            out.printf(Locale.ROOT, "ViT decoder (%.0f s): %s%n", seconds[0], vit);
            t0 = System.nanoTime();
            try (DivaeTrainer trainer = new DivaeTrainer(frozen, v, evalSteps, true)) {
                for (long step = 0; step < v.steps(); step++) {
                    trainer.step(data, v.batchSize(), v.seed(), step);
                }
                seconds[2] = (System.nanoTime() - t0) / 1e9;
                frozenMetrics = trainer.evaluate(data, 32);
            }
            out.printf(Locale.ROOT, "DiVAE decoder on the ViT tokenizer's encoder, frozen, %d DDPM steps (%.0f s): %s%n",
                    evalSteps, seconds[2], frozenMetrics);
        }
        Map<String, Double> divae;
        t0 = System.nanoTime();
        try (DivaeModel model = DivaeModel.create(v.model(), unet, scheduler, v.seed());
             DivaeTrainer trainer = new DivaeTrainer(model, v, evalSteps)) {
            for (long step = 0; step < v.steps(); step++) {
                trainer.step(data, v.batchSize(), v.seed(), step);
            }
            seconds[1] = (System.nanoTime() - t0) / 1e9;
            divae = trainer.evaluate(data, 32);
        }
        out.printf(Locale.ROOT, "DiVAE, %d DDPM steps (%.0f s): %s%n", evalSteps, seconds[1], divae);
        return new Result(vit, divae, frozenMetrics, seconds);
    }
}
