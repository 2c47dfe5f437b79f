package fourm.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.google.gson.stream.JsonWriter;
import fourm.api.io.AtomicFiles;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Collects tensors and string metadata, then writes one safetensors file deterministically and atomically.
 *
 * <p>Determinism: keys are written in sorted order (header and data alike), metadata keys sorted, the JSON is compact,
 * and the header is padded with spaces so that the data starts at a multiple of 8 bytes. The same content always gives
 * the same bytes. Atomicity: the file is written to a temporary name in the target's folder, forced to disk, and renamed
 * over the target; a failure leaves the target untouched and removes the temporary file.
 *
 * <p>NDArrays added with {@link #add(String, NDArray)} are read when {@link #write(Path)} runs, one at a time, so they
 * must still be open then. Not thread-safe.
 */
public final class SafetensorsWriter {
    private final Map<String, Entry> entries = new TreeMap<>();
    private final Map<String, String> metadata = new TreeMap<>();

    /** The bytes of one tensor, produced when the file is written. */
    private interface Source {
        ByteBuffer bytes();
    }

    private record Entry(SafetensorsDType dtype, long[] shape, long byteLength, Source source) {
    }

    /** Adds a metadata entry (written under {@code __metadata__}). */
    public SafetensorsWriter putMetadata(String key, String value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value of metadata key " + key);
        metadata.put(key, value);
        return this;
    }

    /** Adds every entry of {@code values} as metadata. */
    public SafetensorsWriter putMetadata(Map<String, String> values) {
        values.forEach(this::putMetadata);
        return this;
    }

    /**
     * Adds a tensor from raw little-endian bytes (from the buffer's position to its limit; the buffer is not modified).
     *
     * @throws IllegalArgumentException if the key is taken or reserved, or the length does not match the shape
     */
    public SafetensorsWriter add(String key, SafetensorsDType dtype, long[] shape, ByteBuffer littleEndianData) {
        ByteBuffer data = littleEndianData.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        return put(key, dtype, shape, data.remaining(), data::duplicate);
    }

    /** Adds an F32 tensor. */
    public SafetensorsWriter addFloats(String key, long[] shape, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return add(key, SafetensorsDType.F32, shape, b);
    }

    /** Adds an I64 tensor. */
    public SafetensorsWriter addLongs(String key, long[] shape, long[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return add(key, SafetensorsDType.I64, shape, b);
    }

    /** Adds an I32 tensor. */
    public SafetensorsWriter addInts(String key, long[] shape, int[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(values);
        return add(key, SafetensorsDType.I32, shape, b);
    }

    /** Adds an I16 tensor. */
    public SafetensorsWriter addShorts(String key, long[] shape, short[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.asShortBuffer().put(values);
        return add(key, SafetensorsDType.I16, shape, b);
    }

    /** Adds a BOOL tensor. */
    public SafetensorsWriter addBooleans(String key, long[] shape, boolean[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length);
        for (boolean v : values) {
            b.put((byte) (v ? 1 : 0));
        }
        b.flip();
        return add(key, SafetensorsDType.BOOL, shape, b);
    }

    /**
     * Adds an NDArray, read when the file is written. Supported types: FLOAT32, FLOAT16, BFLOAT16, INT64, INT32,
     * INT16, UINT8, BOOLEAN.
     *
     * @throws IllegalArgumentException for another data type
     */
    public SafetensorsWriter add(String key, NDArray array) {
        SafetensorsDType dtype = fromDjl(key, array.getDataType());
        long[] shape = array.getShape().getShape();
        long length = array.size() * dtype.bytes();
        return put(key, dtype, shape, length, () -> array.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN));
    }

    private static SafetensorsDType fromDjl(String key, DataType t) {
        return switch (t) {
            case FLOAT32 -> SafetensorsDType.F32;
            case FLOAT16 -> SafetensorsDType.F16;
            case BFLOAT16 -> SafetensorsDType.BF16;
            case INT64 -> SafetensorsDType.I64;
            case INT32 -> SafetensorsDType.I32;
            case INT16 -> SafetensorsDType.I16;
            case UINT8 -> SafetensorsDType.U8;
            case BOOLEAN -> SafetensorsDType.BOOL;
            default -> throw new IllegalArgumentException("tensor '" + key + "': data type " + t
                    + " cannot be written; expected one of " + SafetensorsDType.supportedNames());
        };
    }

    private SafetensorsWriter put(String key, SafetensorsDType dtype, long[] shape, long length, Source source) {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty() || key.equals(SafetensorsReader.METADATA_KEY)) {
            throw new IllegalArgumentException("'" + key + "' cannot be a tensor key");
        }
        if (entries.containsKey(key)) {
            throw new IllegalArgumentException("tensor '" + key + "' was added twice");
        }
        long numel = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + key + "': negative dimension in shape "
                        + java.util.Arrays.toString(shape));
            }
            numel = Math.multiplyExact(numel, d);
        }
        if (numel * dtype.bytes() != length) {
            throw new IllegalArgumentException("tensor '" + key + "': " + length + " bytes of data, but shape "
                    + java.util.Arrays.toString(shape) + " of " + dtype + " needs " + numel * dtype.bytes());
        }
        entries.put(key, new Entry(dtype, shape.clone(), length, source));
        return this;
    }

    /** The number of tensors added. */
    public int size() {
        return entries.size();
    }

    /** The header bytes (JSON padded with spaces to a multiple of 8 including the 8-byte length field). */
    byte[] header() {
        StringWriter sw = new StringWriter();
        try (JsonWriter w = new JsonWriter(sw)) {
            w.setHtmlSafe(false);
            w.beginObject();
            if (!metadata.isEmpty()) {
                w.name(SafetensorsReader.METADATA_KEY).beginObject();
                for (Map.Entry<String, String> m : metadata.entrySet()) {
                    w.name(m.getKey()).value(m.getValue());
                }
                w.endObject();
            }
            long offset = 0;
            for (Map.Entry<String, Entry> e : entries.entrySet()) {
                Entry t = e.getValue();
                w.name(e.getKey()).beginObject();
                w.name("dtype").value(t.dtype().name());
                w.name("shape").beginArray();
                for (long d : t.shape()) {
                    w.value(d);
                }
                w.endArray();
                w.name("data_offsets").beginArray().value(offset).value(offset + t.byteLength()).endArray();
                w.endObject();
                offset += t.byteLength();
            }
            w.endObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] json = sw.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = new byte[padded];
        System.arraycopy(json, 0, out, 0, json.length);
        java.util.Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    /**
     * Writes the file: a temporary file in the same folder, forced to disk, then renamed over {@code target}.
     *
     * @throws IOException if writing fails (the target is then unchanged)
     */
    public void write(Path target) throws IOException {
        AtomicFiles.write(target, tmp -> {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                byte[] header = header();
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
                writeFully(ch, len);
                writeFully(ch, ByteBuffer.wrap(header));
                for (Map.Entry<String, Entry> e : entries.entrySet()) {
                    ByteBuffer data = e.getValue().source().bytes();
                    if (data.remaining() != e.getValue().byteLength()) {
                        throw new IOException("tensor '" + e.getKey() + "' produced " + data.remaining()
                                + " bytes, expected " + e.getValue().byteLength());
                    }
                    writeFully(ch, data);
                }
            }
        });
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
