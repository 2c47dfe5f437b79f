package fourm.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import fourm.api.Modality;
import fourm.core.io.TrainLog;
import fourm.testing.ToyModalities;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training end to end on the toy data: losses fall, resume is bit-exact, checkpoints are complete. */
class TrainerTest {
    @TempDir
    static Path shared;
    @TempDir
    Path dir;

    static Path data;

    @BeforeAll
    static void writeData() throws IOException {
        data = shared.resolve("toy");
        ToyData.write(data, ToyModalities.specs(), 512, 7, 128);
    }

    static Map<String, Modality> modalities() {
        Map<String, Modality> m = new LinkedHashMap<>();
        ToyModalities.specs().forEach((k, spec) -> m.put(k, Modality.pretokenized(spec)));
        return m;
    }

    /** A micro model (dim 64, 2+2 blocks) on the toy data with an all-to-all mixture. */
    static Config config(Path out, String extra) {
        return config(out, data, extra);
    }

    /** As {@link #config(Path, String)} with another data folder. */
    static Config config(Path out, Path dataPath, String extra) {
        String text = "fourm.train {\n"
                + "  output-dir = \"" + out.toString().replace("\\", "/") + "\"\n"
                + "  seed = 3\n"
                + "  batch-size = 8\n"
                + "  model { preset = custom, dim = 64, encoder-depth = 2, decoder-depth = 2, num-heads = 4 }\n"
                + "  masking {\n"
                + "    mixture { modalities {\n"
                + "      \"tok_rgb@224\" { input-alphas = [1.0], target-alphas = [1.0] }\n"
                + "      \"tok_depth@224\" { input-alphas = [1.0], target-alphas = [1.0] }\n"
                + "      caption { input-alphas = [1.0], target-alphas = [1.0], keep = [random] }\n"
                + "    } }\n"
                + "    num-input-tokens = 64\n"
                + "    num-target-tokens = 64\n"
                + "  }\n"
                + "  data.path = \"" + dataPath.toString().replace("\\", "/") + "\"\n"
                + "  optimizer { blr = 0.1, min-blr = 1e-4, weight-decay = 0.05, clip-grad = 1.0 }\n"
                + "  schedule { type = cosine, warmup-steps = 20 }\n"
                + "  progress = off\n"
                + "}\n"
                + "fourm.data { shuffle-buffer = 64, prefetch = 16 }\n"
                + extra;
        return ConfigFactory.parseString(text).withFallback(ConfigFactory.defaultReference()).resolve();
    }

    static Trainer trainer(Config c) {
        return new Trainer(Experiment.prepare(c, modalities()), new PrintWriter(new StringWriter(), true), Map.of());
    }

    static List<JsonObject> records(Path out, String type) throws IOException {
        return TrainLog.read(out.resolve(TrainLog.FILE_NAME)).stream()
                .filter(o -> o.get("type").getAsString().equals(type)).collect(Collectors.toList());
    }

    @Test
    void everyModalityLossFallsBelowHalfItsInitialValue() throws IOException {
        Path out = dir.resolve("run");
        Trainer.Result r = trainer(config(out, "fourm.train { steps = 300, eval { every = 100, batch-size = 32 },"
                + " checkpoint.every = 0 }")).run();
        assertThat(r.endStep()).isEqualTo(300);
        assertThat(r.interrupted()).isFalse();
        List<JsonObject> evals = records(out, "eval");
        assertThat(evals).extracting(o -> o.get("step").getAsLong()).containsExactly(0L, 100L, 200L, 300L);
        JsonObject first = evals.get(0).getAsJsonObject("losses");
        JsonObject last = evals.get(evals.size() - 1).getAsJsonObject("losses");
        for (String m : List.of(ToyModalities.RGB, ToyModalities.DEPTH, ToyModalities.CAPTION)) {
            double before = first.get(m).getAsDouble();
            double after = last.get(m).getAsDouble();
            assertThat(after).as("eval loss of %s: %s at step 0, %s at step 300", m, before, after)
                    .isLessThan(0.5 * before);
        }
        List<JsonObject> steps = records(out, "train");
        assertThat(steps).hasSize(300);
        JsonObject s1 = steps.get(0);
        assertThat(s1.get("tokens").getAsLong()).isEqualTo(8 * (64 + 64));
        assertThat(s1.get("tokens_per_s").getAsDouble()).isPositive();
        assertThat(s1.get("grad_norm").getAsDouble()).isPositive();
        assertThat(s1.get("lr").getAsDouble()).isZero();
        assertThat(steps.get(20).get("lr").getAsDouble()).isEqualTo(0.1 * 8 / 256, org.assertj.core.data.Offset
                .offset(1e-12));
        assertThat(s1.getAsJsonObject("losses").keySet()).containsExactly(ToyModalities.RGB, ToyModalities.DEPTH,
                ToyModalities.CAPTION);
        assertThat(records(out, "checkpoint")).extracting(o -> o.get("path").getAsString())
                .containsExactly("checkpoints/step-00000300");
        assertThat(out.resolve("checkpoints/step-00000300/model.safetensors")).isRegularFile();
        assertThat(out.resolve("checkpoints/step-00000300/train-state.safetensors")).isRegularFile();
        assertThat(out.resolve("config.conf")).isRegularFile();
    }

    @Test
    void resumedRunRepeatsTheUninterruptedRunBitForBit() throws IOException {
        String common = "fourm.train { steps = 12, accum-iter = 2, eval.every = 0, checkpoint.every = 0,"
                + " schedule.warmup-steps = 2 }";
        Path full = dir.resolve("full");
        trainer(config(full, common)).run();

        Path split = dir.resolve("split");
        Trainer first = trainer(config(split, common));
        first.onStep(step -> {
            if (step == 5) {
                first.requestStop();
            }
        });
        Trainer.Result r1 = first.run();
        assertThat(r1.interrupted()).isTrue();
        assertThat(r1.endStep()).isEqualTo(5);
        assertThat(r1.checkpoint()).contains(split.resolve("checkpoints/step-00000005"));
        assertThatThrownBy(() -> trainer(config(split, common)).run())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("resume");

        Trainer.Result r2 = trainer(config(split, common + "\nfourm.train.resume = true")).run();
        assertThat(r2.startStep()).isEqualTo(5);
        assertThat(r2.endStep()).isEqualTo(12);

        List<JsonObject> a = records(full, "train");
        List<JsonObject> b = records(split, "train");
        assertThat(b).extracting(o -> o.get("step").getAsLong())
                .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L);
        for (int i = 0; i < 12; i++) {
            for (String k : List.of("loss", "grad_norm", "samples")) {
                assertThat(b.get(i).get(k)).as("step %d %s", i + 1, k).isEqualTo(a.get(i).get(k));
            }
            assertThat(b.get(i).get("losses")).isEqualTo(a.get(i).get("losses"));
        }
        // The final weights agree too.
        try (var ma = fourm.core.model.Checkpoints.load(full.resolve("checkpoints/step-00000012/model.safetensors"));
             var mb = fourm.core.model.Checkpoints.load(split.resolve(
                     "checkpoints/step-00000012/model.safetensors"))) {
            for (String k : ma.parameters().trainable().keySet()) {
                assertThat(mb.parameters().get(k).toFloatArray()).as(k)
                        .containsExactly(ma.parameters().get(k).toFloatArray());
            }
        }
        assertThat(Files.readString(split.resolve(TrainLog.FILE_NAME))).doesNotContain("\"step\":13");
    }
}
