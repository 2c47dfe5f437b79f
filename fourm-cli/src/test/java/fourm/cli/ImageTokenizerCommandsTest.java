package fourm.cli;

import static fourm.cli.Run.fourm;
import static org.assertj.core.api.Assertions.assertThat;

import fourm.vq.Raster;
import fourm.vq.VqCheckpoints;
import fourm.vq.VqConfig;
import fourm.vq.io.ImageFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fourm tokenizer-train} and {@code fourm pretokenize} in process, on a tiny preset and eight images. */
class ImageTokenizerCommandsTest {
    @TempDir
    Path dir;

    @Test
    void trainsATokenizerAndPretokenizesWithIt() throws IOException {
        Path conf = dir.resolve("tiny.conf");
        Files.writeString(conf, "fourm.vq.presets.tiny { model { family = rgb, image-size = 16, channels = 3,"
                + " patch-size = 8, encoder { type = vit, dim = 16, depth = 1, heads = 2 },"
                + " decoder { type = vit, dim = 16, depth = 1, heads = 2 },"
                + " quantizer { type = lucid, codebook-size = 16, latent-dim = 4 } }, train.data.folder = rgb }\n"
                + "fourm.vq.train { batch-size = 4, progress = none, data.eval-samples = 2 }\n");
        Path data = dir.resolve("data");
        SplittableRandom rng = new SplittableRandom(1);
        VqConfig any = VqConfig.fromConfig("x", com.typesafe.config.ConfigFactory.parseString(
                "family = rgb, image-size = 16, channels = 3, patch-size = 8, encoder { type = vit, dim = 16,"
                        + " depth = 1, heads = 2 }, decoder { type = vit, dim = 16, depth = 1, heads = 2 },"
                        + " quantizer { type = lucid, codebook-size = 16, latent-dim = 4 }"));
        for (int i = 0; i < 8; i++) {
            float[] v = new float[3 * 16 * 16];
            for (int k = 0; k < v.length; k++) {
                v[k] = rng.nextInt(256) / 255f;
            }
            ImageFiles.write(data.resolve("rgb").resolve("img-" + i + ".png"), new Raster(3, 16, 16, v), any);
        }
        Path out = dir.resolve("run");
        Run train = fourm("tokenizer-train", "-c", conf.toString(), "--modality", "tiny", "--data", data.toString(),
                "-o", out.toString(), "--steps", "4");
        assertThat(train.exit()).as(train.err()).isEqualTo(Main.OK);
        assertThat(train.out()).contains("tokenizer tiny: " + out.resolve("tokenizer.safetensors"))
                .contains("(step 4 of 4)").contains("psnr=");
        assertThat(VqCheckpoints.readConfig(out.resolve("tokenizer.safetensors")).name()).isEqualTo("tiny");

        Path ds = dir.resolve("ds");
        Run pre = fourm("pretokenize", "--tokenizer", out.resolve("tokenizer.safetensors").toString(), "--modality",
                "tok_rgb@16", "--images", data.resolve("rgb").toString(), "--out", ds.toString(), "--crops", "2",
                "--samples-per-shard", "5");
        assertThat(pre.exit()).as(pre.err()).isEqualTo(Main.OK);
        assertThat(pre.out()).contains("wrote 8 samples x 2 crops x 4 tokens");
        assertThat(ds.resolve("tok_rgb@16").resolve("shard-00001.tar")).exists();
        assertThat(ds.resolve("crop_settings").resolve("shard-00000.tar")).exists();
        assertThat(ds.resolve("tok_rgb@16").resolve("manifest.json")).exists();

        // written before manifests existed: the same run again verifies and adopts both folders, writing nothing
        String manifest = Files.readString(ds.resolve("tok_rgb@16").resolve("manifest.json"));
        Files.delete(ds.resolve("tok_rgb@16").resolve("manifest.json"));
        Files.delete(ds.resolve("crop_settings").resolve("manifest.json"));
        Run again = fourm("pretokenize", "--tokenizer", out.resolve("tokenizer.safetensors").toString(), "--modality",
                "tok_rgb@16", "--images", data.resolve("rgb").toString(), "--out", ds.toString(), "--crops", "2",
                "--samples-per-shard", "5");
        assertThat(again.exit()).as(again.err()).isEqualTo(Main.OK);
        assertThat(again.err()).contains("adopted " + ds.resolve("tok_rgb@16"))
                .contains("adopted " + ds.resolve("crop_settings"));
        assertThat(again.out()).contains("nothing to write");
        assertThat(Files.readString(ds.resolve("tok_rgb@16").resolve("manifest.json"))).isEqualTo(manifest);

        // a 16 px tokenizer (4 tokens a crop) into tok_rgb@224 (196 tokens a crop) is refused before any work
        Run wrongSize = fourm("pretokenize", "--tokenizer", out.resolve("tokenizer.safetensors").toString(),
                "--modality", "tok_rgb@224", "--images", data.resolve("rgb").toString(), "--out", ds.toString());
        assertThat(wrongSize.exit()).as(wrongSize.err()).isEqualTo(Main.USER_ERROR);
        assertThat(wrongSize.err()).contains("tok_rgb@224 holds 196 tokens a crop").contains("makes 4");
        assertThat(ds.resolve("tok_rgb@224")).doesNotExist();
    }

    @Test
    void mistakesAreUserErrors() {
        Run unknown = fourm("tokenizer-train", "--modality", "lidar", "--data", dir.toString());
        assertThat(unknown.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(unknown.err()).contains("no tokenizer preset 'lidar'").contains("rgb");
        Run noData = fourm("tokenizer-train", "--modality", "rgb", "--data", dir.resolve("none").toString(), "-o",
                dir.resolve("o").toString());
        assertThat(noData.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(noData.err()).contains(dir.resolve("none").resolve("rgb").toString());
        Run missing = fourm("pretokenize", "--tokenizer", dir.resolve("no.safetensors").toString(), "--modality",
                "tok_rgb@16", "--images", dir.toString(), "--out", dir.resolve("ds").toString());
        assertThat(missing.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(missing.err()).contains("no.safetensors");
    }
}
