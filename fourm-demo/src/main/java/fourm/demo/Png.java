package fourm.demo;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/** A minimal PNG encoder for 8-bit RGB images (no java.desktop needed); rows are filtered with "up". */
final class Png {
    private static final byte[] SIGNATURE = {(byte) 137, 80, 78, 71, 13, 10, 26, 10};

    private Png() {
    }

    /**
     * Encodes an RGB image.
     *
     * @param rgb 3 bytes per pixel, row-major
     */
    static byte[] rgb(int width, int height, byte[] rgb) {
        if (width < 1 || height < 1 || rgb.length != 3 * width * height) {
            throw new IllegalArgumentException("png: " + rgb.length + " bytes do not make a " + width + " x " + height
                    + " RGB image");
        }
        int stride = 3 * width;
        byte[] raw = new byte[height * (stride + 1)];
        for (int y = 0; y < height; y++) {
            int o = y * (stride + 1);
            raw[o] = 2; // up
            for (int x = 0; x < stride; x++) {
                int above = y > 0 ? rgb[(y - 1) * stride + x] & 0xff : 0;
                raw[o + 1 + x] = (byte) ((rgb[y * stride + x] & 0xff) - above);
            }
        }
        Deflater deflater = new Deflater(9);
        deflater.setInput(raw);
        deflater.finish();
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        while (!deflater.finished()) {
            int n = deflater.deflate(buf);
            z.write(buf, 0, n);
        }
        deflater.end();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(SIGNATURE);
        ByteBuffer ihdr = ByteBuffer.allocate(13);
        ihdr.putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", z.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
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
