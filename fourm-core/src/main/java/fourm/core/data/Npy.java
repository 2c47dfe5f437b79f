package fourm.core.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's {@code .npy} format for integer arrays: the magic {@code \x93NUMPY}, a version, a header length, a Python
 * dict literal {@code {'descr': '<i2', 'fortran_order': False, 'shape': (2, 196), }} padded with spaces to a multiple
 * of 64 bytes and ended by a newline, then the raw data.
 *
 * <p>{@link #writeInt16(int[], int[])} writes version 1.0 int16 little-endian C-order arrays (the reference's token
 * files). {@link #read(byte[])} reads versions 1 to 3 with dtypes {@code i1 u1 i2 u2 i4 i8} in either byte order and
 * either memory order, and refuses anything else with a message saying what was found and what was expected.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /**
     * An integer array read from a {@code .npy} file, in C (row-major) order.
     *
     * @param descr the file's dtype, for example {@code <i2}
     * @param shape the shape
     * @param data  the values, row-major
     */
    public record Array(String descr, int[] shape, int[] data) {
        /** Number of rows of a 2-D array (the first dimension; 1 for a 1-D array). */
        public int rows() {
            return shape.length == 1 ? 1 : shape[0];
        }

        /** Row {@code i} of a 2-D array (the whole array for 1-D). */
        public int[] row(int i) {
            int cols = shape.length == 1 ? shape[0] : shape[1];
            return Arrays.copyOfRange(data, i * cols, (i + 1) * cols);
        }
    }

    /**
     * Encodes an int16 array.
     *
     * @param shape dimensions, each &gt;= 0
     * @param data  row-major values, each in [-32768, 32767]
     * @throws IllegalArgumentException if the shape and data disagree or a value does not fit int16
     */
    public static byte[] writeInt16(int[] shape, int[] data) {
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
        for (int d : shape) {
            dims.append(d).append(", ");
        }
        String shapeText = shape.length == 1 ? shape[0] + "," : dims.substring(0, Math.max(0, dims.length() - 2));
        String dict = "{'descr': '<i2', 'fortran_order': False, 'shape': (" + shapeText + "), }";
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int total = (unpadded + 63) / 64 * 64;
        String header = dict + " ".repeat(total - unpadded) + "\n";
        ByteBuffer out = ByteBuffer.allocate(total + 2 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        out.put(header.getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < data.length; i++) {
            int v = data[i];
            if (v < Short.MIN_VALUE || v > Short.MAX_VALUE) {
                throw new IllegalArgumentException("value " + v + " at index " + i + " does not fit int16");
            }
            out.putShort((short) v);
        }
        return out.array();
    }

    /**
     * Decodes an integer array.
     *
     * @throws ShardFormatException naming what is wrong: the magic, the version, the header dict, the dtype, the shape
     *                              or the data length
     */
    public static Array read(byte[] bytes) throws ShardFormatException {
        if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
            throw new ShardFormatException("not a .npy file: expected the magic \\x93NUMPY at the start");
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
                throw new ShardFormatException(".npy header is cut short");
            }
            long len = buf.getInt(8) & 0xffffffffL;
            if (len > bytes.length) {
                throw new ShardFormatException(".npy header length " + len + " exceeds the file (" + bytes.length
                        + " bytes)");
            }
            headerLen = (int) len;
            dataStart = 12 + headerLen;
        } else {
            throw new ShardFormatException(".npy version " + major + "." + (bytes[7] & 0xff)
                    + " is not supported (expected 1.0, 2.0 or 3.0)");
        }
        if (dataStart > bytes.length) {
            throw new ShardFormatException(".npy header of " + headerLen + " bytes exceeds the file (" + bytes.length
                    + " bytes)");
        }
        String header = new String(bytes, dataStart - headerLen, headerLen,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1).trim();
        if (!header.startsWith("{") || !header.endsWith("}")) {
            throw new ShardFormatException(".npy header is not a dict literal: '" + abbreviate(header) + "'");
        }
        String descr = group(DESCR, header, "descr");
        boolean fortran = group(FORTRAN, header, "fortran_order").equals("True");
        int[] shape = parseShape(group(SHAPE, header, "shape"));
        ByteOrder order;
        switch (descr.isEmpty() ? ' ' : descr.charAt(0)) {
            case '<':
            case '|':
                order = ByteOrder.LITTLE_ENDIAN;
                break;
            case '>':
                order = ByteOrder.BIG_ENDIAN;
                break;
            default:
                throw new ShardFormatException(".npy dtype '" + descr + "' is not supported: expected an integer"
                        + " dtype such as '<i2'");
        }
        String kind = descr.substring(1);
        int itemSize;
        switch (kind) {
            case "i1":
            case "u1":
                itemSize = 1;
                break;
            case "i2":
            case "u2":
                itemSize = 2;
                break;
            case "i4":
                itemSize = 4;
                break;
            case "i8":
                itemSize = 8;
                break;
            default:
                throw new ShardFormatException(".npy dtype '" + descr + "' is not supported: expected integer token"
                        + " ids (i1, u1, i2, u2, i4 or i8)");
        }
        long count = 1;
        for (int d : shape) {
            count *= d;
        }
        long expected = count * itemSize;
        long actual = bytes.length - dataStart;
        if (expected != actual) {
            throw new ShardFormatException(".npy of shape " + Arrays.toString(shape) + " and dtype " + descr
                    + " needs " + expected + " data bytes, the file has " + actual);
        }
        ByteBuffer data = ByteBuffer.wrap(bytes, dataStart, (int) actual).slice().order(order);
        int[] values = new int[(int) count];
        for (int i = 0; i < values.length; i++) {
            long v;
            switch (kind) {
                case "i1":
                    v = data.get(i);
                    break;
                case "u1":
                    v = data.get(i) & 0xff;
                    break;
                case "i2":
                    v = data.getShort(2 * i);
                    break;
                case "u2":
                    v = data.getShort(2 * i) & 0xffff;
                    break;
                case "i4":
                    v = data.getInt(4 * i);
                    break;
                default:
                    v = data.getLong(8 * i);
                    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                        throw new ShardFormatException(".npy value " + v + " at index " + i + " does not fit an int");
                    }
            }
            values[i] = (int) v;
        }
        if (fortran && shape.length > 1) {
            values = fromFortranOrder(values, shape);
        }
        return new Array(descr, shape, values);
    }

    private static int[] fromFortranOrder(int[] f, int[] shape) {
        int[] c = new int[f.length];
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

    private static String group(Pattern p, String header, String key) throws ShardFormatException {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new ShardFormatException(".npy header has no valid '" + key + "' entry: '" + abbreviate(header)
                    + "'");
        }
        return m.group(1);
    }

    private static int[] parseShape(String text) throws ShardFormatException {
        String[] parts = text.split(",");
        int n = 0;
        int[] dims = new int[parts.length];
        for (String p : parts) {
            String t = p.trim();
            if (t.isEmpty()) {
                continue;
            }
            try {
                dims[n] = Integer.parseInt(t);
            } catch (NumberFormatException e) {
                throw new ShardFormatException(".npy shape (" + text + ") has a non-integer dimension '" + t + "'");
            }
            if (dims[n] < 0) {
                throw new ShardFormatException(".npy shape (" + text + ") has a negative dimension");
            }
            n++;
        }
        return Arrays.copyOf(dims, n);
    }

    private static String abbreviate(String s) {
        return s.length() > 120 ? s.substring(0, 117) + "..." : s;
    }
}
