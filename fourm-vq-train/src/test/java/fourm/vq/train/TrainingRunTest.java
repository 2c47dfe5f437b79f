package fourm.vq.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import fourm.core.io.SafetensorsReader;
import fourm.core.io.TrainLog;
import fourm.vq.Raster;
import fourm.vq.VqCheckpoints;
import fourm.vq.VqConfig;
import fourm.vq.io.ImageFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingRunTest {
    @TempDir
    Path dir;

    static final String TINY = "fourm.vq.presets.tiny { model { family = rgb, image-size = 16, channels = 3,"
            + " patch-size = 8, encoder { type = vit, dim = 16, depth = 1, heads = 2 },"
            + " decoder { type = vit, dim = 16, depth = 1, heads = 2 },"
            + " quantizer { type = lucid, codebook-size = 16, latent-dim = 4 } }, train.data.folder = rgb }\n";

    /** Blocky random RGB images of 20 x 20 written as PNG under {@code root/rgb}. */
    static void writeImages(Path root, int n) throws IOException {
        VqConfig rgb = VqTrainSettings.fromConfig(config(root, root.resolve("x"), ""), "tiny").model();
        SplittableRandom rng = new SplittableRandom(8);
        for (int i = 0; i < n; i++) {
            float[] v = new float[3 * 20 * 20];
            for (int c = 0; c < 3; c++) {
                float a = rng.nextInt(256) / 255f;
                float b = rng.nextInt(256) / 255f;
                for (int y = 0; y < 20; y++) {
                    for (int x = 0; x < 20; x++) {
                        v[(c * 20 + y) * 20 + x] = x < 10 ? a : b;
                    }
                }
            }
            ImageFiles.write(root.resolve("rgb").resolve(String.format("img-%03d.png", i)), new Raster(3, 20, 20, v),
                    rgb);
        }
    }

    static Config config(Path data, Path out, String extra) {
        return ConfigFactory.parseString(TINY + "fourm.vq.train { data.path = \"" + data + "\", output-dir = \""
                + out + "\", steps = 6, batch-size = 4, checkpoint.every = 3, eval.every = 3, log-every = 1,"
                + " progress = none, data.eval-samples = 3, optimizer.warmup-steps = 2 }\n" + extra)
                .withFallback(ConfigFactory.defaultReference()).resolve();
    }

    static TrainingRun.Result run(Config c) throws IOException {
        return TrainingRun.run(VqTrainSettings.fromConfig(c, "tiny"),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @Test
    void aResumedRunEndsExactlyWhereAnUninterruptedOneDoes() throws IOException {
        Path data = dir.resolve("data");
        writeImages(data, 11);
        Path a = dir.resolve("a");
        TrainingRun.Result straight = run(config(data, a, ""));
        assertThat(straight.finished()).isTrue();
        assertThat(straight.steps()).isEqualTo(6);
        assertThat(straight.metrics()).containsKeys("mse", "baseline_mse", "psnr", "codebook_usage", "perplexity");
        assertThat(Files.isDirectory(a.resolve("checkpoints/step-00000003"))).isTrue();
        assertThat(Files.isDirectory(a.resolve("checkpoints/step-00000006"))).isTrue();

        Path b = dir.resolve("b");
        run(config(data, b, ""));
        // Interrupt after step 3: the later checkpoint, the final files and the later log records never happened.
        deleteTree(b.resolve("checkpoints/step-00000006"));
        Files.delete(b.resolve(TrainingRun.FINAL_FILE));
        TrainingRun.Result resumed = run(config(data, b, ""));
        assertThat(resumed.startStep()).isEqualTo(3);
        // The files differ only in the recorded output folder; every tensor is the same, bit for bit.
        try (SafetensorsReader ra = SafetensorsReader.open(a.resolve(TrainingRun.FINAL_FILE));
             SafetensorsReader rb = SafetensorsReader.open(b.resolve(TrainingRun.FINAL_FILE))) {
            assertThat(rb.keys()).isEqualTo(ra.keys());
            for (String k : ra.keys()) {
                assertThat(rb.floats(k)).as(k).isEqualTo(ra.floats(k));
            }
        }
        assertThat(resumed.metrics()).isEqualTo(straight.metrics());
        List<JsonObject> log = TrainLog.read(b.resolve(TrainLog.FILE_NAME));
        assertThat(log.stream().filter(o -> o.get("type").getAsString().equals("train"))
                .map(o -> o.get("step").getAsLong()).toList()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(VqCheckpoints.metadata(b.resolve(TrainingRun.FINAL_FILE))).containsEntry("fourm.step", "6");
        assertThat(Files.readString(b.resolve(TrainingRun.METRICS_FILE))).contains("\"psnr\"");
    }

    @Test
    void resumingAnotherArchitectureIsRefused() throws IOException {
        Path data = dir.resolve("data");
        writeImages(data, 6);
        Path out = dir.resolve("out");
        run(config(data, out, "fourm.vq.train.steps = 3"));
        assertThatThrownBy(() -> run(config(data, out,
                "fourm.vq.train.steps = 6, fourm.vq.presets.tiny.model.quantizer.codebook-size = 8")))
                .hasMessageContaining("another architecture");
    }

    @Test
    void missingDataIsNamed() {
        Path out = dir.resolve("out");
        assertThatThrownBy(() -> run(config(dir.resolve("nowhere"), out, "")))
                .hasMessageContaining("nowhere").hasMessageContaining("rgb");
    }

    static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
