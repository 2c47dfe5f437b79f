package fourm.vq.pretokenize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import fourm.core.io.Npy;
import fourm.core.data.TarReader;
import fourm.vq.ImageTokenizer;
import fourm.vq.Raster;
import fourm.vq.TokenGrid;
import fourm.vq.VqConfig;
import fourm.vq.VqModel;
import fourm.api.io.AtomicFiles;
import fourm.vq.io.Crops;
import fourm.vq.io.ImageFiles;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImagePretokenizerTest {
    @TempDir
    Path dir;

    static VqConfig config(String family, int channels, String extra) {
        return VqConfig.fromConfig(family, ConfigFactory.parseString("family = " + family
                + ", image-size = 16, channels = " + channels + ", patch-size = 8,"
                + " encoder { type = vit, dim = 16, depth = 1, heads = 2 },"
                + " decoder { type = vit, dim = 16, depth = 1, heads = 2 },"
                + " quantizer { type = lucid, codebook-size = 16, latent-dim = 4 }" + extra));
    }

    /** The .npy members of a modality's shards, by key. */
    static Map<String, Npy.Array> read(Path root, String modality) throws Exception {
        Map<String, Npy.Array> out = new LinkedHashMap<>();
        List<Path> shards;
        try (var s = Files.list(root.resolve(modality))) {
            shards = s.filter(p -> p.getFileName().toString().endsWith(".tar")).sorted().toList();
        }
        for (Path shard : shards) {
            try (TarReader r = new TarReader(new BufferedInputStream(Files.newInputStream(shard)), shard.toString())) {
                for (TarReader.Entry e = r.next(); e != null; e = r.next()) {
                    out.put(e.name().substring(0, e.name().indexOf('.')), Npy.read(e.data()));
                }
            }
        }
        return out;
    }

    @Test
    void everyModalityOfASampleGetsTheSameCrops() throws Exception {
        VqConfig rgb = config("rgb", 3, "");
        VqConfig depth = config("depth", 1, "");
        Path rgbDir = dir.resolve("rgb");
        Path depthDir = dir.resolve("depth");
        List<Raster> rgbs = new ArrayList<>();
        List<Raster> depths = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            float[] v = new float[3 * 24 * 32];
            float[] d = new float[24 * 32];
            for (int p = 0; p < 24 * 32; p++) {
                v[p] = ((p * (i + 3)) % 256) / 255f;
                v[24 * 32 + p] = ((p / 32 * 7 + i) % 256) / 255f;
                v[2 * 24 * 32 + p] = ((p % 32 * 5) % 256) / 255f;
                d[p] = 1000 + (p % 32) * 10 + i;
            }
            Raster r = new Raster(3, 24, 32, v);
            Raster dr = new Raster(1, 24, 32, d);
            rgbs.add(r);
            depths.add(dr);
            ImageFiles.write(rgbDir.resolve("s" + i + ".png"), r, rgb);
            AtomicFiles.write(depthDir.resolve("s" + i + ".npy"), Npy.writeFloat32(new int[] {24, 32}, d));
        }
        Path out = dir.resolve("dataset");
        try (VqModel rm = VqModel.create(rgb, 1); VqModel dm = VqModel.create(depth, 2)) {
            ImageTokenizer rt = ImageTokenizer.of(rm).withBatchSize(2);
            ImagePretokenizer.Summary a = ImagePretokenizer.run(rt, new ImagePretokenizer.Options(rgbDir, out, "tok_rgb@16", 3, 0.5,
                    7, 2), line -> { });
            assertThat(a.samples()).isEqualTo(5);
            assertThat(a.cropsPerSample()).isEqualTo(3);
            assertThat(a.tokensPerCrop()).isEqualTo(4);
            assertThat(a.cropSettingsReused()).isFalse();
            assertThat(a.shards()).hasSize(6);
            ImageTokenizer dt = ImageTokenizer.of(dm);
            ImagePretokenizer.Summary b = ImagePretokenizer.run(dt, new ImagePretokenizer.Options(depthDir, out, "tok_depth@16", 9,
                    0.5, 99, 2), line -> { });
            assertThat(b.cropSettingsReused()).isTrue();
            assertThat(b.cropsPerSample()).isEqualTo(3);

            Map<String, Npy.Array> crops = read(out, ImagePretokenizer.CROP_SETTINGS);
            Map<String, Npy.Array> rgbTokens = read(out, "tok_rgb@16");
            Map<String, Npy.Array> depthTokens = read(out, "tok_depth@16");
            assertThat(crops.keySet()).containsExactly("s0", "s1", "s2", "s3", "s4");
            assertThat(rgbTokens.keySet()).isEqualTo(crops.keySet());
            assertThat(depthTokens.keySet()).isEqualTo(crops.keySet());
            for (int i = 0; i < 5; i++) {
                Npy.Array c = crops.get("s" + i);
                assertThat(c.descr()).isEqualTo("<i2");
                assertThat(c.row(0)).containsExactly(0, 4, 24, 24, 0);
                for (int k = 0; k < 3; k++) {
                    Crops.Crop crop = Crops.Crop.fromRow(c.row(k));
                    TokenGrid expectRgb = rt.encode(Crops.apply(rgbs.get(i), crop, 16, 16, rgb.values()));
                    TokenGrid expectDepth = dt.encode(Crops.apply(depths.get(i), crop, 16, 16, depth.values()));
                    assertThat(rgbTokens.get("s" + i).row(k)).containsExactly(expectRgb.tokens());
                    assertThat(depthTokens.get("s" + i).row(k)).containsExactly(expectDepth.tokens());
                }
            }
        }
    }

    @Test
    void mismatchesAreRefused() throws IOException {
        VqConfig rgb = config("rgb", 3, "");
        Path rgbDir = dir.resolve("rgb");
        for (int i = 0; i < 2; i++) {
            ImageFiles.write(rgbDir.resolve("k" + i + ".png"), new Raster(3, 16, 16, new float[3 * 256]), rgb);
        }
        Path out = dir.resolve("ds");
        try (VqModel m = VqModel.create(rgb, 1)) {
            ImageTokenizer t = ImageTokenizer.of(m);
            ImagePretokenizer.run(t, new ImagePretokenizer.Options(rgbDir, out, "tok_rgb@16", 1, 1, 0, 10), l -> { });
            assertThatThrownBy(() -> ImagePretokenizer.run(t, new ImagePretokenizer.Options(rgbDir, out, "tok_rgb@16", 1, 1, 0,
                    10), l -> { })).hasMessageContaining("already exists");
            Files.copy(rgbDir.resolve("k0.png"), rgbDir.resolve("k9.png"));
            assertThatThrownBy(() -> ImagePretokenizer.run(t, new ImagePretokenizer.Options(rgbDir, out, "tok_rgb@32", 1, 1, 0,
                    10), l -> { })).hasMessageContaining("no settings for 'k9'");
            Files.delete(rgbDir.resolve("k9.png"));
            Files.copy(rgbDir.resolve("k0.png"), rgbDir.resolve("bad key.png"));
            assertThatThrownBy(() -> ImagePretokenizer.run(t, new ImagePretokenizer.Options(rgbDir, out, "tok_rgb@32", 1, 1, 0,
                    10), l -> { })).hasMessageContaining("'bad key'");
        }
    }
}
