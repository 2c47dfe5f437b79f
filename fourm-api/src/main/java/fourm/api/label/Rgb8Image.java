package fourm.api.label;

import java.util.Arrays;

/**
 * An 8-bit RGB photo: {@code width x height} pixels, row-major, three bytes per pixel (red, green, blue).
 *
 * <p>Immutable: the constructor copies the array and {@link #rgb()} returns a copy; use {@link #red(int, int)},
 * {@link #green(int, int)}, {@link #blue(int, int)} or {@link #copyRgb(byte[])} to read pixels without allocating.
 *
 * @param width  pixels per row, at least 1
 * @param height rows, at least 1
 * @param rgb    {@code width * height * 3} bytes, pixel {@code (x, y)} at {@code 3 * (y * width + x)}
 */
public record Rgb8Image(int width, int height, byte[] rgb) {
    /** The largest pixel count accepted (about 16k x 16k), so that the byte count fits in an array. */
    public static final long MAX_PIXELS = Integer.MAX_VALUE / 3;

    /**
     * Validates the size and copies the pixels.
     *
     * @throws IllegalArgumentException if a side is not positive, the image is too large or the array has the wrong
     *                                  length
     */
    public Rgb8Image {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("an image needs a positive width and height, got " + width + "x"
                    + height);
        }
        if ((long) width * height > MAX_PIXELS) {
            throw new IllegalArgumentException("image " + width + "x" + height + " has more than " + MAX_PIXELS
                    + " pixels");
        }
        if (rgb == null || rgb.length != width * height * 3) {
            throw new IllegalArgumentException("a " + width + "x" + height + " RGB image needs " + width * height * 3
                    + " bytes (3 per pixel), got " + (rgb == null ? "null" : rgb.length));
        }
        rgb = rgb.clone();
    }

    /** A copy of the pixels, {@code width * height * 3} bytes. */
    @Override
    public byte[] rgb() {
        return rgb.clone();
    }

    /** Copies the pixels into {@code target}, which must hold at least {@code width * height * 3} bytes. */
    public void copyRgb(byte[] target) {
        System.arraycopy(rgb, 0, target, 0, rgb.length);
    }

    /** The red value of pixel {@code (x, y)}, 0..255. */
    public int red(int x, int y) {
        return rgb[index(x, y)] & 0xff;
    }

    /** The green value of pixel {@code (x, y)}, 0..255. */
    public int green(int x, int y) {
        return rgb[index(x, y) + 1] & 0xff;
    }

    /** The blue value of pixel {@code (x, y)}, 0..255. */
    public int blue(int x, int y) {
        return rgb[index(x, y) + 2] & 0xff;
    }

    private int index(int x, int y) {
        if (x < 0 || x >= width || y < 0 || y >= height) {
            throw new IndexOutOfBoundsException("pixel (" + x + ", " + y + ") is outside the " + width + "x" + height
                    + " image");
        }
        return 3 * (y * width + x);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Rgb8Image other && other.width == width && other.height == height
                && Arrays.equals(other.rgb, rgb);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + Arrays.hashCode(rgb);
    }

    @Override
    public String toString() {
        return "Rgb8Image[" + width + "x" + height + "]";
    }
}
