package fourm.vq.train;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import fourm.core.io.SafetensorsReader;
import fourm.vq.diffusion.DivaeCheckpoints;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tokenizer-train} of a DiVAE preset (the tiny preset with a {@code diffusion} node): it trains, its diffusion
 * loss falls, it writes a DiVAE checkpoint, and a resumed run ends exactly where an uninterrupted one does.
 */
class DivaeTrainingTest {
    @TempDir
    Path dir;

    private static final String DIFFUSION = "fourm.vq.presets.tiny.diffusion { unet { patch-size = 4,"
            + " model-channels = 32, num-res-blocks = 1, attention-resolutions = [2], channel-mult = [1, 2] },"
            + " scheduler { prediction = sample }, eval-steps = 2 }\n";

    private static TrainingRun.Result run(Config c) throws IOException {
        VqTrainSettings s = VqTrainSettings.fromConfig(c, "tiny");
        return DivaeTraining.run(s, DivaeTraining.fromConfig(c, s).orElseThrow(),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @Test
    void aDivaePresetTrainsAndResumesExactly() throws IOException {
        Path data = dir.resolve("data");
        TrainingRunTest.writeImages(data, 11);
        Path a = dir.resolve("a");
        TrainingRun.Result straight = run(TrainingRunTest.config(data, a, DIFFUSION));
        assertThat(straight.steps()).isEqualTo(6);
        assertThat(straight.metrics()).containsKeys("mse", "psnr");
        assertThat(DivaeCheckpoints.isDivae(a.resolve(TrainingRun.FINAL_FILE))).isTrue();

        Path b = dir.resolve("b");
        run(TrainingRunTest.config(data, b, DIFFUSION));
        TrainingRunTest.deleteTree(b.resolve("checkpoints/step-00000006"));
        Files.delete(b.resolve(TrainingRun.FINAL_FILE));
        TrainingRun.Result resumed = run(TrainingRunTest.config(data, b, DIFFUSION));
        assertThat(resumed.startStep()).isEqualTo(3);
        try (SafetensorsReader ra = SafetensorsReader.open(a.resolve(TrainingRun.FINAL_FILE));
             SafetensorsReader rb = SafetensorsReader.open(b.resolve(TrainingRun.FINAL_FILE))) {
            assertThat(rb.keys()).isEqualTo(ra.keys());
            for (String k : ra.keys()) {
                assertThat(rb.floats(k)).as(k).isEqualTo(ra.floats(k));
            }
        }
        assertThat(resumed.metrics()).isEqualTo(straight.metrics());
    }

    @Test
    void theDiffusionLossFalls() throws IOException {
        Path data = dir.resolve("data");
        TrainingRunTest.writeImages(data, 8);
        Config c = TrainingRunTest.config(data, dir.resolve("out"), DIFFUSION
                + "fourm.vq.train { steps = 40, checkpoint.every = 100, eval.every = 0, data.eval-samples = 1,"
                + " optimizer.lr = 1e-3 }");
        VqTrainSettings s = VqTrainSettings.fromConfig(c, "tiny");
        DivaeTraining.Spec spec = DivaeTraining.fromConfig(c, s).orElseThrow();
        TrainingData d = TrainingData.load(s.model(), s.data());
        try (fourm.vq.diffusion.DivaeModel m = fourm.vq.diffusion.DivaeModel.create(s.model(), spec.unet(),
                spec.scheduler(), 1);
             DivaeTrainer t = new DivaeTrainer(m, s, 2)) {
            double first = 0;
            double last = 0;
            for (int i = 0; i < 40; i++) {
                double r = t.step(d, 4, 5, i).reconLoss();
                if (i < 5) {
                    first += r / 5;
                } else if (i >= 35) {
                    last += r / 5;
                }
            }
            assertThat(last).isLessThan(first * 0.7);
        }
    }

    @Test
    void pndmIsASamplerNotATrainingScheduler() {
        Config c = TrainingRunTest.config(dir.resolve("data"), dir.resolve("out"), DIFFUSION
                + "fourm.vq.presets.tiny.diffusion.scheduler { type = pndm, prediction = v_prediction }\n");
        VqTrainSettings s = VqTrainSettings.fromConfig(c, "tiny");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DivaeTraining.fromConfig(c, s))
                .isInstanceOf(com.typesafe.config.ConfigException.class)
                .hasMessageContaining("sampler only").hasMessageContaining("tokenizer.scheduler = pndm");
    }
}
