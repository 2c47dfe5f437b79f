package fourm.core.io;

import fourm.core.io.SafetensorsReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's {@code .npy} format: the magic {@code \x93NUMPY}, a version, a header length, a Python dict literal
 * {@code {'descr': '<i2', 'fortran_order': False, 'shape': (2, 196), }} padded with spaces to a multiple of 64 bytes
 * and ended by a newline, then the raw data.
 *
 * <p>Writes version 1.0 little-endian C-order arrays: int16 with {@link #writeInt16(int[], int[])} (the reference's
 * token files) and float32 with {@link #writeFloat32(int[], float[])} (feature maps {@code (C, H, W)}, global
 * embeddings {@code (C,)}, depth maps {@code (H, W)}). Reads versions 1 to 3 in either byte order and either memory
 * order, the header parsed by one routine: {@link #read(byte[])} as integers (dtypes {@code i1 u1 i2 u2 i4 i8}),
 * {@link #readFloats(byte[])} as floats (dtypes {@code f2 f4 f8 i1 u1 i2 u2 i4 u4 i8}). Anything else is refused with
 * a message saying what was found and what was expected.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
    private static final List<String> INT_KINDS = List.of("i1", "u1", "i2", "u2", "i4", "i8");
    private static final String INT_EXPECTED = "integer token ids (i1, u1, i2, u2, i4 or i8)";
    private static final List<String> FLOAT_KINDS = List.of("f2", "f4", "f8", "i1", "u1", "i2", "u2", "i4", "u4",
            "i8");
    private static final String FLOAT_EXPECTED = "numbers (f2, f4, f8, i1, u1, i2, u2, i4, u4 or i8)";

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
     * An array read from a {@code .npy} file as floats, in C (row-major) order.
     *
     * @param descr the file's dtype, for example {@code <f4}
     * @param shape the shape (empty for a scalar)
     * @param data  the values, row-major
     */
    public record FloatArray(String descr, int[] shape, float[] data) {
        /** Copies the shape. */
        public FloatArray {
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
     * Encodes an int16 array.
     *
     * @param shape dimensions, each &gt;= 0
     * @param data  row-major values, each in [-32768, 32767]
     * @throws IllegalArgumentException if the shape and data disagree or a value does not fit int16
     */
    public static byte[] writeInt16(int[] shape, int[] data) {
        ByteBuffer out = startFile("<i2", 2, shape, data.length);
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
     * Encodes a float32 array.
     *
     * @param shape dimensions, each &gt;= 0
     * @param data  row-major values
     * @throws IllegalArgumentException if the shape and data disagree
     */
    public static byte[] writeFloat32(int[] shape, float[] data) {
        ByteBuffer out = startFile("<f4", 4, shape, data.length);
        for (float v : data) {
            out.putFloat(v);
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
        Parsed p = parse(bytes, INT_KINDS, INT_EXPECTED);
        int[] values = new int[p.count()];
        for (int i = 0; i < values.length; i++) {
            int at = p.sourceIndex(i);
            long v = p.integer(at);
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw new ShardFormatException(".npy value " + v + " at index " + at + " does not fit an int");
            }
            values[i] = (int) v;
        }
        return new Array(p.descr(), p.shape(), values);
    }

    /**
     * Decodes an array of numbers as floats.
     *
     * @throws ShardFormatException naming what is wrong: the magic, the version, the header dict, the dtype, the shape
     *                              or the data length
     */
    public static FloatArray readFloats(byte[] bytes) throws ShardFormatException {
        Parsed p = parse(bytes, FLOAT_KINDS, FLOAT_EXPECTED);
        ByteBuffer data = p.data();
        float[] values = new float[p.count()];
        for (int i = 0; i < values.length; i++) {
            int at = p.sourceIndex(i);
            values[i] = switch (p.kind()) {
                case "f2" -> SafetensorsReader.halfToFloat(data.getShort(2 * at));
                case "f4" -> data.getFloat(4 * at);
                case "f8" -> (float) data.getDouble(8 * at);
                default -> p.integer(at);
            };
        }
        return new FloatArray(p.descr(), p.shape(), values);
    }

    /**
     * Reads a file of numbers as floats.
     *
     * @throws ShardFormatException naming the file and what is wrong with it (see {@link #readFloats(byte[])})
     * @throws IOException          if the file cannot be read
     */
    public static FloatArray readFloats(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            return readFloats(bytes);
        } catch (ShardFormatException e) {
            ShardFormatException named = new ShardFormatException(file + ": " + e.getMessage());
            named.initCause(e);
            throw named;
        }
    }

    /** The parts of a checked file the readers need. */
    private record Parsed(String descr, String kind, int[] shape, int count, int[] fortranIndex, ByteBuffer data) {
        /** Position in the file's data of the row-major element {@code i}. */
        int sourceIndex(int i) {
            return fortranIndex == null ? i : fortranIndex[i];
        }

        /** Element {@code at} of the file's data, of an integer dtype. */
        long integer(int at) {
            return switch (kind) {
                case "i1" -> data.get(at);
                case "u1" -> data.get(at) & 0xff;
                case "i2" -> data.getShort(2 * at);
                case "u2" -> data.getShort(2 * at) & 0xffff;
                case "i4" -> data.getInt(4 * at);
                case "u4" -> data.getInt(4 * at) & 0xffffffffL;
                case "i8" -> data.getLong(8 * at);
                default -> throw new IllegalStateException("not an integer dtype: " + kind);
            };
        }
    }

    /**
     * Checks the magic, version, header, dtype (one of {@code kinds}) and data length, the checks shared by both
     * readers.
     */
    private static Parsed parse(byte[] bytes, List<String> kinds, String expected) throws ShardFormatException {
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
        ByteOrder order = switch (descr.isEmpty() ? ' ' : descr.charAt(0)) {
            case '<', '|' -> ByteOrder.LITTLE_ENDIAN;
            case '>' -> ByteOrder.BIG_ENDIAN;
            default -> throw new ShardFormatException(".npy dtype '" + descr + "' is not supported: it has no byte"
                    + " order ('<', '>' or '|'); expected " + expected);
        };
        String kind = descr.substring(1);
        if (!kinds.contains(kind)) {
            throw new ShardFormatException(".npy dtype '" + descr + "' is not supported: expected " + expected);
        }
        int itemSize = kind.charAt(1) - '0';
        long count = 1;
        for (int d : shape) {
            count *= d;
        }
        long needed = count * itemSize;
        long actual = bytes.length - dataStart;
        if (needed != actual) {
            throw new ShardFormatException(".npy of shape " + Arrays.toString(shape) + " and dtype " + descr
                    + " needs " + needed + " data bytes, the file has " + actual);
        }
        ByteBuffer data = ByteBuffer.wrap(bytes, dataStart, (int) actual).slice().order(order);
        int[] fortranIndex = fortran && shape.length > 1 ? fortranIndex(shape, (int) count) : null;
        return new Parsed(descr, kind, shape, (int) count, fortranIndex, data);
    }

    /** For each row-major position, the position of the same element in Fortran (column-major) order. */
    private static int[] fortranIndex(int[] shape, int count) {
        int[] index = new int[count];
        int dims = shape.length;
        int[] idx = new int[dims];
        for (int ci = 0; ci < count; ci++) {
            int fi = 0;
            int stride = 1;
            for (int d = 0; d < dims; d++) {
                fi += idx[d] * stride;
                stride *= shape[d];
            }
            index[ci] = fi;
            for (int d = dims - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        return index;
    }

    /**
     * A buffer holding a version 1.0 header for a little-endian C-order array, positioned where the values go.
     *
     * @throws IllegalArgumentException if a dimension is negative or the shape does not hold {@code values} values
     */
    private static ByteBuffer startFile(String descr, int itemSize, int[] shape, int values) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n != values) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " values, got "
                    + values);
        }
        StringBuilder dims = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            dims.append(shape[i]).append(shape.length == 1 ? "," : (i + 1 < shape.length ? ", " : ""));
        }
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int total = (unpadded + 63) / 64 * 64;
        String header = dict + " ".repeat(total - unpadded) + "\n";
        ByteBuffer out = ByteBuffer.allocate(total + itemSize * values).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        out.put(header.getBytes(StandardCharsets.US_ASCII));
        return out;
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
                // Python 2 wrote long dimensions with an L suffix: (3L, 4L).
                dims[n] = Integer.parseInt(t.endsWith("L") ? t.substring(0, t.length() - 1) : t);
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
