package fourm.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shortened demo from scratch (tiny world, tokenizers and model, a few steps each): every stage runs and writes
 * well-formed outputs, and {@code fourm eval}'s path reads the weights back. The numbers of so short a run mean nothing;
 * the test checks that they are there and finite.
 */
class DemoEndToEndTest {
    private static final List<String> ROWS = List.of("depth_l1", "depth_delta1", "normal_angle", "semseg_miou",
            "det_map50", "caption_exact");

    static Config tiny() {
        StringBuilder ov = new StringBuilder();
        for (String p : List.of("rgb", "depth", "normal", "semseg")) {
            ov.append(p).append(".model { image-size = 32, encoder { dim = 32, depth = 1, heads = 2 }, decoder { dim"
                    + " = 32, depth = 1, heads = 2 }, quantizer { codebook-size = 32, latent-dim = 8 } }, ");
        }
        String demo = "fourm.demo { resolution = 32, patch-size = 8, train-scenes = 24, heldout-scenes = 6,"
                + " examples = 2, world.synth.min-visible-pixels = 4, text.vocab-size = 4500,"
                + " tokenizers { overrides { " + ov + "}, steps = 3, batch-size = 4 },"
                + " model { dim = 32, encoder-depth = 1, decoder-depth = 1, num-heads = 2, steps = 4, batch-size = 4,"
                + " warmup-steps = 1, num-input-tokens = 16, num-target-tokens = 16 },"
                + " generation { batch-size = 4, x2rgb-steps = 2 }, weights = train }";
        return ConfigFactory.parseString(demo).withFallback(ConfigFactory.defaultReferenceUnresolved())
                .resolve();
    }

    @Test
    void aShortDemoWritesGridsMetricsAndWeightsThatEvalReads(@TempDir Path out) throws Exception {
        DemoSettings s = DemoSettings.from(tiny());
        List<String> stages = new ArrayList<>();
        DemoProgress progress = new DemoProgress() {
            @Override
            public void stage(int index, int total, String name) {
                stages.add(index + "/" + total + " " + name);
            }

            @Override
            public void progress(long done, long total, String unit) {
            }

            @Override
            public void message(String text) {
            }
        };
        Demo.Result r = Demo.run(s, out, progress, null);

        assertThat(stages).hasSize(8);
        assertThat(r.grids()).hasSize(2);
        for (Path g : r.grids()) {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(Files.readAllBytes(g)));
            assertThat(img).as(g.toString()).isNotNull();
            assertThat(img.getWidth()).isEqualTo(6 + 5 * (32 * Grids.SCALE + 6));
            assertThat(img.getHeight()).isGreaterThan(3 * 32 * Grids.SCALE);
        }
        for (String f : Demo.WEIGHT_FILES) {
            assertThat(out.resolve("weights").resolve(f)).isRegularFile();
        }
        assertThat(out.resolve("dataset").resolve("caption").resolve("shard-00000.tar")).isRegularFile();

        JsonObject metrics = JsonParser.parseString(Files.readString(r.metrics())).getAsJsonObject();
        assertThat(metrics.get("weights").getAsString()).isEqualTo("train");
        checkRows(metrics.getAsJsonObject("eval"), 6);
        assertThat(metrics.getAsJsonArray("grids")).hasSize(2);
        assertThat(metrics.getAsJsonObject("seconds").size()).isEqualTo(8);

        Path json = out.resolve("eval.json");
        EvalReport again = Demo.evaluate(s, out.resolve("weights"), json, DemoProgress.NONE);
        checkRows(JsonParser.parseString(Files.readString(json)).getAsJsonObject().getAsJsonObject("eval"), 6);
        // the same weights, scenes and seed give the same table
        assertThat(again.rows()).isEqualTo(r.report().rows());
    }

    private static void checkRows(JsonObject eval, int scenes) {
        assertThat(eval.get("scenes").getAsInt()).isEqualTo(scenes);
        JsonArray rows = eval.getAsJsonArray("rows");
        List<String> keys = new ArrayList<>();
        for (JsonElement e : rows) {
            JsonObject row = e.getAsJsonObject();
            keys.add(row.get("key").getAsString());
            for (String k : List.of("model", "tokenizer_bound", "trivial")) {
                assertThat(row.get(k).getAsDouble()).as(row.get("key") + " " + k).isFinite();
            }
        }
        assertThat(keys).containsExactlyElementsOf(ROWS);
    }
}
