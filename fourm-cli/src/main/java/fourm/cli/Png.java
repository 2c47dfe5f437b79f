package fourm.cli;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** PNG bytes of an 8-bit RGB picture, for the views {@code fourm generate} writes. */
final class Png {
    private Png() {
    }

    /**
     * Encodes {@code rgb} (3 bytes per pixel, R, G, B, row-major) as a PNG.
     *
     * @throws IllegalArgumentException if the array does not hold {@code width * height} pixels
     */
    static byte[] rgb8(int width, int height, byte[] rgb) {
        if (width < 1 || height < 1 || rgb.length != 3L * width * height) {
            throw new IllegalArgumentException("png: " + rgb.length + " bytes for " + width + " x " + height
                    + " RGB pixels; expected " + 3L * width * height);
        }
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] px = new int[width * height];
        for (int i = 0; i < px.length; i++) {
            px[i] = (rgb[3 * i] & 0xff) << 16 | (rgb[3 * i + 1] & 0xff) << 8 | (rgb[3 * i + 2] & 0xff);
        }
        img.setRGB(0, 0, width, height, px, 0, width);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, "png", out)) {
                throw new IllegalStateException("png: no PNG writer in this Java runtime");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
