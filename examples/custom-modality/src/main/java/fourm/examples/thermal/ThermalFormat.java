package fourm.examples.thermal;

import fourm.api.ValueFormat;
import fourm.api.io.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Thermal maps on disk: a {@code .npy} file of little-endian float32 with shape {@code (height, width)}, in kelvin
 * (NumPy reads it with {@code np.load}); shown to a person as an 8-bit gray {@code .pgm} image, black at
 * {@code min-kelvin} and white at {@code max-kelvin}. Files are written under a temporary name and renamed.
 */
public final class ThermalFormat implements ValueFormat<float[][]> {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\((\\d+),\\s*(\\d+)\\)");

    private final int height;
    private final int width;
    private final double min;
    private final double max;

    /** Maps of {@code height x width}, shown over {@code [min, max]} kelvin. */
    public ThermalFormat(int height, int width, double min, double max) {
        this.height = height;
        this.width = width;
        this.min = min;
        this.max = max;
    }

    @Override
    public Class<float[][]> valueType() {
        return float[][].class;
    }

    @Override
    public String extension() {
        return "npy";
    }

    @Override
    public float[][] read(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        if (b.length < 10 || !java.util.Arrays.equals(java.util.Arrays.copyOf(b, 6), MAGIC)) {
            throw new IllegalArgumentException(file + ": not a .npy file");
        }
        int headerLen = b[6] == 1 ? (b[8] & 0xff) | (b[9] & 0xff) << 8
                : ByteBuffer.wrap(b, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        int start = b[6] == 1 ? 10 : 12;
        String header = new String(b, start, headerLen, StandardCharsets.ISO_8859_1);
        Matcher m = SHAPE.matcher(header);
        if (!header.contains("'<f4'") || header.contains("'fortran_order': True") || !m.find()) {
            throw new IllegalArgumentException(file + ": expected a C-order float32 (<f4) array of shape (" + height
                    + ", " + width + "), header " + header.strip());
        }
        int h = Integer.parseInt(m.group(1));
        int w = Integer.parseInt(m.group(2));
        if (h != height || w != width) {
            throw new IllegalArgumentException(file + ": a " + h + "x" + w + " map; expected " + height + "x" + width);
        }
        int offset = start + headerLen;
        if (b.length - offset != h * w * Float.BYTES) {
            throw new IllegalArgumentException(file + ": " + (b.length - offset) + " data bytes; expected "
                    + h * w * Float.BYTES);
        }
        ByteBuffer data = ByteBuffer.wrap(b, offset, b.length - offset).order(ByteOrder.LITTLE_ENDIAN);
        float[][] map = new float[h][w];
        for (float[] row : map) {
            for (int x = 0; x < w; x++) {
                row[x] = data.getFloat();
            }
        }
        return map;
    }

    @Override
    public void write(float[][] map, Path file) throws IOException {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + map.length + ", "
                + (map.length == 0 ? 0 : map[0].length) + "), }";
        int unpadded = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        ByteBuffer out = ByteBuffer.allocate(10 + header.length() + map.length * width * Float.BYTES)
                .order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length())
                .put(header.getBytes(StandardCharsets.ISO_8859_1));
        for (float[] row : map) {
            if (row.length != width) {
                throw new IllegalArgumentException("a thermal map row has " + row.length + " values; expected "
                        + width);
            }
            for (float v : row) {
                out.putFloat(v);
            }
        }
        AtomicFiles.write(file, out.array());
    }

    @Override
    public Path show(float[][] map, Path directory, String baseName) throws IOException {
        StringBuilder pgm = new StringBuilder("P2\n" + width + " " + map.length + "\n255\n");
        for (float[] row : map) {
            for (int x = 0; x < row.length; x++) {
                long g = Math.round(Math.max(0, Math.min(1, (row[x] - min) / (max - min))) * 255);
                pgm.append(x == 0 ? "" : " ").append(g);
            }
            pgm.append('\n');
        }
        Path file = directory.resolve(baseName + ".pgm");
        AtomicFiles.write(file, pgm.toString().getBytes(StandardCharsets.US_ASCII));
        return file;
    }

}
