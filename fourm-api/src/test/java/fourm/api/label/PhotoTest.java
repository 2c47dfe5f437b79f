package fourm.api.label;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real-photo preprocessing on images made here: EXIF orientation, 16-bit, alpha, gray, resize and centre crop. */
class PhotoTest {
    @TempDir
    Path dir;

    /** Gray levels of a 3 x 2 grid of 8 x 8 blocks: A B C on the top row, D E F below. */
    private static final int A = 20;
    private static final int B = 60;
    private static final int C = 100;
    private static final int D = 140;
    private static final int E = 180;
    private static final int F = 220;

    /** The grid as a viewer shows it for each EXIF orientation (index 1..8): rows of blocks. */
    private static final int[][][] UPRIGHT = {
        null,
        {{A, B, C}, {D, E, F}},
        {{C, B, A}, {F, E, D}},
        {{F, E, D}, {C, B, A}},
        {{D, E, F}, {A, B, C}},
        {{A, D}, {B, E}, {C, F}},
        {{D, A}, {E, B}, {F, C}},
        {{F, C}, {E, B}, {D, A}},
        {{C, F}, {B, E}, {A, D}},
    };

    /** A 24 x 16 gray JPEG of the block grid (flat 8 x 8 blocks survive JPEG almost exactly). */
    private static byte[] blockJpeg() throws IOException {
        BufferedImage img = new BufferedImage(24, 16, BufferedImage.TYPE_BYTE_GRAY);
        int[][] grid = UPRIGHT[1];
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 24; x++) {
                img.getRaster().setSample(x, y, 0, grid[y / 8][x / 8]);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(img, "jpeg", out)).isTrue();
        return out.toByteArray();
    }

    /** An APP1 Exif segment holding IFD0 with the orientation tag, in either TIFF byte order. */
    private static byte[] exifSegment(int orientation, boolean littleEndian) {
        ByteBuffer tiff = ByteBuffer.allocate(8 + 2 + 12 + 4)
                .order(littleEndian ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        tiff.put(littleEndian ? (byte) 'I' : (byte) 'M').put(littleEndian ? (byte) 'I' : (byte) 'M');
        tiff.putShort((short) 42).putInt(8);
        tiff.putShort((short) 1); // one entry
        tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
        tiff.putInt(0); // no next IFD
        byte[] payload = tiff.array();
        int len = 2 + 6 + payload.length;
        ByteBuffer seg = ByteBuffer.allocate(2 + len).order(ByteOrder.BIG_ENDIAN);
        seg.put((byte) 0xff).put((byte) 0xe1).putShort((short) len);
        seg.put(new byte[] {'E', 'x', 'i', 'f', 0, 0}).put(payload);
        return seg.array();
    }

    /** {@code jpeg} with {@code segment} right after its SOI marker. */
    private static byte[] withSegment(byte[] jpeg, byte[] segment) {
        byte[] out = new byte[jpeg.length + segment.length];
        System.arraycopy(jpeg, 0, out, 0, 2);
        System.arraycopy(segment, 0, out, 2, segment.length);
        System.arraycopy(jpeg, 2, out, 2 + segment.length, jpeg.length - 2);
        return out;
    }

    @Test
    void allEightExifOrientationsComeOutUpright() throws IOException {
        byte[] jpeg = blockJpeg();
        assertThat(Photo.exifOrientation(jpeg)).isEqualTo(1);
        for (int o = 1; o <= 8; o++) {
            byte[] file = withSegment(jpeg, exifSegment(o, o % 2 == 1));
            assertThat(Photo.exifOrientation(file)).as("orientation %d", o).isEqualTo(o);
            Path p = Files.write(dir.resolve("o" + o + ".jpg"), file);
            Photo photo = Photo.read(p);
            int[][] grid = UPRIGHT[o];
            assertThat(photo.channels()).isEqualTo(1);
            assertThat(photo.width()).as("orientation %d width", o).isEqualTo(8 * grid[0].length);
            assertThat(photo.height()).as("orientation %d height", o).isEqualTo(8 * grid.length);
            for (int by = 0; by < grid.length; by++) {
                for (int bx = 0; bx < grid[0].length; bx++) {
                    assertThat(photo.get(8 * bx + 4, 8 * by + 4, 0) * 255).as("orientation %d block (%d, %d)",
                            o, bx, by).isCloseTo(grid[by][bx], within(3f));
                }
            }
        }
    }

    @Test
    void orientationIsOneWithoutExifOrForOtherFiles() {
        assertThat(Photo.exifOrientation(new byte[] {(byte) 0x89, 'P', 'N', 'G'})).isEqualTo(1);
        byte[] bogus = withSegment(new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xd9},
                exifSegment(9, true));
        assertThat(Photo.exifOrientation(bogus)).as("out of range").isEqualTo(1);
        byte[] cut = Arrays.copyOf(withSegment(new byte[] {(byte) 0xff, (byte) 0xd8}, exifSegment(6, true)), 20);
        assertThat(Photo.exifOrientation(cut)).as("truncated segment").isEqualTo(1);
    }

    @Test
    void sixteenBitGrayPngKeepsItsPrecision() throws IOException {
        int[] levels = {0, 1, 65535, 30000, 30001, 12345};
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_USHORT_GRAY);
        img.getRaster().setPixels(0, 0, 3, 2, levels);
        Path p = dir.resolve("depth16.png");
        assertThat(ImageIO.write(img, "png", p.toFile())).isTrue();
        Photo photo = Photo.read(p);
        assertThat(photo.bits()).isEqualTo(16);
        assertThat(photo.channels()).isEqualTo(1);
        float[] expected = new float[levels.length];
        for (int i = 0; i < levels.length; i++) {
            expected[i] = levels[i] / 65535f;
        }
        assertThat(photo.values()).containsExactly(expected);
        assertThat(photo.get(1, 1, 0)).isNotEqualTo(photo.get(0, 1, 0)).as("30000 and 30001 stay apart");
    }

    @Test
    void alphaIsCompositedOnBlackOrDropped() throws IOException {
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        img.setRGB(0, 0, (128 << 24) | (200 << 16) | (100 << 8) | 50);
        img.setRGB(1, 0, (255 << 24) | (10 << 16) | (20 << 8) | 30);
        Path p = dir.resolve("rgba.png");
        assertThat(ImageIO.write(img, "png", p.toFile())).isTrue();
        Photo photo = Photo.read(p);
        assertThat(photo.channels()).isEqualTo(4);
        assertThat(photo.hasAlpha()).isTrue();
        Photo black = photo.rgb(Photo.Alpha.COMPOSITE_ON_BLACK);
        float a = 128 / 255f;
        assertThat(black.values()).containsExactly(new float[] {200 / 255f * a, 100 / 255f * a, 50 / 255f * a,
            10 / 255f, 20 / 255f, 30 / 255f}, within(1e-6f));
        assertThat(photo.rgb(Photo.Alpha.DROP).values()).containsExactly(new float[] {200 / 255f, 100 / 255f,
            50 / 255f, 10 / 255f, 20 / 255f, 30 / 255f}, within(1e-6f));
        assertThat(photo.toRgb8().rgb()).containsExactly(100, 50, 25, 10, 20, 30);
    }

    @Test
    void grayBecomesRgbAndColourBecomesLuma() {
        Photo gray = new Photo(2, 1, 1, 8, new float[] {0.25f, 1f});
        assertThat(gray.rgb(Photo.Alpha.DROP).values()).containsExactly(0.25f, 0.25f, 0.25f, 1f, 1f, 1f);
        Photo colour = new Photo(1, 1, 3, 8, new float[] {1f, 0.5f, 0f});
        assertThat(colour.gray().values()).containsExactly(new float[] {0.299f + 0.2935f}, within(1e-6f));
        Photo grayAlpha = new Photo(1, 1, 2, 8, new float[] {0.8f, 0.5f});
        assertThat(grayAlpha.rgb(Photo.Alpha.COMPOSITE_ON_BLACK).values())
                .containsExactly(new float[] {0.4f, 0.4f, 0.4f}, within(1e-6f));
        assertThat(grayAlpha.gray().values()).containsExactly(0.8f);
    }

    @Test
    void resizeThenCentreCropToASquareOrAnyTarget() {
        // 4 x 2, columns 0..3: to 2 x 2 the scale is 1 and the crop keeps columns 1 and 2.
        Photo p = new Photo(4, 2, 1, 8, new float[] {0, 1, 2, 3, 10, 11, 12, 13});
        assertThat(p.resizeCenterCrop(2).values()).containsExactly(1, 2, 11, 12);
        // 8 x 4 to 2 x 2: halved by averaging 2 x 2 blocks (4 x 2), then columns 1 and 2 of that.
        float[] v = new float[32];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 8; x++) {
                v[y * 8 + x] = 10 * y + x;
            }
        }
        Photo big = new Photo(8, 4, 1, 8, v);
        // block (bx, by) averages x in {2bx, 2bx+1}, y in {2by, 2by+1}: 20 by + 2 bx + 5.5
        assertThat(big.resizeCenterCrop(2, 2).values()).containsExactly(new float[] {7.5f, 9.5f, 27.5f, 29.5f},
                within(1e-5f));
        // A 1 x 2 (h x w) target of the 8 x 4 photo: scale max(2/8, 1/4) = 1/4 gives 2 x 1, nothing to cut.
        assertThat(big.resizeCenterCrop(1, 2).values()).containsExactly(new float[] {16.5f, 20.5f},
                within(1e-5f));
        // A tall target of a wide photo: 2 x 1 (h x w) of 4 x 2: scale 1, the middle column pair's left one.
        assertThat(p.resizeCenterCrop(2, 1).values()).containsExactly(1, 11);
        assertThatThrownBy(() -> p.resizeCenterCrop(0, 2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unreadableImagesNameTheFile() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.jpg"), "not an image");
        assertThatThrownBy(() -> Photo.read(text)).isInstanceOf(IOException.class)
                .hasMessageContaining("notes.jpg").hasMessageContaining("not an image format");
        byte[] jpeg = blockJpeg();
        Path cut = Files.write(dir.resolve("cut.jpg"), Arrays.copyOf(jpeg, 40));
        assertThatThrownBy(() -> Photo.read(cut)).isInstanceOf(IOException.class).hasMessageContaining("cut.jpg");
        assertThat(Photo.hasEndOfImage(jpeg)).isTrue();
        Path midScan = Files.write(dir.resolve("mid-scan.jpg"), Arrays.copyOf(jpeg, jpeg.length - 20));
        assertThatThrownBy(() -> Photo.read(midScan)).isInstanceOf(IOException.class)
                .hasMessageContaining("mid-scan.jpg").hasMessageContaining("no end-of-image marker");
        BufferedImage rgb = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        java.util.Random random = new java.util.Random(1);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                rgb.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        Path png = dir.resolve("cut.png");
        assertThat(ImageIO.write(rgb, "png", png.toFile())).isTrue();
        byte[] pngBytes = Files.readAllBytes(png);
        Files.write(png, Arrays.copyOf(pngBytes, pngBytes.length * 3 / 5));
        assertThatThrownBy(() -> Photo.read(png)).isInstanceOf(IOException.class).hasMessageContaining("cut.png");
        assertThatThrownBy(() -> Photo.read(dir.resolve("absent.png"))).isInstanceOf(IOException.class)
                .hasMessageContaining("absent.png");
    }
}
