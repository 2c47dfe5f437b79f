package fourm.synth;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A small PNG encoder: 8-bit gray, 16-bit gray and 8-bit RGB, non-interlaced, with per-row adaptive filtering (the
 * filter with the smallest sum of absolute residuals, as libpng's heuristic). The output carries no time stamp or
 * other metadata, so equal pixels give equal bytes.
 *
 * <p>{@link #rgb8} is public so that other modules (fourm-demo's grids) write their pictures with the same encoder.
 */
public final class Png {
    private static final byte[] SIGNATURE = {(byte) 137, 80, 78, 71, 13, 10, 26, 10};
    private static final int GRAY = 0;
    private static final int RGB = 2;

    private Png() {
    }

    /** 8-bit gray: one byte per pixel, row-major. */
    static byte[] gray8(int width, int height, byte[] pixels) {
        check(width, height, pixels.length, 1);
        return encode(width, height, 8, GRAY, pixels, 1);
    }

    /** 16-bit gray: one value 0..65535 per pixel, row-major (written big-endian, as PNG requires). */
    static byte[] gray16(int width, int height, int[] values) {
        check(width, height, values.length, 1);
        byte[] raw = new byte[values.length * 2];
        for (int i = 0; i < values.length; i++) {
            int v = values[i];
            if (v < 0 || v > 65535) {
                throw new IllegalArgumentException("16-bit PNG value out of range at pixel " + i + ": " + v);
            }
            raw[2 * i] = (byte) (v >>> 8);
            raw[2 * i + 1] = (byte) v;
        }
        return encode(width, height, 16, GRAY, raw, 2);
    }

    /**
     * Encodes an 8-bit RGB image.
     *
     * @param width the width in pixels, at least 1
     * @param height the height in pixels, at least 1
     * @param rgb three bytes (red, green, blue) per pixel, row-major; exactly {@code 3 * width * height} of them
     * @return the bytes of the PNG file
     * @throws IllegalArgumentException if the size is not positive or {@code rgb} does not hold exactly that many
     *     pixels
     */
    public static byte[] rgb8(int width, int height, byte[] rgb) {
        check(width, height, rgb.length, 3);
        return encode(width, height, 8, RGB, rgb, 3);
    }

    private static void check(int width, int height, int length, int perPixel) {
        if (width <= 0 || height <= 0 || (long) width * height * perPixel != length) {
            throw new IllegalArgumentException("PNG " + width + "x" + height + " needs " + (long) width * height
                    * perPixel + " values, got " + length);
        }
    }

    private static byte[] encode(int width, int height, int bitDepth, int colorType, byte[] raw, int bpp) {
        int stride = width * (raw.length / (width * height));
        byte[] filtered = new byte[height * (stride + 1)];
        byte[] candidate = new byte[stride];
        byte[] best = new byte[stride];
        for (int y = 0; y < height; y++) {
            int row = y * stride;
            long bestScore = Long.MAX_VALUE;
            int bestFilter = 0;
            for (int f = 0; f <= 4; f++) {
                long score = 0;
                for (int i = 0; i < stride; i++) {
                    int a = i >= bpp ? raw[row + i - bpp] & 0xff : 0;
                    int b = y > 0 ? raw[row - stride + i] & 0xff : 0;
                    int c = i >= bpp && y > 0 ? raw[row - stride + i - bpp] & 0xff : 0;
                    int x = raw[row + i] & 0xff;
                    int pred = switch (f) {
                        case 0 -> 0;
                        case 1 -> a;
                        case 2 -> b;
                        case 3 -> (a + b) >>> 1;
                        default -> paeth(a, b, c);
                    };
                    byte v = (byte) (x - pred);
                    candidate[i] = v;
                    score += Math.abs((int) v);
                }
                if (score < bestScore) {
                    bestScore = score;
                    bestFilter = f;
                    System.arraycopy(candidate, 0, best, 0, stride);
                }
            }
            filtered[y * (stride + 1)] = (byte) bestFilter;
            System.arraycopy(best, 0, filtered, y * (stride + 1) + 1, stride);
        }
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        deflater.setInput(filtered);
        deflater.finish();
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        while (!deflater.finished()) {
            int n = deflater.deflate(buf);
            idat.write(buf, 0, n);
        }
        deflater.end();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(SIGNATURE);
        ByteBuffer ihdr = ByteBuffer.allocate(13);
        ihdr.putInt(width).putInt(height).put((byte) bitDepth).put((byte) colorType).put((byte) 0).put((byte) 0)
                .put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", idat.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static int paeth(int a, int b, int c) {
        int p = a + b - c;
        int pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        if (pa <= pb && pa <= pc) {
            return a;
        }
        return pb <= pc ? b : c;
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
