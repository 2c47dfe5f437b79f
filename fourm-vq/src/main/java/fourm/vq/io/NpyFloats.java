package fourm.vq.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy {@code .npy} files of numbers read as floats, and written as float32: feature maps {@code (C, H, W)}, global
 * embeddings {@code (C,)}, depth maps {@code (H, W)}.
 *
 * <p>Reads versions 1 to 3 with dtypes {@code f2 f4 f8 i1 u1 i2 u2 i4 u4 i8} in either byte order and either memory
 * order; anything else is refused with a message naming the file and what was found. Writes version 1.0
 * little-endian float32 C-order arrays, to a temporary name renamed into place.
 */
public final class NpyFloats {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private NpyFloats() {
    }

    /**
     * An array read from a {@code .npy} file, in C (row-major) order.
     *
     * @param descr the file's dtype, for example {@code <f4}
     * @param shape the shape (empty for a scalar)
     * @param data  the values
     */
    public record Array(String descr, int[] shape, float[] data) {
        /** Copies the shape. */
        public Array {
            shape = shape.clone();
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        /** The shape as {@code (a, b, c)}. */
        public String shapeString() {
            return Arrays.toString(shape).replace('[', '(').replace(']', ')');
        }
    }

    /**
     * Reads a file.
     *
     * @throws IOException naming the file and the problem (magic, version, header, dtype, length)
     */
    public static Array read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            return parse(bytes);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses {@code .npy} bytes.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static Array parse(byte[] bytes) {
        if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
            throw new IllegalArgumentException("not a .npy file: expected the magic \\x93NUMPY at the start");
        }
        int major = bytes[6] & 0xff;
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen;
        int dataStart;
        if (major == 1) {
            headerLen = buf.getShort(8) & 0xffff;
            dataStart = 10 + headerLen;
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) {
                throw new IllegalArgumentException(".npy header is cut short");
            }
            long len = buf.getInt(8) & 0xffffffffL;
            if (len > bytes.length) {
                throw new IllegalArgumentException(".npy header length " + len + " exceeds the file");
            }
            headerLen = (int) len;
            dataStart = 12 + headerLen;
        } else {
            throw new IllegalArgumentException(".npy version " + major + " is not supported (expected 1, 2 or 3)");
        }
        if (dataStart > bytes.length) {
            throw new IllegalArgumentException(".npy header of " + headerLen + " bytes exceeds the file");
        }
        String header = new String(bytes, dataStart - headerLen, headerLen,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1).trim();
        String descr = group(DESCR, header, "descr");
        boolean fortran = group(FORTRAN, header, "fortran_order").equals("True");
        int[] shape = parseShape(group(SHAPE, header, "shape"));
        if (descr.length() < 3) {
            throw new IllegalArgumentException(".npy dtype '" + descr + "' is not supported");
        }
        ByteOrder order = switch (descr.charAt(0)) {
            case '<', '|' -> ByteOrder.LITTLE_ENDIAN;
            case '>' -> ByteOrder.BIG_ENDIAN;
            default -> throw new IllegalArgumentException(".npy dtype '" + descr + "' has no byte order");
        };
        String kind = descr.substring(1);
        int item = switch (kind) {
            case "i1", "u1" -> 1;
            case "f2", "i2", "u2" -> 2;
            case "f4", "i4", "u4" -> 4;
            case "f8", "i8" -> 8;
            default -> throw new IllegalArgumentException(".npy dtype '" + descr + "' is not supported: expected"
                    + " numbers (f2, f4, f8, i1, u1, i2, u2, i4, u4, i8)");
        };
        long count = 1;
        for (int d : shape) {
            count *= d;
        }
        long actual = bytes.length - dataStart;
        if (count * item != actual) {
            throw new IllegalArgumentException(".npy of shape " + Arrays.toString(shape) + " and dtype " + descr
                    + " needs " + count * item + " data bytes, the file has " + actual);
        }
        ByteBuffer data = ByteBuffer.wrap(bytes, dataStart, (int) actual).slice().order(order);
        float[] values = new float[(int) count];
        for (int i = 0; i < values.length; i++) {
            values[i] = switch (kind) {
                case "i1" -> data.get(i);
                case "u1" -> data.get(i) & 0xff;
                case "f2" -> halfToFloat(data.getShort(2 * i));
                case "i2" -> data.getShort(2 * i);
                case "u2" -> data.getShort(2 * i) & 0xffff;
                case "f4" -> data.getFloat(4 * i);
                case "i4" -> data.getInt(4 * i);
                case "u4" -> data.getInt(4 * i) & 0xffffffffL;
                case "f8" -> (float) data.getDouble(8 * i);
                default -> data.getLong(8 * i);
            };
        }
        if (fortran && shape.length > 1) {
            values = fromFortran(values, shape);
        }
        return new Array(descr, shape, values);
    }

    /**
     * Writes a float32 array atomically.
     *
     * @throws IllegalArgumentException if the shape does not match the data
     */
    public static void write(Path file, int[] shape, float[] data) throws IOException {
        AtomicFiles.write(file, encode(shape, data));
    }

    /** The bytes of a version 1.0 little-endian float32 C-order {@code .npy}. */
    public static byte[] encode(int[] shape, float[] data) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " values, got "
                    + data.length);
        }
        StringBuilder dims = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            dims.append(shape[i]).append(shape.length == 1 ? "," : (i + 1 < shape.length ? ", " : ""));
        }
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
        int unpadded = MAGIC.length + 4 + dict.length() + 1;
        int total = (unpadded + 63) / 64 * 64;
        String header = dict + " ".repeat(total - unpadded) + "\n";
        ByteBuffer out = ByteBuffer.allocate(total + 4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        out.put(header.getBytes(StandardCharsets.US_ASCII));
        for (float v : data) {
            out.putFloat(v);
        }
        return out.array();
    }

    /** IEEE 754 half-precision bits as a float (exact). */
    static float halfToFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    private static float[] fromFortran(float[] f, int[] shape) {
        float[] c = new float[f.length];
        int dims = shape.length;
        int[] idx = new int[dims];
        for (int ci = 0; ci < c.length; ci++) {
            int fi = 0;
            int stride = 1;
            for (int d = 0; d < dims; d++) {
                fi += idx[d] * stride;
                stride *= shape[d];
            }
            c[ci] = f[fi];
            for (int d = dims - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        return c;
    }

    private static String group(Pattern p, String header, String key) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new IllegalArgumentException(".npy header has no valid '" + key + "' entry");
        }
        return m.group(1);
    }

    private static int[] parseShape(String text) {
        String[] parts = text.split(",");
        int n = 0;
        int[] dims = new int[parts.length];
        for (String p : parts) {
            String t = p.trim();
            if (t.isEmpty()) {
                continue;
            }
            try {
                dims[n] = Integer.parseInt(t.endsWith("L") ? t.substring(0, t.length() - 1) : t);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(".npy shape (" + text + ") has a non-integer dimension '" + t + "'");
            }
            if (dims[n] < 0) {
                throw new IllegalArgumentException(".npy shape (" + text + ") has a negative dimension");
            }
            n++;
        }
        return Arrays.copyOf(dims, n);
    }
}
