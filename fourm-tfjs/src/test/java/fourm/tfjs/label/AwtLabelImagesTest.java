package fourm.tfjs.label;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fourm.api.label.DenseMap;
import fourm.api.label.Detections;
import fourm.api.label.Keypoints;
import fourm.api.label.Rgb8Image;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AwtLabelImagesTest {
    private final AwtLabelImages images = new AwtLabelImages();

    @TempDir
    Path dir;

    private static Rgb8Image grey(int w, int h) {
        byte[] px = new byte[w * h * 3];
        java.util.Arrays.fill(px, (byte) 128);
        return new Rgb8Image(w, h, px);
    }

    private static BufferedImage decode(byte[] png) throws IOException {
        return ImageIO.read(new ByteArrayInputStream(png));
    }

    @Test
    void readsPngAndJpegIntoRgb() throws IOException {
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        img.setRGB(2, 1, 0x102030);
        ImageIO.write(img, "png", dir.resolve("a.png").toFile());
        Rgb8Image read = images.read(dir.resolve("a.png"));
        assertThat(read.width()).isEqualTo(3);
        assertThat(new int[] {read.red(2, 1), read.green(2, 1), read.blue(2, 1)}).containsExactly(0x10, 0x20, 0x30);
        BufferedImage grey = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
        ImageIO.write(grey, "jpg", dir.resolve("b.jpg").toFile());
        assertThat(images.read(dir.resolve("b.jpg")).height()).isEqualTo(8);
    }

    @Test
    void unreadableFilesAreNamed() throws IOException {
        Files.writeString(dir.resolve("notes.png"), "not an image");
        assertThatThrownBy(() -> images.read(dir.resolve("notes.png"))).isInstanceOf(IOException.class)
                .hasMessageContaining("notes.png");
        assertThatThrownBy(() -> images.read(dir.resolve("absent.png"))).isInstanceOf(IOException.class)
                .hasMessageContaining("absent.png");
    }

    @Test
    void boxesAreDrawnInTheirClassColourAtTheirPlace() throws IOException {
        Rgb8Image photo = grey(200, 100);
        Detections d = new Detections(List.of(new Detections.Detection(0.25f, 0.5f, 0.75f, 0.9f, "cat", 0.9f)));
        BufferedImage out = decode(images.overlayPng(photo, d));
        assertThat(out.getWidth()).isEqualTo(200);
        int colour = AwtLabelImages.colourOf("cat").getRGB() & 0xffffff;
        assertThat(out.getRGB(100, 90) & 0xffffff).as("bottom edge of the box").isEqualTo(colour);
        assertThat(out.getRGB(100, 70) & 0xffffff).as("inside the box, untouched").isEqualTo(0x808080);
    }

    @Test
    void keypointsAndMasksChangeThePixelsWhereTheyAre() throws IOException {
        Rgb8Image photo = grey(100, 100);
        List<Keypoints.Point> pts = new ArrayList<>();
        for (int i = 0; i < 17; i++) {
            pts.add(new Keypoints.Point(0.2f + 0.03f * i, 0.6f, i == 0 ? 0.9f : 0.1f));
        }
        Keypoints k = new Keypoints(CocoNames.KEYPOINTS, List.of(new Keypoints.Pose(0.5f, pts)));
        BufferedImage kp = decode(images.overlayPng(photo, k));
        assertThat(kp.getRGB(20, 60) & 0xffffff).as("the nose, drawn").isNotEqualTo(0x808080);
        assertThat(kp.getRGB(50, 60) & 0xffffff).as("a low-score point, not drawn").isEqualTo(0x808080);

        float[] mask = new float[4];
        mask[1] = 1f;
        BufferedImage m = decode(images.overlayPng(photo, new DenseMap("person-probability", 2, 2, 1, mask)));
        assertThat(m.getRGB(90, 10) >> 16 & 0xff).as("red tint where the mask is 1").isGreaterThan(200);
        assertThat(m.getRGB(10, 90) & 0xffffff).as("no tint where it is 0").isEqualTo(0x808080);
    }

    /** Labels of boxes that share a corner, or sit one inside the other, never cover each other, and stay inside. */
    @Test
    void labelsOfOverlappingBoxesDoNotCoverEachOther() {
        java.util.List<java.awt.Rectangle> placed = new java.util.ArrayList<>();
        java.awt.Rectangle[] boxes = {
            new java.awt.Rectangle(40, 40, 100, 80), new java.awt.Rectangle(40, 40, 100, 80),
            new java.awt.Rectangle(45, 42, 60, 30), new java.awt.Rectangle(0, 0, 200, 150),
            new java.awt.Rectangle(150, 140, 50, 10), new java.awt.Rectangle(42, 38, 90, 70)};
        for (java.awt.Rectangle box : boxes) {
            java.awt.Rectangle at = AwtLabelImages.placeLabel(70, 14, box, 200, 150, placed);
            assertThat(placed).as("label %s of box %s", at, box).noneMatch(at::intersects);
            assertThat(new java.awt.Rectangle(0, 0, 200, 150).contains(at)).as(at.toString()).isTrue();
            placed.add(at);
        }
        // With room above the box the label sits there, on its left edge.
        assertThat(placed.get(0)).isEqualTo(new java.awt.Rectangle(40, 26, 70, 14));
        // A label wider than the space right of the box is moved left into the image.
        assertThat(AwtLabelImages.placeLabel(70, 14, new java.awt.Rectangle(180, 50, 10, 10), 200, 150,
                java.util.List.of()).x).isEqualTo(130);
    }
}
