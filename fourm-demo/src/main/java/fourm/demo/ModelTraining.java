package fourm.demo;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import fourm.api.Modality;
import fourm.core.train.Experiment;
import fourm.core.train.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trains the demo's 4M with fourm-core's training loop ({@link Trainer}) on the pre-tokenized training world.
 *
 * <p>The run's {@code fourm.train} settings are made from {@code fourm.demo.model}: a custom size, AdamW with a
 * cosine schedule, and an inline masking mixture of two components with equal footing, as 4M-7's
 * {@code mix_mod7_all2all_rgb2all}: <b>all-to-all</b> (every modality an input and a target, Dirichlet alpha
 * {@code all-to-all-alpha}) and <b>RGB-to-all</b> (RGB tokens in, everything else out, alpha 0.5).
 */
public final class ModelTraining {
    private ModelTraining() {
    }

    /**
     * The {@code fourm.train} configuration of the demo run, over {@code root}.
     *
     * @param modalities the experiment's modalities, RGB first
     */
    static Config trainConfig(Config root, DemoSettings s, List<String> modalities, String rgbKey, Path data,
                              Path outDir) {
        DemoSettings.Model m = s.model();
        Map<String, Object> mods = new LinkedHashMap<>();
        double a = m.allToAllAlpha();
        for (String k : modalities) {
            Map<String, Object> node = new LinkedHashMap<>();
            boolean rgb = k.equals(rgbKey);
            node.put("input-alphas", List.of(a, rgb ? 1000.0 : 0.0));
            node.put("target-alphas", List.of(a, rgb ? 0.0 : 0.5));
            if (!k.startsWith("tok_")) {
                node.put("keep", List.of("random", "random"));
            }
            mods.put(k, node);
        }
        Map<String, Object> mixture = new LinkedHashMap<>();
        mixture.put("sampling-weights", m.mixtureWeights());
        mixture.put("modalities", mods);
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("seed", m.seed());
        t.put("output-dir", outDir.toString());
        t.put("resume", false);
        t.put("steps", m.steps());
        t.put("batch-size", m.batchSize());
        t.put("accum-iter", 1);
        t.put("loss-type", "mod");
        t.put("model", Map.of("preset", "custom", "dim", m.dim(), "encoder-depth", m.encoderDepth(),
                "decoder-depth", m.decoderDepth(), "num-heads", m.numHeads(), "mlp-ratio", m.mlpRatio(),
                "family", m.family()));
        t.put("masking", Map.of("mixture", mixture, "num-input-tokens", m.numInputTokens(),
                "min-input-tokens", m.numInputTokens(), "num-target-tokens", m.numTargetTokens(),
                "min-target-tokens", m.numTargetTokens()));
        t.put("data", Map.of("path", data.toString(), "crop", "first", "toy-samples", 0));
        t.put("optimizer", Map.of("blr", m.blr(), "min-blr", m.blr() / 100));
        t.put("schedule", Map.of("type", "cosine", "warmup-steps", m.warmupSteps()));
        t.put("eval", Map.of("every", 0));
        t.put("checkpoint", Map.of("every", 0, "keep-last", 1));
        t.put("progress", "lines");
        t.put("log-every", Math.max(1, (int) Math.min(100, m.steps() / 20)));
        Config train = ConfigValueFactory.fromMap(t).toConfig().atPath("fourm.train");
        Config data0 = ConfigFactory.parseMap(Map.of("fourm.data.shuffle-buffer", 2000, "fourm.data.seed", m.seed()));
        return train.withFallback(data0).withFallback(root).resolve();
    }

    /**
     * Trains and writes the final model to {@code modelFile}, its tensors stored as float16 ({@link HalfPrecision}).
     *
     * @param modalities the experiment's modalities in order (the dataset's folders)
     * @param console    where the training loop prints its lines (null for none)
     * @param progress   hears the steps
     * @return the training loop's result
     */
    public static Trainer.Result train(Config root, DemoSettings s, Map<String, Modality> modalities, String rgbKey,
                                       Path data, Path runDir, Path modelFile, PrintStream console,
                                       DemoProgress progress) throws IOException {
        Config c = trainConfig(root, s, new ArrayList<>(modalities.keySet()), rgbKey, data, runDir);
        if (console == null) {
            c = c.withValue("fourm.train.progress", ConfigValueFactory.fromAnyRef("off"));
        }
        Experiment exp = Experiment.prepare(c, modalities);
        progress.message(String.format(Locale.ROOT, "4M: dim %d, %d+%d blocks, %d heads; %d steps of %d samples,"
                        + " %d input + %d target tokens", s.model().dim(), s.model().encoderDepth(),
                s.model().decoderDepth(), s.model().numHeads(), s.model().steps(), s.model().batchSize(),
                s.model().numInputTokens(), s.model().numTargetTokens()));
        PrintWriter out = new PrintWriter(console != null ? console : java.io.OutputStream.nullOutputStream(), true);
        Trainer trainer = new Trainer(exp, out, Map.of("fourm.demo", "true"));
        if (console == null) {
            // the training loop's own lines (step, loss, rate, ETA) go to the console when there is one
            trainer.onStep(step -> progress.progress(step, s.model().steps(), "training steps"));
        }
        Trainer.Result r = trainer.run();
        Path ckpt = r.checkpoint().orElseThrow(() -> new IllegalStateException("training wrote no checkpoint in "
                + runDir));
        Path model = ckpt.resolve("model.safetensors");
        if (!Files.isRegularFile(model)) {
            throw new IOException(model + ": the training checkpoint holds no model.safetensors");
        }
        HalfPrecision.compact(model, modelFile);
        return r;
    }
}
