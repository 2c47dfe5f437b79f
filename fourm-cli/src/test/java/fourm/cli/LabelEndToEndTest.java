package fourm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import fourm.core.io.Npy;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fourm label} on the module path, in a child JVM, with the offline teachers of fourm-teacher (they need no
 * model file): listed by {@code --list}, and run over a folder of photos, writing JSON or {@code .npy} labels.
 */
class LabelEndToEndTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @Test
    void listsTheOfflineTeachers() {
        ModulePathRun.Result r = ModulePathRun.fourm(TIMEOUT, "label", "--list");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).contains("clip:synthetic  (settings: fourm.labelers.clip-synthetic)",
                "dinov2:synthetic", "imagebind:synthetic", "dinov2-global:synthetic", "imagebind-global:synthetic");
    }

    @Test
    void labelsAFolderWithTheClipStandIn(@TempDir Path dir) throws Exception {
        Path photos = Files.createDirectories(dir.resolve("photos"));
        BufferedImage img = new BufferedImage(96, 64, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 96; x++) {
                img.setRGB(x, y, (x * 2 << 16) | (y * 3 << 8) | ((x + y) & 0xff));
            }
        }
        ImageIO.write(img, "png", photos.resolve("a.png").toFile());
        Path out = dir.resolve("labels");

        ModulePathRun.Result r = ModulePathRun.fourm(TIMEOUT, "label", "--labeler", "clip:synthetic", "--images",
                photos.toString(), "--out", out.toString());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).contains("14x14x512 map");
        JsonObject label = JsonParser.parseString(Files.readString(out.resolve("a.json"), StandardCharsets.UTF_8))
                .getAsJsonObject();
        JsonArray shape = label.getAsJsonArray("shape");
        assertThat(new int[] {shape.get(0).getAsInt(), shape.get(1).getAsInt(), shape.get(2).getAsInt()})
                .containsExactly(14, 14, 512);
        assertThat(label.getAsJsonArray("values")).hasSize(14 * 14 * 512);
        assertThat(out.resolve("a.overlay.png")).isNotEmptyFile();

        // The same map as a (C, H, W) float32 .npy, the tokenizer trainer's feature files.
        Path npyOut = dir.resolve("npy");
        r = ModulePathRun.fourm(TIMEOUT, "label", "--labeler", "clip:synthetic", "--images", photos.toString(),
                "--out", npyOut.toString(), "--format", "npy", "--no-overlay");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        Npy.FloatArray npy = Npy.readFloats(npyOut.resolve("a.npy"));
        assertThat(npy.shape()).containsExactly(512, 14, 14);
        JsonArray values = label.getAsJsonArray("values");
        for (int[] at : new int[][] {{0, 0, 0}, {511, 0, 0}, {7, 3, 12}, {300, 13, 13}}) {
            int c = at[0];
            int h = at[1];
            int w = at[2];
            assertThat(npy.data()[(c * 14 + h) * 14 + w]).as("channel %d at (%d, %d)", c, h, w)
                    .isEqualTo(values.get((h * 14 + w) * 512 + c).getAsFloat());
        }
        assertThat(npyOut.resolve("a.json")).doesNotExist();
        assertThat(npyOut.resolve("a.overlay.png")).doesNotExist();
    }

    @Test
    void refusesAnUnknownFormat(@TempDir Path dir) {
        ModulePathRun.Result r = ModulePathRun.fourm(TIMEOUT, "label", "--labeler", "clip:synthetic", "--images",
                dir.toString(), "--out", dir.resolve("out").toString(), "--format", "csv");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.stderr()).contains("--format csv: expected json or npy");
    }
}
