package fourm.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.EOFException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a safetensors file. {@link #open(Path)} validates the whole header before any data is touched: the header
 * length against the file size, the JSON, every dtype, shape and offset pair (in range, not overlapping, exactly
 * {@code numel x bytes} long). Any violation is a {@link SafetensorsFormatException} naming the file, the tensor key and
 * what was expected.
 *
 * <p>Tensor data is never loaded whole into the Java heap: {@link #bytes(String)} memory-maps one tensor read-only;
 * {@link #floats(String)} reads a tensor in chunks; {@link #toNDArray(NDManager, String)} reads it (without mapping)
 * into one reused native buffer and copies it once into engine memory, so that loading a checkpoint costs about one
 * copy of it in resident memory.
 * A single tensor must be below 2 GiB. Keys are kept in header order. The same reader also serves the tensors of a torch
 * checkpoint ({@link TorchCheckpointReader}, or {@link #openStateDict(Path)} by file extension). Instances are safe to share between threads; close
 * them when done.
 */
public final class SafetensorsReader implements AutoCloseable {
    /** The largest header accepted (the format's own limit is 100 MB). */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    /** The reserved key of the string-to-string metadata map. */
    public static final String METADATA_KEY = "__metadata__";

    private final Path path;
    private final TensorSource source;
    private final Map<String, String> metadata;
    private final Map<String, TensorInfo> tensors;
    /** The native staging buffer of {@link #toNDArray} (guarded by {@code this}): a few megabytes, or a larger row. */
    private ByteBuffer staging;

    /** The reused buffers of {@link #scanFloats} (guarded by {@code this}). */
    private ByteBuffer scanBytes;
    private float[] scanValues;

    /** Bytes read at a time by {@link #floats(String)} and {@link #scanFloats}. */
    private static final int CHUNK_BYTES = 1 << 20;

    private SafetensorsReader(Path path, TensorSource source, Map<String, String> metadata,
                              Map<String, TensorInfo> tensors) {
        this.path = path;
        this.source = source;
        this.metadata = Collections.unmodifiableMap(metadata);
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    /**
     * Where a reader's tensor bytes come from: the mapped data section of a safetensors file, or the storages of a
     * torch checkpoint ({@link TorchCheckpointReader}).
     */
    interface TensorSource extends AutoCloseable {
        /** The little-endian, row-major bytes of {@code t} ({@code t.byteLength()} of them, below 2 GiB). */
        ByteBuffer read(TensorInfo t) throws IOException;

        /**
         * Copies bytes {@code [from, from + dst.remaining())} of {@code t} into {@code dst} (advancing its position).
         * A file source reads them without mapping the file, so that the pages stay in the page cache and out of the
         * process's resident memory.
         */
        default void copy(TensorInfo t, long from, ByteBuffer dst) throws IOException {
            ByteBuffer src = read(t);
            dst.put(src.slice((int) from, dst.remaining()));
        }

        @Override
        void close() throws IOException;
    }

    /**
     * A reader over tensors that are not in a safetensors file (used by {@link TorchCheckpointReader}): the same
     * typed accessors and {@link #toNDArray}, with {@code source} supplying each tensor's bytes. The entries'
     * offsets are the source's own business; they are not validated here.
     */
    static SafetensorsReader over(Path path, Map<String, String> metadata, Map<String, TensorInfo> tensors,
                                  TensorSource source) {
        return new SafetensorsReader(path, source, new LinkedHashMap<>(metadata), new LinkedHashMap<>(tensors));
    }

    /**
     * Opens the state dict in {@code file}, choosing the reader by the file name: a torch checkpoint
     * ({@link TorchCheckpointReader#isTorchCheckpointName(Path)}: {@code .pth}, {@code .pt}, {@code .ckpt},
     * {@code .bin}) through {@link TorchCheckpointReader}, which rebuilds tensors and executes nothing, anything else
     * as safetensors.
     *
     * @throws SafetensorsFormatException if the file is not a valid file of its kind
     * @throws IOException                if it cannot be read
     */
    public static SafetensorsReader openStateDict(Path file) throws IOException {
        return TorchCheckpointReader.isTorchCheckpointName(file) ? TorchCheckpointReader.open(file) : open(file);
    }

    /**
     * Opens and validates {@code file}.
     *
     * @throws SafetensorsFormatException if the file is not a valid safetensors file
     * @throws IOException                if it cannot be read
     */
    public static SafetensorsReader open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString(), null, "no such safetensors file");
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return parse(file, ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static SafetensorsReader parse(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < 8) {
            throw new SafetensorsFormatException(file, null, "the file has " + size
                    + " bytes, too short for the 8-byte header length (truncated?)");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(file, ch, lenBuf, 0);
        long n = lenBuf.getLong(0);
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw new SafetensorsFormatException(file, null, "the header length field says "
                    + Long.toUnsignedString(n) + " bytes; expected at most " + MAX_HEADER_BYTES
                    + " (not a safetensors file, or corrupt)");
        }
        if (n > size - 8) {
            throw new SafetensorsFormatException(file, null, "the header length field says " + n + " bytes but only "
                    + (size - 8) + " bytes follow it (truncated file?)");
        }
        if (n < 2) {
            throw new SafetensorsFormatException(file, null, "a header of " + n
                    + " bytes cannot hold a JSON object");
        }
        ByteBuffer headerBuf = ByteBuffer.allocate((int) n);
        readFully(file, ch, headerBuf, 8);
        headerBuf.flip();
        String json;
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(headerBuf);
            json = chars.toString();
        } catch (CharacterCodingException e) {
            throw new SafetensorsFormatException(file, null, "the header is not valid UTF-8");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        new HeaderParser(file, json).parse(metadata, tensors);
        long dataStart = 8 + n;
        validateOffsets(file, tensors, size - dataStart);
        TensorSource mapped = new TensorSource() {
            @Override
            public ByteBuffer read(TensorInfo t) throws IOException {
                return ch.map(FileChannel.MapMode.READ_ONLY, dataStart + t.begin(), t.byteLength());
            }

            @Override
            public void copy(TensorInfo t, long from, ByteBuffer dst) throws IOException {
                long pos = dataStart + t.begin() + from;
                while (dst.hasRemaining()) {
                    int r = ch.read(dst, pos);
                    if (r < 0) {
                        throw new SafetensorsFormatException(file, t.name(), "unexpected end of file at byte " + pos
                                + " (was the file truncated while it was open?)");
                    }
                    pos += r;
                }
            }

            @Override
            public void close() throws IOException {
                ch.close();
            }
        };
        return new SafetensorsReader(file, mapped, metadata, tensors);
    }

    private static void readFully(Path file, FileChannel ch, ByteBuffer dst, long position) throws IOException {
        long pos = position;
        while (dst.hasRemaining()) {
            int r = ch.read(dst, pos);
            if (r < 0) {
                throw new SafetensorsFormatException(file, null, "unexpected end of file at byte " + pos);
            }
            pos += r;
        }
    }

    private static void validateOffsets(Path file, Map<String, TensorInfo> tensors, long dataLength)
            throws SafetensorsFormatException {
        List<TensorInfo> nonEmpty = new ArrayList<>();
        for (TensorInfo t : tensors.values()) {
            if (t.end() > dataLength) {
                throw new SafetensorsFormatException(file, t.name(), "data_offsets [" + t.begin() + ", " + t.end()
                        + "] reach past the " + dataLength + " data bytes of the file (truncated file?)");
            }
            if (t.end() > t.begin()) {
                nonEmpty.add(t);
            }
        }
        nonEmpty.sort(Comparator.comparingLong(TensorInfo::begin));
        long end = nonEmpty.isEmpty() ? 0 : nonEmpty.get(nonEmpty.size() - 1).end();
        if (end < dataLength) {
            throw new SafetensorsFormatException(file, null, (dataLength - end) + " bytes follow the last tensor's"
                    + " data (the data section has " + dataLength + " bytes, the tensors end at " + end + "): the file"
                    + " is corrupt or something was appended to it");
        }
        for (int i = 1; i < nonEmpty.size(); i++) {
            TensorInfo prev = nonEmpty.get(i - 1);
            TensorInfo cur = nonEmpty.get(i);
            if (cur.begin() < prev.end()) {
                throw new SafetensorsFormatException(file, cur.name(), "data_offsets [" + cur.begin() + ", "
                        + cur.end() + "] overlap those of '" + prev.name() + "' [" + prev.begin() + ", " + prev.end()
                        + "]");
            }
        }
    }

    /** The file. */
    public Path path() {
        return path;
    }

    /** The {@code __metadata__} map (empty when absent), in file order. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The tensor keys in header order. */
    public List<String> keys() {
        return List.copyOf(tensors.keySet());
    }

    /** Every tensor entry by key, in header order. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** True when the file holds a tensor {@code key}. */
    public boolean has(String key) {
        return tensors.containsKey(key);
    }

    /** The entry of {@code key}, if present. */
    public Optional<TensorInfo> find(String key) {
        return Optional.ofNullable(tensors.get(key));
    }

    /**
     * The entry of {@code key}.
     *
     * @throws SafetensorsFormatException if the file has no such tensor
     */
    public TensorInfo info(String key) throws SafetensorsFormatException {
        TensorInfo t = tensors.get(key);
        if (t == null) {
            String known = tensors.size() <= 20 ? String.join(", ", tensors.keySet())
                    : tensors.size() + " tensors";
            throw new SafetensorsFormatException(path, key, "no such tensor in the file (it holds " + known + ")");
        }
        return t;
    }

    /**
     * The raw little-endian bytes of {@code key}, memory-mapped read-only (no copy).
     *
     * @throws SafetensorsFormatException if the key is missing or the tensor is 2 GiB or more
     */
    public ByteBuffer bytes(String key) throws IOException {
        TensorInfo t = info(key);
        if (t.byteLength() > Integer.MAX_VALUE) {
            throw new SafetensorsFormatException(path, key, "the tensor has " + t.byteLength()
                    + " bytes; fourm maps tensors below 2 GiB only");
        }
        if (t.byteLength() == 0) {
            return ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
        }
        return source.read(t).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * The values of a floating tensor (F32, F16 or BF16) as floats.
     *
     * @throws SafetensorsFormatException if the tensor is missing, not floating, or too large for a Java array
     */
    public float[] floats(String key) throws IOException {
        TensorInfo t = info(key);
        if (!t.dtype().isFloating()) {
            throw new SafetensorsFormatException(path, key, "dtype " + t.dtype()
                    + "; expected a floating type (F32, F16, BF16)");
        }
        float[] out = new float[arrayLength(t)];
        scanFloats(t, (offset, values, count) -> System.arraycopy(values, 0, out, (int) offset, count));
        return out;
    }

    /** Receives a floating tensor's values a chunk at a time ({@link #scanFloats}). */
    @FunctionalInterface
    interface FloatChunks {
        /** Values {@code [offset, offset + count)} of the tensor are {@code values[0, count)} (a reused array). */
        void accept(long offset, float[] values, int count);
    }

    /**
     * Reads the floating tensor {@code t} (F32, F16 or BF16) in chunks of about a megabyte, converted to floats, without
     * mapping the file or holding the whole tensor: checking a checkpoint costs no more memory than its largest chunk.
     */
    void scanFloats(TensorInfo t, FloatChunks sink) throws IOException {
        int width = t.dtype().bytes();
        long total = t.numel();
        if (total == 0) {
            return;
        }
        int perChunk = CHUNK_BYTES / 4;
        synchronized (this) {
            if (scanBytes == null) {
                scanBytes = ByteBuffer.allocateDirect(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
                scanValues = new float[perChunk];
            }
            scanChunks(t, width, total, perChunk, scanBytes, scanValues, sink);
        }
    }

    private void scanChunks(TensorInfo t, int width, long total, int perChunk, ByteBuffer buf, float[] values,
                            FloatChunks sink) throws IOException {
        for (long done = 0; done < total; done += perChunk) {
            int count = (int) Math.min(perChunk, total - done);
            buf.clear().limit(count * width);
            source.copy(t, done * width, buf);
            switch (t.dtype()) {
                case F32 -> buf.flip().asFloatBuffer().get(values, 0, count);
                case F16 -> {
                    for (int i = 0; i < count; i++) {
                        values[i] = halfToFloat(buf.getShort(2 * i));
                    }
                }
                case BF16 -> {
                    for (int i = 0; i < count; i++) {
                        values[i] = Float.intBitsToFloat((buf.getShort(2 * i) & 0xffff) << 16);
                    }
                }
                default -> throw new IllegalStateException("not a floating tensor: " + t.dtype());
            }
            sink.accept(done, values, count);
        }
    }

    /**
     * The values of an integer or boolean tensor (I64, I32, I16, U8, BOOL) as longs.
     *
     * @throws SafetensorsFormatException if the tensor is missing, floating, or too large for a Java array
     */
    public long[] longs(String key) throws IOException {
        TensorInfo t = info(key);
        if (t.dtype().isFloating()) {
            throw new SafetensorsFormatException(path, key, "dtype " + t.dtype()
                    + "; expected an integer type (I64, I32, I16, U8, BOOL)");
        }
        int n = arrayLength(t);
        ByteBuffer b = bytes(key);
        long[] out = new long[n];
        switch (t.dtype()) {
            case I64 -> b.asLongBuffer().get(out);
            case I32 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.getInt(4 * i);
                }
            }
            case I16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.getShort(2 * i);
                }
            }
            case U8 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.get(i) & 0xff;
                }
            }
            case BOOL -> {
                for (int i = 0; i < n; i++) {
                    out[i] = boolByte(t, b.get(i), i) ? 1 : 0;
                }
            }
            default -> throw new IllegalStateException("unreachable: " + t.dtype());
        }
        return out;
    }

    /**
     * The values of an integer tensor as ints.
     *
     * @throws SafetensorsFormatException as {@link #longs(String)}, or if a value does not fit in an int
     */
    public int[] ints(String key) throws IOException {
        long[] v = longs(key);
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] != (int) v[i]) {
                throw new SafetensorsFormatException(path, key, "element " + i + " = " + v[i]
                        + " does not fit in a 32-bit int");
            }
            out[i] = (int) v[i];
        }
        return out;
    }

    /**
     * The values of a BOOL tensor (or a U8 tensor holding only 0 and 1).
     *
     * @throws SafetensorsFormatException if the tensor is missing, of another type, or holds a byte other than 0/1
     */
    public boolean[] booleans(String key) throws IOException {
        TensorInfo t = info(key);
        if (t.dtype() != SafetensorsDType.BOOL && t.dtype() != SafetensorsDType.U8) {
            throw new SafetensorsFormatException(path, key, "dtype " + t.dtype() + "; expected BOOL");
        }
        int n = arrayLength(t);
        ByteBuffer b = bytes(key);
        boolean[] out = new boolean[n];
        for (int i = 0; i < n; i++) {
            out[i] = boolByte(t, b.get(i), i);
        }
        return out;
    }

    private boolean boolByte(TensorInfo t, byte v, int i) throws SafetensorsFormatException {
        if (v != 0 && v != 1) {
            throw new SafetensorsFormatException(path, t.name(), "element " + i + " is the byte " + (v & 0xff)
                    + "; a boolean must be 0 or 1");
        }
        return v == 1;
    }

    private int arrayLength(TensorInfo t) throws SafetensorsFormatException {
        if (t.numel() > Integer.MAX_VALUE - 8) {
            throw new SafetensorsFormatException(path, t.name(), "the tensor has " + t.numel()
                    + " elements, too many for a Java array; use bytes() or toNDArray()");
        }
        return (int) t.numel();
    }

    /**
     * Copies tensor {@code key} into a new NDArray of {@code manager}: floating types become FLOAT32, I16 becomes
     * INT32, the others keep their type (I64 INT64, I32 INT32, U8 UINT8, BOOL BOOLEAN). F32, F16 and the integer types
     * are copied once, from the mapped file straight into engine memory; BF16 and I16 are converted on the host first
     * (DJL's PyTorch engine aborts the JVM on tensors of those types). The result owns its memory (it may be updated
     * in place).
     *
     * @throws SafetensorsFormatException if the key is missing or the tensor cannot be mapped
     */
    public NDArray toNDArray(NDManager manager, String key) throws IOException {
        TensorInfo t = info(key);
        Shape shape = new Shape(t.shape());
        DataType fileType = djlType(t.dtype());
        DataType target = t.dtype().isFloating() ? DataType.FLOAT32
                : t.dtype() == SafetensorsDType.I16 ? DataType.INT32 : fileType;
        if (t.numel() == 0) {
            return manager.zeros(shape, target);
        }
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN || fileType == null) {
            return fromHeapCopy(manager, t, shape, target);
        }
        if (t.byteLength() > Integer.MAX_VALUE) {
            throw new SafetensorsFormatException(path, key, "the tensor has " + t.byteLength()
                    + " bytes; fourm reads tensors below 2 GiB only");
        }
        // Read (not mapped) through a small reused native buffer, a block of rows at a time, into engine memory: a
        // mapped file's touched pages would count as resident memory of the process next to the engine's copy until
        // the mapping is collected, and a staging copy of a whole tensor would add its size again; so loading a
        // checkpoint costs one copy of it.
        synchronized (this) {
            long length = t.byteLength();
            long rows = t.rank() == 0 ? 1 : t.shape()[0];
            long rowBytes = length / Math.max(1, rows);
            long perChunk = Math.max(1, CHUNK_BYTES * 4L / Math.max(1, rowBytes));
            if (rows <= perChunk) {
                return copyOnce(manager, t, 0, length, shape, fileType, target);
            }
            NDArray owned = manager.create(shape, target);
            try {
                long[] dims = shape.getShape();
                for (long r0 = 0; r0 < rows; r0 += perChunk) {
                    long r1 = Math.min(rows, r0 + perChunk);
                    dims[0] = r1 - r0;
                    try (NDArray part = copyOnce(manager, t, r0 * rowBytes, (r1 - r0) * rowBytes, new Shape(dims),
                            fileType, target)) {
                        owned.set(new NDIndex(r0 + ":" + r1), part);
                    }
                }
                return owned;
            } catch (IOException | RuntimeException e) {
                owned.close();
                throw e;
            }
        }
    }

    /** Bytes {@code [from, from + length)} of {@code t} as a new array of {@code manager} (holding the lock). */
    private NDArray copyOnce(NDManager manager, TensorInfo t, long from, long length, Shape shape, DataType fileType,
                             DataType target) throws IOException {
        if (staging == null || staging.capacity() < length) {
            staging = null;
            staging = ByteBuffer.allocateDirect((int) Math.max(length, CHUNK_BYTES * 4L));
        }
        ByteBuffer data = staging.clear().slice(0, (int) length).order(ByteOrder.LITTLE_ENDIAN);
        source.copy(t, from, data);
        data.flip();
        try (NDManager scratch = manager.newSubManager()) {
            NDArray view = scratch.create(data, shape, fileType);
            NDArray owned = target == fileType ? view.duplicate() : view.toType(target, true);
            owned.attach(manager);
            return owned;
        }
    }

    private NDArray fromHeapCopy(NDManager manager, TensorInfo t, Shape shape, DataType target) throws IOException {
        NDArray staged;
        if (t.dtype().isFloating()) {
            staged = manager.create(floats(t.name()), shape);
        } else if (t.dtype() == SafetensorsDType.I16 || t.dtype() == SafetensorsDType.I32) {
            staged = manager.create(ints(t.name()), shape);
        } else if (t.dtype() == SafetensorsDType.BOOL) {
            staged = manager.create(booleans(t.name()), shape);
        } else {
            try (NDArray l = manager.create(longs(t.name()), shape)) {
                staged = l.toType(target, true);
            }
        }
        try (NDArray s = staged) {
            return s.duplicate();
        }
    }

    /** The engine type a tensor is mapped as, or null when it must be converted on the host. */
    private static DataType djlType(SafetensorsDType d) {
        return switch (d) {
            case F32 -> DataType.FLOAT32;
            case F16 -> DataType.FLOAT16;
            case BF16, I16 -> null;
            case I64 -> DataType.INT64;
            case I32 -> DataType.INT32;
            case U8 -> DataType.UINT8;
            case BOOL -> DataType.BOOLEAN;
        };
    }

    /**
     * Converts IEEE 754 half-precision bits to a float (exact: every half is a float). Also used by
     * {@link fourm.core.io.Npy} for {@code f2} arrays.
     */
    public static float halfToFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    @Override
    public void close() throws IOException {
        synchronized (this) {
            staging = null;
            scanBytes = null;
            scanValues = null;
        }
        source.close();
    }

    @Override
    public String toString() {
        return "SafetensorsReader[" + path + ", " + tensors.size() + " tensors]";
    }

    /** Parses and checks the JSON header with a strict streaming reader (duplicate keys are errors). */
    private static final class HeaderParser {
        private final Path file;
        private final String json;
        private String current;

        HeaderParser(Path file, String json) {
            this.file = file;
            this.json = json;
        }

        void parse(Map<String, String> metadata, Map<String, TensorInfo> tensors) throws SafetensorsFormatException {
            try (JsonReader r = new JsonReader(new StringReader(json))) {
                r.setStrictness(Strictness.STRICT);
                if (r.peek() != JsonToken.BEGIN_OBJECT) {
                    throw fail("the header must be a JSON object, found " + r.peek());
                }
                r.beginObject();
                boolean sawMetadata = false;
                while (r.hasNext()) {
                    current = null;
                    String name = r.nextName();
                    if (METADATA_KEY.equals(name)) {
                        if (sawMetadata) {
                            throw fail("the key __metadata__ appears twice");
                        }
                        sawMetadata = true;
                        readMetadata(r, metadata);
                    } else {
                        current = name;
                        if (tensors.containsKey(name)) {
                            throw fail("the key appears twice in the header");
                        }
                        tensors.put(name, readTensor(r, name));
                    }
                }
                r.endObject();
                current = null;
                if (r.peek() != JsonToken.END_DOCUMENT) {
                    throw fail("unexpected content after the header object");
                }
            } catch (SafetensorsFormatException e) {
                throw e;
            } catch (EOFException e) {
                throw fail("malformed JSON header: it ends early (" + JsonMessages.plain(e.getMessage()) + ")");
            } catch (IOException | IllegalStateException | NumberFormatException e) {
                throw fail("malformed JSON header: " + JsonMessages.plain(e.getMessage()));
            }
        }

        private void readMetadata(JsonReader r, Map<String, String> metadata) throws IOException {
            if (r.peek() != JsonToken.BEGIN_OBJECT) {
                throw fail("__metadata__ must be an object of strings, found " + r.peek());
            }
            r.beginObject();
            while (r.hasNext()) {
                String k = r.nextName();
                if (r.peek() != JsonToken.STRING) {
                    throw fail("__metadata__ value of '" + k + "' must be a string, found " + r.peek());
                }
                if (metadata.put(k, r.nextString()) != null) {
                    throw fail("__metadata__ key '" + k + "' appears twice");
                }
            }
            r.endObject();
        }

        private TensorInfo readTensor(JsonReader r, String name) throws IOException {
            if (r.peek() != JsonToken.BEGIN_OBJECT) {
                throw fail("the entry must be an object {dtype, shape, data_offsets}, found " + r.peek());
            }
            String dtypeName = null;
            List<Long> shape = null;
            List<Long> offsets = null;
            r.beginObject();
            while (r.hasNext()) {
                String field = r.nextName();
                switch (field) {
                    case "dtype" -> {
                        if (r.peek() != JsonToken.STRING) {
                            throw fail("dtype must be a string, found " + r.peek());
                        }
                        dtypeName = r.nextString();
                    }
                    case "shape" -> shape = readLongs(r, "shape");
                    case "data_offsets" -> offsets = readLongs(r, "data_offsets");
                    default -> r.skipValue();
                }
            }
            r.endObject();
            if (dtypeName == null || shape == null || offsets == null) {
                throw fail("the entry needs dtype, shape and data_offsets");
            }
            String typeName = dtypeName;
            SafetensorsDType dtype = SafetensorsDType.fromName(typeName).orElseThrow(() -> fail(
                    "unsupported dtype '" + typeName + "'; fourm reads " + SafetensorsDType.supportedNames()));
            if (offsets.size() != 2) {
                throw fail("data_offsets must be [begin, end], found " + offsets);
            }
            long begin = offsets.get(0);
            long end = offsets.get(1);
            if (begin > end) {
                throw fail("data_offsets [" + begin + ", " + end + "] end before they begin");
            }
            long[] dims = new long[shape.size()];
            long numel = 1;
            try {
                for (int i = 0; i < dims.length; i++) {
                    dims[i] = shape.get(i);
                    numel = Math.multiplyExact(numel, dims[i]);
                }
                long expected = Math.multiplyExact(numel, (long) dtype.bytes());
                if (end - begin != expected) {
                    throw fail("data_offsets [" + begin + ", " + end + "] span " + (end - begin) + " bytes; shape "
                            + shape + " of " + dtype + " needs " + expected);
                }
            } catch (ArithmeticException e) {
                throw fail("shape " + shape + " is too large");
            }
            return new TensorInfo(name, dtype, dims, begin, end);
        }

        private List<Long> readLongs(JsonReader r, String field) throws IOException {
            if (r.peek() != JsonToken.BEGIN_ARRAY) {
                throw fail(field + " must be an array of integers, found " + r.peek());
            }
            List<Long> out = new ArrayList<>();
            r.beginArray();
            while (r.hasNext()) {
                if (r.peek() != JsonToken.NUMBER) {
                    throw fail(field + " must hold integers, found " + r.peek());
                }
                String raw = r.nextString();
                long v;
                try {
                    v = Long.parseLong(raw);
                } catch (NumberFormatException e) {
                    throw fail(field + " holds '" + raw + "'; expected a non-negative integer");
                }
                if (v < 0) {
                    throw fail(field + " holds " + v + "; expected a non-negative integer");
                }
                out.add(v);
            }
            r.endArray();
            return out;
        }

        private SafetensorsFormatException fail(String detail) {
            return new SafetensorsFormatException(file, current, detail);
        }
    }
}
