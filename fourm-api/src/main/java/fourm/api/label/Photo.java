package fourm.api.label;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;

/**
 * A photo (or a depth / label map) as a person has it on disk, brought to the pixels a tokenizer or model reads, with
 * no tensor engine: decoding ({@link #read(Path)}: JPEG and PNG, 8 or 16 bits, gray or colour, with or without
 * alpha, EXIF orientation applied), then {@link #rgb(Alpha)} (gray replicated, alpha composited on black or dropped),
 * {@link #gray()}, {@link #resizeCenterCrop(int, int)} and {@link #toRgb8()}.
 *
 * <p>Values are floats in [0, 1]: each sample divided by {@code 2^bits - 1} (255 for 8-bit images, 65535 for 16-bit
 * ones, so a 16-bit depth PNG keeps its full precision, {@code value / 65535} as the reference's
 * {@code DepthTransform} reads it). Pixels are stored row-major, channels last: sample {@code c} of pixel
 * {@code (x, y)} at {@code (y * width + x) * channels + c}. Channels: 1 gray, 2 gray + alpha, 3 RGB, 4 RGBA.
 *
 * <p>Immutable: the constructor copies the array and {@link #values()} returns a copy.
 *
 * @param width    pixels per row, at least 1
 * @param height   rows, at least 1
 * @param channels 1 to 4, as above
 * @param bits     the sample depth of the source (8 or 16; informational)
 * @param values   {@code width * height * channels} values in [0, 1]
 */
public record Photo(int width, int height, int channels, int bits, float[] values) {
    /** The EXIF tag of the orientation. */
    static final int ORIENTATION_TAG = 0x0112;

    /** What to do with an alpha channel when colour is asked for. */
    public enum Alpha {
        /** Multiply each colour by its alpha: transparent pixels become black (compositing on black). */
        COMPOSITE_ON_BLACK,
        /** Ignore the alpha channel and keep the colours as stored. */
        DROP
    }

    /**
     * Validates and copies.
     *
     * @throws IllegalArgumentException naming the value that is out of range
     */
    public Photo {
        if (width < 1 || height < 1 || (long) width * height > ImageHeader.MAX_PIXELS) {
            throw new IllegalArgumentException("a photo needs 1 to " + ImageHeader.MAX_PIXELS + " pixels, got "
                    + width + "x" + height);
        }
        if (channels < 1 || channels > 4) {
            throw new IllegalArgumentException("channels must be 1 to 4, got " + channels);
        }
        if (values == null || values.length != width * height * channels) {
            throw new IllegalArgumentException("a " + width + "x" + height + "x" + channels + " photo needs "
                    + width * height * channels + " values, got " + (values == null ? "null" : values.length));
        }
        values = values.clone();
    }

    /** A copy of the values. */
    @Override
    public float[] values() {
        return values.clone();
    }

    /** Sample {@code c} of pixel {@code (x, y)}. */
    public float get(int x, int y, int c) {
        return values[(y * width + x) * channels + c];
    }

    /** True when the last channel is alpha (2 or 4 channels). */
    public boolean hasAlpha() {
        return channels == 2 || channels == 4;
    }

    /**
     * Decodes a JPEG or PNG file and turns it upright by its EXIF orientation (JPEG APP1 {@code Exif}, tag 0x0112).
     * Samples are read from the raster, not through a colour conversion, so gray levels and 16-bit values come out
     * exactly as stored; palette images are expanded to RGB(A).
     *
     * @throws IOException naming the file when it is missing, not an image the JDK decodes, truncated, or declares
     *                     more than {@link ImageHeader#MAX_PIXELS} pixels
     */
    public static Photo read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such image file");
        }
        byte[] bytes = Files.readAllBytes(file);
        return decode(file.toString(), bytes);
    }

    /** As {@link #read(Path)} on the bytes of a file named {@code name} (for messages). */
    public static Photo decode(String name, byte[] bytes) throws IOException {
        ImageHeader.checkPixels(name, bytes);
        if (isJpeg(bytes) && !hasEndOfImage(bytes)) {
            throw new IOException(name + ": the JPEG has no end-of-image marker after its image data (truncated"
                    + " file?)");
        }
        BufferedImage img;
        try {
            img = ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException | RuntimeException e) {
            throw new IOException(name + ": the image cannot be decoded (truncated or corrupt?): " + e.getMessage(),
                    e);
        }
        if (img == null) {
            throw new IOException(name + ": not an image format fourm decodes (JPEG, PNG, GIF, BMP expected)");
        }
        Photo p = fromImage(name, img);
        int orientation = exifOrientation(bytes);
        return orientation == 1 ? p : p.oriented(orientation);
    }

    private static Photo fromImage(String name, BufferedImage img) throws IOException {
        int w = img.getWidth();
        int h = img.getHeight();
        ColorModel cm = img.getColorModel();
        Raster raster = img.getRaster();
        int space = cm.getColorSpace().getType();
        boolean direct = cm instanceof ComponentColorModel && !cm.isAlphaPremultiplied()
                && (space == java.awt.color.ColorSpace.TYPE_GRAY || space == java.awt.color.ColorSpace.TYPE_RGB)
                && raster.getNumBands() == cm.getNumComponents();
        if (direct) {
            int bands = raster.getNumBands();
            int bits = cm.getComponentSize(0);
            for (int b = 1; b < bands; b++) {
                if (cm.getComponentSize(b) != bits) {
                    throw new IOException(name + ": channels of different depths (" + bits + " and "
                            + cm.getComponentSize(b) + " bits) are not supported");
                }
            }
            if (bits > 16) {
                throw new IOException(name + ": " + bits + "-bit samples; expected 8 or 16 bits");
            }
            float max = (1 << bits) - 1;
            float[] v = new float[w * h * bands];
            int[] row = new int[w * bands];
            for (int y = 0; y < h; y++) {
                raster.getPixels(0, y, w, 1, row);
                for (int i = 0; i < row.length; i++) {
                    v[y * w * bands + i] = row[i] / max;
                }
            }
            return new Photo(w, h, bands, bits, v);
        }
        // Palette, packed or premultiplied images: through 8-bit sRGB ARGB.
        boolean alpha = cm.hasAlpha();
        int c = alpha ? 4 : 3;
        float[] v = new float[w * h * c];
        int[] argb = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, argb, 0, w);
            for (int x = 0; x < w; x++) {
                int p = argb[x];
                int o = (y * w + x) * c;
                v[o] = ((p >> 16) & 0xff) / 255f;
                v[o + 1] = ((p >> 8) & 0xff) / 255f;
                v[o + 2] = (p & 0xff) / 255f;
                if (alpha) {
                    v[o + 3] = ((p >>> 24) & 0xff) / 255f;
                }
            }
        }
        return new Photo(w, h, c, 8, v);
    }

    private static boolean isJpeg(byte[] b) {
        return b.length >= 2 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8;
    }

    /**
     * True when an end-of-image marker (FF D9) follows the first start-of-scan marker: the entropy-coded data cannot
     * hold FF D9 (an FF there is followed by 00 or a restart marker), so a file cut inside its image data has none
     * (the JDK decoder would fill the missing rows with gray and only warn). A thumbnail's EOI inside an APP segment
     * is skipped, since segments are walked by their lengths up to the scan.
     */
    static boolean hasEndOfImage(byte[] jpeg) {
        int p = 2;
        while (p + 4 <= jpeg.length) {
            if ((jpeg[p] & 0xff) != 0xff) {
                return false;
            }
            int marker = jpeg[p + 1] & 0xff;
            if (marker == 0xff) {
                p++;
                continue;
            }
            if (marker == 0xda) {
                for (int i = p + 2; i + 1 < jpeg.length; i++) {
                    if ((jpeg[i] & 0xff) == 0xff && (jpeg[i + 1] & 0xff) == 0xd9) {
                        return true;
                    }
                }
                return false;
            }
            if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
                p += 2;
                continue;
            }
            p += 2 + (((jpeg[p + 2] & 0xff) << 8) | (jpeg[p + 3] & 0xff));
        }
        return false;
    }

    /**
     * The EXIF orientation (1 to 8) of a JPEG: tag 0x0112 of IFD0 in the first APP1 {@code Exif} segment; 1 (upright)
     * when the file is not a JPEG, has no Exif segment or no such tag, or the value is out of range. Reads markers up
     * to the start of scan only; a malformed segment yields 1.
     */
    public static int exifOrientation(byte[] jpeg) {
        if (jpeg.length < 4 || (jpeg[0] & 0xff) != 0xff || (jpeg[1] & 0xff) != 0xd8) {
            return 1;
        }
        int p = 2;
        while (p + 4 <= jpeg.length) {
            if ((jpeg[p] & 0xff) != 0xff) {
                return 1;
            }
            int marker = jpeg[p + 1] & 0xff;
            if (marker == 0xff) {
                p++; // fill byte
                continue;
            }
            if (marker == 0xda || marker == 0xd9) {
                return 1; // start of scan / end of image: no Exif before the pixels
            }
            if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
                p += 2;
                continue;
            }
            int len = ((jpeg[p + 2] & 0xff) << 8) | (jpeg[p + 3] & 0xff);
            if (len < 2 || p + 2 + len > jpeg.length) {
                return 1;
            }
            if (marker == 0xe1 && len >= 8 && jpeg[p + 4] == 'E' && jpeg[p + 5] == 'x' && jpeg[p + 6] == 'i'
                    && jpeg[p + 7] == 'f' && jpeg[p + 8] == 0 && jpeg[p + 9] == 0) {
                return tiffOrientation(ByteBuffer.wrap(jpeg, p + 10, len - 8).slice());
            }
            p += 2 + len;
        }
        return 1;
    }

    /** The orientation in a TIFF structure (the Exif payload): IFD0's tag 0x0112, SHORT, count 1. */
    private static int tiffOrientation(ByteBuffer t) {
        if (t.remaining() < 8) {
            return 1;
        }
        if (t.get(0) == 'I' && t.get(1) == 'I') {
            t.order(ByteOrder.LITTLE_ENDIAN);
        } else if (t.get(0) == 'M' && t.get(1) == 'M') {
            t.order(ByteOrder.BIG_ENDIAN);
        } else {
            return 1;
        }
        if (t.getShort(2) != 42) {
            return 1;
        }
        long ifd = t.getInt(4) & 0xffffffffL;
        if (ifd + 2 > t.remaining()) {
            return 1;
        }
        int n = t.getShort((int) ifd) & 0xffff;
        for (int i = 0; i < n; i++) {
            long e = ifd + 2 + 12L * i;
            if (e + 12 > t.remaining()) {
                return 1;
            }
            int tag = t.getShort((int) e) & 0xffff;
            if (tag == ORIENTATION_TAG) {
                int type = t.getShort((int) e + 2) & 0xffff;
                int v = type == 3 ? t.getShort((int) e + 8) & 0xffff
                        : type == 4 ? t.getInt((int) e + 8) : -1;
                return v >= 1 && v <= 8 ? v : 1;
            }
        }
        return 1;
    }

    /**
     * The photo turned upright for EXIF orientation {@code o}, as viewers (and PIL's {@code exif_transpose}) show it:
     * 1 as is, 2 mirrored left-right, 3 rotated 180 degrees, 4 mirrored top-bottom, 5 transposed (x and y swapped),
     * 6 rotated 90 degrees clockwise, 7 transversed (transposed and rotated 180), 8 rotated 90 degrees
     * counter-clockwise. Orientations 5 to 8 swap width and height.
     *
     * @throws IllegalArgumentException if {@code o} is not 1 to 8
     */
    public Photo oriented(int o) {
        if (o < 1 || o > 8) {
            throw new IllegalArgumentException("EXIF orientation must be 1 to 8, got " + o);
        }
        boolean swap = o >= 5;
        int ow = swap ? height : width;
        int oh = swap ? width : height;
        float[] out = new float[values.length];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                int sx;
                int sy;
                switch (o) {
                    case 1 -> { sx = x; sy = y; }
                    case 2 -> { sx = width - 1 - x; sy = y; }
                    case 3 -> { sx = width - 1 - x; sy = height - 1 - y; }
                    case 4 -> { sx = x; sy = height - 1 - y; }
                    case 5 -> { sx = y; sy = x; }
                    case 6 -> { sx = y; sy = height - 1 - x; }
                    case 7 -> { sx = width - 1 - y; sy = height - 1 - x; }
                    default -> { sx = width - 1 - y; sy = x; }
                }
                System.arraycopy(values, (sy * width + sx) * channels, out, (y * ow + x) * channels, channels);
            }
        }
        return new Photo(ow, oh, channels, bits, out);
    }

    /**
     * Three colour channels: gray replicated to R, G and B; alpha composited on black or dropped as {@code alpha}
     * says. A photo without alpha is returned as is when it already has 3 channels.
     */
    public Photo rgb(Alpha alpha) {
        if (channels == 3) {
            return this;
        }
        int n = width * height;
        float[] out = new float[n * 3];
        boolean gray = channels <= 2;
        for (int i = 0; i < n; i++) {
            float a = hasAlpha() && alpha == Alpha.COMPOSITE_ON_BLACK ? values[i * channels + channels - 1] : 1f;
            for (int c = 0; c < 3; c++) {
                out[i * 3 + c] = values[i * channels + (gray ? 0 : c)] * a;
            }
        }
        return new Photo(width, height, 3, bits, out);
    }

    /**
     * One channel: a gray photo as is (its alpha dropped), colour as luma {@code 0.299 R + 0.587 G + 0.114 B}
     * (ITU-R BT.601, as PIL's {@code convert("L")} weighs it, without its rounding to 8 bits).
     */
    public Photo gray() {
        if (channels == 1) {
            return this;
        }
        int n = width * height;
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            int o = i * channels;
            out[i] = channels <= 2 ? values[o]
                    : (float) (0.299 * values[o] + 0.587 * values[o + 1] + 0.114 * values[o + 2]);
        }
        return new Photo(width, height, 1, bits, out);
    }

    /**
     * Scales the photo so that it covers {@code targetHeight x targetWidth} with its aspect ratio kept (the shorter
     * side, relative to the target, fits exactly), then cuts the centre: the usual "resize, then centre crop" of
     * image models, for a square ({@code side x side}) or any {@code h x w} target. Shrinking averages the source
     * pixels under each target pixel; enlarging interpolates bilinearly ({@link ImageInput#stretch} does the same).
     * Every channel, alpha included, is resampled alike.
     *
     * @throws IllegalArgumentException if a target side is below 1
     */
    public Photo resizeCenterCrop(int targetHeight, int targetWidth) {
        if (targetHeight < 1 || targetWidth < 1) {
            throw new IllegalArgumentException("the target size must be positive, got " + targetHeight + "x"
                    + targetWidth);
        }
        double scale = Math.max((double) targetWidth / width, (double) targetHeight / height);
        int sw = Math.max(targetWidth, (int) Math.round(width * scale));
        int sh = Math.max(targetHeight, (int) Math.round(height * scale));
        float[] scaled = ImageInput.resample(values, width, height, channels, sw, sh, (double) sw / width,
                (double) sh / height);
        int x0 = (sw - targetWidth) / 2;
        int y0 = (sh - targetHeight) / 2;
        float[] out = new float[targetWidth * targetHeight * channels];
        for (int y = 0; y < targetHeight; y++) {
            System.arraycopy(scaled, ((y0 + y) * sw + x0) * channels, out, y * targetWidth * channels,
                    targetWidth * channels);
        }
        return new Photo(targetWidth, targetHeight, channels, bits, out);
    }

    /** A square {@code side x side} centre crop after scaling; see {@link #resizeCenterCrop(int, int)}. */
    public Photo resizeCenterCrop(int side) {
        return resizeCenterCrop(side, side);
    }

    /**
     * The photo as 8-bit RGB (values rounded, clamped to [0, 255]), colour obtained with {@link #rgb(Alpha)} and
     * {@link Alpha#COMPOSITE_ON_BLACK}.
     */
    public Rgb8Image toRgb8() {
        Photo c = rgb(Alpha.COMPOSITE_ON_BLACK);
        byte[] b = new byte[c.values.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Math.round(Math.max(0f, Math.min(1f, c.values[i])) * 255f);
        }
        return new Rgb8Image(width, height, b);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Photo p && p.width == width && p.height == height && p.channels == channels
                && p.bits == bits && Arrays.equals(p.values, values);
    }

    @Override
    public int hashCode() {
        return (width * 31 + height) * 31 + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "Photo[" + width + "x" + height + "x" + channels + ", " + bits + "-bit]";
    }
}
