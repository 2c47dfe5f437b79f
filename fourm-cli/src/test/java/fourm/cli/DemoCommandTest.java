package fourm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fourm demo --train} and {@code fourm eval} on the module path, as {@code bin/fourm} runs them, with a tiny
 * configuration (32 x 32 scenes, tiny tokenizers and model, a few steps): the commands are wired, find their settings,
 * the modality plugins' nodes and fourm-vq's presets, and write what they promise; user mistakes are one-line errors.
 */
class DemoCommandTest {

    static Path tinyConfig(Path dir) throws IOException {
        StringBuilder ov = new StringBuilder();
        for (String p : List.of("rgb", "depth", "normal", "semseg")) {
            ov.append(p).append(".model { image-size = 32, encoder { dim = 32, depth = 1, heads = 2 }, decoder { dim"
                    + " = 32, depth = 1, heads = 2 }, quantizer { codebook-size = 32 } }\n");
        }
        String c = "fourm.demo { resolution = 32, train-scenes = 24, heldout-scenes = 4, examples = 1,"
                + " world.synth.min-visible-pixels = 4, text.vocab-size = 4500,"
                + " tokenizers { overrides { " + ov + " }, steps = 2, batch-size = 4 },"
                + " model { dim = 32, encoder-depth = 1, decoder-depth = 1, num-heads = 2, steps = 3, batch-size = 4,"
                + " warmup-steps = 1, num-input-tokens = 16, num-target-tokens = 16 },"
                + " generation { batch-size = 4, x2rgb-steps = 2 } }\n";
        Path f = dir.resolve("tiny.conf");
        Files.writeString(f, c);
        return f;
    }

    @Test
    void demoTrainsAndEvalReadsItsWeights(@TempDir Path dir) throws IOException {
        Path conf = tinyConfig(dir);
        Path out = dir.resolve("out");
        ModulePathRun.Result demo = ModulePathRun.fourm(Duration.ofMinutes(5), "-c", conf.toString(), "demo",
                "--train", "--out", out.toString());
        assertThat(demo.exitCode()).as(demo.toString()).isZero();
        assertThat(demo.stdout()).contains("Zero-shot from RGB on 4 held-out scenes", "depth", "normals", "semseg",
                "boxes", "caption", "metrics: " + out.resolve("metrics.json"));
        assertThat(demo.stderr()).contains("[1/8] making the worlds", "[5/8] training the 4M model", "done in");
        assertThat(out.resolve("grids")).isDirectoryContaining("glob:**.png");
        JsonObject metrics = JsonParser.parseString(Files.readString(out.resolve("metrics.json"))).getAsJsonObject();
        assertThat(metrics.getAsJsonObject("eval").getAsJsonArray("rows")).hasSize(6);

        Path json = dir.resolve("eval.json");
        ModulePathRun.Result eval = ModulePathRun.fourm(Duration.ofMinutes(3), "-c", conf.toString(), "eval",
                "--weights", out.resolve("weights").toString(), "--json", json.toString());
        assertThat(eval.exitCode()).as(eval.toString()).isZero();
        assertThat(eval.stdout()).contains("Zero-shot from RGB on 4 held-out scenes", "json: " + json);
        assertThat(JsonParser.parseString(Files.readString(json)).getAsJsonObject().get("command").getAsString())
                .isEqualTo("fourm eval");
    }

    @Test
    void mistakesAreOneLineUserErrors(@TempDir Path dir) {
        ModulePathRun.Result bad = ModulePathRun.fourm(Duration.ofMinutes(2), "eval", "--weights",
                dir.resolve("none").toString());
        assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(Main.USER_ERROR);
        assertThat(bad.stderr()).contains("fourm: error: --weights:", "is not a folder");

        ModulePathRun.Result steps = ModulePathRun.fourm(Duration.ofMinutes(2), "demo", "--examples", "100000");
        assertThat(steps.exitCode()).as(steps.toString()).isEqualTo(Main.USER_ERROR);
        assertThat(steps.stderr()).contains("fourm.demo.examples");
    }
}
