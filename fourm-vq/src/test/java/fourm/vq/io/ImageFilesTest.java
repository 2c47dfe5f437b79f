package fourm.vq.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import fourm.api.io.AtomicFiles;
import fourm.core.io.Npy;
import fourm.vq.Raster;
import fourm.vq.VqConfig;
import fourm.vq.values.ImageValueKit;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFilesTest {
    @TempDir
    Path dir;

    static VqConfig config(String family, int channels, String extra) {
        int patch = family.equals("feature-map") || family.equals("global-embedding") ? 1 : 8;
        int side = family.equals("global-embedding") ? 1 : 16;
        String net = family.equals("global-embedding")
                ? "encoder { type = bottleneck-mlp, dim = 16, depth = 1 }, decoder { type = bottleneck-mlp, dim = 16, depth = 1 },"
                + " quantizer { type = memcodes, codebook-size = 8, latent-dim = 8, heads = 2 }"
                : "encoder { type = vit, dim = 16, depth = 1, heads = 2 }, decoder { type = vit, dim = 16, depth = 1, heads = 2 },"
                + " quantizer { type = lucid, codebook-size = 8, latent-dim = 4 }";
        return VqConfig.fromConfig(family, ConfigFactory.parseString("family = " + family + ", image-size = " + side
                + ", channels = " + channels + ", patch-size = " + patch + ", " + net + extra));
    }

    static Raster random(int c, int h, int w, long seed, boolean bytes) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] v = new float[c * h * w];
        for (int i = 0; i < v.length; i++) {
            v[i] = bytes ? rng.nextInt(256) / 255f : (float) rng.nextGaussian();
        }
        return new Raster(c, h, w, v);
    }

    @Test
    void rgbPngsRoundTripAtEightBits() throws IOException {
        VqConfig c = config("rgb", 3, "");
        Raster r = random(3, 16, 12, 1, true);
        Path f = dir.resolve("a.png");
        ImageFiles.write(f, r, c);
        assertThat(ImageFiles.read(f, c)).isEqualTo(r);
        assertThat(ImageFiles.readRgb(f)).isEqualTo(r);
    }

    @Test
    void depthReadsSixteenBitPngsAndNpy() throws IOException {
        VqConfig c = config("depth", 1, "");
        BufferedImage img = new BufferedImage(4, 3, BufferedImage.TYPE_USHORT_GRAY);
        img.getRaster().setSample(2, 1, 0, 60000);
        Path f = dir.resolve("d.png");
        ImageIO.write(img, "png", f.toFile());
        Raster d = ImageFiles.read(f, c);
        assertThat(d.shapeString()).isEqualTo("1 x 3 x 4");
        assertThat(d.at(0, 1, 2)).isEqualTo(60000f);
        Path n = dir.resolve("d.npy");
        AtomicFiles.write(n, Npy.writeFloat32(new int[] {3, 4}, d.data()));
        assertThat(ImageFiles.read(n, c)).isEqualTo(d);
    }

    @Test
    void semsegReadsClassIds() throws IOException {
        VqConfig c = config("semseg", 4, ", num-classes = 6");
        Raster ids = new Raster(1, 2, 3, new float[] {0, 1, 5, 255, 2, 3});
        Path f = dir.resolve("s.png");
        ImageFiles.write(f, ids, c);
        assertThat(ImageFiles.read(f, c)).isEqualTo(ids);
    }

    @Test
    void mismatchesNameTheFileAndTheExpectation() throws IOException {
        VqConfig rgb = config("rgb", 3, "");
        BufferedImage wide = new BufferedImage(4, 4, BufferedImage.TYPE_USHORT_GRAY);
        Path f16 = dir.resolve("deep.png");
        ImageIO.write(wide, "png", f16.toFile());
        assertThatThrownBy(() -> ImageFiles.read(f16, rgb)).isInstanceOf(IOException.class)
                .hasMessageContaining(f16.toString()).hasMessageContaining("16-bit PNG")
                .hasMessageContaining("8-bit");
        BufferedImage gray = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY);
        Path g = dir.resolve("gray.png");
        ImageIO.write(gray, "png", g.toFile());
        assertThatThrownBy(() -> ImageFiles.read(g, rgb)).hasMessageContaining("1 channel (gray)")
                .hasMessageContaining("have 3 (RGB)");
        VqConfig edge = config("edge", 1, "");
        Path color = dir.resolve("color.png");
        ImageFiles.write(color, random(3, 4, 4, 2, true), rgb);
        assertThatThrownBy(() -> ImageFiles.read(color, edge)).hasMessageContaining("3 channels")
                .hasMessageContaining("edge maps have 1 (gray)");
        VqConfig feat = config("feature-map", 8, "");
        Path fm = dir.resolve("f.npy");
        AtomicFiles.write(fm, Npy.writeFloat32(new int[] {4, 2, 2}, new float[16]));
        assertThatThrownBy(() -> ImageFiles.read(fm, feat)).hasMessageContaining("shape (4, 2, 2)")
                .hasMessageContaining("(8, H, W)");
        float[] v = new float[32];
        v[9] = Float.NaN;
        AtomicFiles.write(fm, Npy.writeFloat32(new int[] {8, 2, 2}, v));
        assertThatThrownBy(() -> ImageFiles.read(fm, feat)).hasMessageContaining("value NaN at channel 2, row 0, column 1");
        assertThatThrownBy(() -> ImageFiles.read(color, feat)).hasMessageContaining("read from .npy");
        VqConfig global = config("global-embedding", 8, "");
        AtomicFiles.write(fm, Npy.writeFloat32(new int[] {8}, new float[8]));
        assertThat(ImageFiles.read(fm, global).shapeString()).isEqualTo("8 x 1 x 1");
        assertThatThrownBy(() -> ImageFiles.read(dir.resolve("missing.png"), rgb))
                .hasMessageContaining("missing.png");
    }

    @Test
    void cropsCutResizeAndFlip() {
        Raster r = new Raster(1, 2, 4, new float[] {0, 1, 2, 3, 4, 5, 6, 7});
        Crops.Crop centre = Crops.centre(2, 4);
        assertThat(centre).isEqualTo(new Crops.Crop(0, 1, 2, 2, false));
        assertThat(Crops.apply(r, centre, 2, 2, ImageValueKit.depth()).data()).containsExactly(1, 2, 5, 6);
        assertThat(Crops.apply(r, new Crops.Crop(0, 1, 2, 2, true), 2, 2, ImageValueKit.semseg()).data())
                .containsExactly(2, 1, 6, 5);
        assertThat(Crops.apply(r, new Crops.Crop(0, 0, 2, 4, false), 1, 2, ImageValueKit.semseg()).data())
                .containsExactly(0, 2);
        Raster normal = new Raster(3, 1, 1, new float[] {0.9f, 0.2f, 0.7f});
        assertThat(Crops.apply(normal, new Crops.Crop(0, 0, 1, 1, true), 1, 1, ImageValueKit.normal()).data())
                .containsExactly(1 - 0.9f, 0.2f, 0.7f);
        assertThat(Crops.Crop.fromRow(new Crops.Crop(1, 2, 3, 4, true).toRow())).isEqualTo(new Crops.Crop(1, 2, 3, 4, true));
        SplittableRandom rng = new SplittableRandom(4);
        for (int i = 0; i < 50; i++) {
            Crops.Crop c = Crops.randomResized(40, 60, 0.5, rng);
            assertThat(c.top() + c.h()).isLessThanOrEqualTo(40);
            assertThat(c.left() + c.w()).isLessThanOrEqualTo(60);
            assertThat((double) c.h() * c.w()).isBetween(0.45 * 2400, 2400.0);
        }
    }
}
