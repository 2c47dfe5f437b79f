package fourm.api.label;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The width and height an image file declares in its header (PNG, JPEG, GIF, BMP), read without decoding it, so that
 * an image declaring more pixels than {@link #MAX_PIXELS} is refused before a decoder allocates memory for it (a
 * 400 KB PNG can declare 20000 x 20000 pixels, 1.6 GB once decoded).
 */
public final class ImageHeader {
    /** The largest pixel count an image reader decodes: 64 megapixels (8192 x 8192). */
    public static final long MAX_PIXELS = 1L << 26;

    private static final int HEAD = 1 << 16;

    private ImageHeader() {
    }

    /**
     * Checks the declared size of {@code file} against {@link #MAX_PIXELS}.
     *
     * @throws IOException naming the file, its declared size and the limit when it is larger; or if it cannot be read
     */
    public static void checkPixels(Path file) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(HEAD);
        }
        checkPixels(file.toString(), head);
    }

    /** As {@link #checkPixels(Path)} on the first bytes of a file (at least its header), named {@code name}. */
    public static void checkPixels(String name, byte[] head) throws IOException {
        Optional<int[]> size = dimensions(head);
        if (size.isPresent()) {
            long w = size.get()[0];
            long h = size.get()[1];
            if (w <= 0 || h <= 0) {
                throw new IOException(name + ": the header declares " + w + "x" + h + " pixels; expected a positive"
                        + " width and height");
            }
            if (w * h > MAX_PIXELS) {
                throw new IOException(name + ": the header declares " + w + "x" + h + " = " + w * h + " pixels, more"
                        + " than the " + MAX_PIXELS + " (8192x8192) an image may have; scale it down first");
            }
        }
    }

    /** The {width, height} declared by a PNG, JPEG, GIF or BMP header; empty for other or truncated data. */
    public static Optional<int[]> dimensions(byte[] b) {
        if (b.length >= 24 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
            return Optional.of(new int[] {be32(b, 16), be32(b, 20)});
        }
        if (b.length >= 10 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F') {
            return Optional.of(new int[] {le16(b, 6), le16(b, 8)});
        }
        if (b.length >= 26 && b[0] == 'B' && b[1] == 'M') {
            return Optional.of(new int[] {le32(b, 18), Math.abs(le32(b, 22))});
        }
        if (b.length >= 4 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8) {
            int i = 2;
            while (i + 9 < b.length) {
                if ((b[i] & 0xff) != 0xFF) {
                    return Optional.empty();
                }
                int marker = b[i + 1] & 0xff;
                if (marker == 0xFF) {
                    i++;
                    continue;
                }
                if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                    return Optional.of(new int[] {be16(b, i + 7), be16(b, i + 5)});
                }
                if (marker == 0xD8 || marker >= 0xD0 && marker <= 0xD7 || marker == 0x01) {
                    i += 2;
                    continue;
                }
                i += 2 + be16(b, i + 2);
            }
        }
        return Optional.empty();
    }

    private static int be32(byte[] b, int i) {
        return (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | b[i + 3] & 0xff;
    }

    private static int be16(byte[] b, int i) {
        return (b[i] & 0xff) << 8 | b[i + 1] & 0xff;
    }

    private static int le16(byte[] b, int i) {
        return (b[i + 1] & 0xff) << 8 | b[i] & 0xff;
    }

    private static int le32(byte[] b, int i) {
        return (b[i + 3] & 0xff) << 24 | (b[i + 2] & 0xff) << 16 | (b[i + 1] & 0xff) << 8 | b[i] & 0xff;
    }
}
