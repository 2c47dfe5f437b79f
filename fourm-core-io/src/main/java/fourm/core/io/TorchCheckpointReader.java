package fourm.core.io;

import fourm.core.io.RestrictedUnpickler.StorageRef;
import fourm.core.io.RestrictedUnpickler.StorageType;
import fourm.core.io.RestrictedUnpickler.TensorRef;
import fourm.core.io.RestrictedUnpickler.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads a PyTorch checkpoint ({@code torch.save} of a state dict, the zip format of torch 1.6 and later) without
 * executing anything: the pickle is parsed by a restricted reader that only rebuilds dicts, tensors and storages and
 * refuses every other global, call and opcode by name ("foreign pickle content: global os.system at byte 2").
 *
 * <p>The archive holds one root folder ({@code archive/} or the file's stem) with {@code data.pkl} (the pickled
 * object), {@code data/<key>} (one record per storage: its elements, row-major, in the archive's byte order),
 * {@code version} and, from torch 2.0 on, {@code byteorder} ({@code little} when absent). Tensors are read as
 * {@code torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)} describes them, so views that share a
 * storage (with an offset and any strides) are rebuilt as torch would; {@code _rebuild_parameter} gives its tensor.
 *
 * <p>{@link #open(Path)} returns a {@link SafetensorsReader}: the same typed accessors ({@code floats},
 * {@code longs}, {@code toNDArray}, ...) as a safetensors file, so a {@code .pth} state dict loads wherever a
 * safetensors one does ({@link SafetensorsReader#openStateDict(Path)} picks the reader by extension). Keys: the
 * state dict's keys; nested dicts are joined with {@code .} ({@code {"model": {"w": t}}} gives {@code model.w}) and
 * list items by their index; entries that are not tensors (numbers, strings, None) are skipped. Element types: float32
 * (F32), float16 (F16), bfloat16 (BF16), int64 (I64), int32 (I32), int16 (I16), uint8 (U8) and bool (BOOL) keep their
 * type; float64 is read as F32 and int8 as I16. Each {@link TensorInfo}'s {@code begin}/{@code end} are byte offsets in
 * its storage record (in the read type), not in the file. Storages are read from the zip into the heap when a tensor
 * of theirs is first read (one copy per storage, shared by the views); a single storage must be below 2 GiB.
 *
 * <p>Every problem is a {@link SafetensorsFormatException} naming the file and what was found: not a zip or a
 * truncated one, a missing {@code data.pkl} or storage record, a storage record shorter than its elements, a view
 * that reaches past its storage, an unknown byte order, foreign pickle content.
 */
public final class TorchCheckpointReader {
    /** File-name endings read as torch checkpoints by {@link SafetensorsReader#openStateDict(Path)}. */
    public static final List<String> EXTENSIONS = List.of(".pth", ".pt", ".ckpt", ".bin");
    /** The largest pickle accepted, in bytes (a state dict's pickle is a few bytes per tensor). */
    public static final long MAX_PICKLE_BYTES = 256L * 1024 * 1024;
    private static final int MAX_DEPTH = 64;

    private TorchCheckpointReader() {
    }

    /** True when {@code file}'s name ends in one of {@link #EXTENSIONS} (case-insensitive). */
    public static boolean isTorchCheckpointName(Path file) {
        Path name = file.getFileName();
        String n = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
        return EXTENSIONS.stream().anyMatch(n::endsWith);
    }

    /**
     * Opens and validates the checkpoint {@code file}: the zip, the pickle (restricted), and that every tensor lies
     * inside its storage record. Storage data is read later, tensor by tensor.
     *
     * @throws SafetensorsFormatException if the file is not a torch checkpoint of a state dict, or holds anything else
     * @throws IOException                if it cannot be read
     */
    public static SafetensorsReader open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString(), null, "no such torch checkpoint");
        }
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new SafetensorsFormatException(file, null, "not a readable zip archive (a torch checkpoint is one;"
                    + " truncated, or saved with the legacy non-zip format?): " + e.getMessage());
        }
        try {
            return parse(file, zip);
        } catch (IOException | RuntimeException e) {
            zip.close();
            throw e;
        }
    }

    private static SafetensorsReader parse(Path file, ZipFile zip) throws IOException {
        String root = root(file, zip);
        ByteOrder order = ByteOrder.LITTLE_ENDIAN;
        ZipEntry bo = zip.getEntry(root + "byteorder");
        if (bo != null) {
            String v = new String(readRecord(file, zip, bo, 16), StandardCharsets.US_ASCII).trim();
            order = switch (v) {
                case "little" -> ByteOrder.LITTLE_ENDIAN;
                case "big" -> ByteOrder.BIG_ENDIAN;
                default -> throw new SafetensorsFormatException(file, null, "record " + bo.getName() + " says '" + v
                        + "'; expected 'little' or 'big'");
            };
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        ZipEntry version = zip.getEntry(root + "version");
        if (version != null) {
            metadata.put("torch_format_version", new String(readRecord(file, zip, version, 64),
                    StandardCharsets.US_ASCII).trim());
        }
        metadata.put("torch_byteorder", order == ByteOrder.LITTLE_ENDIAN ? "little" : "big");
        ZipEntry pkl = zip.getEntry(root + "data.pkl");
        Object top = new RestrictedUnpickler(file, pkl.getName(), readRecord(file, zip, pkl, MAX_PICKLE_BYTES)).load();
        if (!(top instanceof Map)) {
            throw new SafetensorsFormatException(file, null, pkl.getName() + " holds "
                    + (top == null ? "None" : top.getClass().getSimpleName()) + "; expected a state dict");
        }
        Map<String, TensorRef> refs = new LinkedHashMap<>();
        flatten(file, "", top, refs, 0);
        Map<String, TensorInfo> infos = new LinkedHashMap<>();
        for (Map.Entry<String, TensorRef> e : refs.entrySet()) {
            infos.put(e.getKey(), check(file, zip, root, e.getKey(), e.getValue()));
        }
        return SafetensorsReader.over(file, metadata, infos, new Source(file, zip, root, order, refs));
    }

    /** The root folder: the one holding {@code data.pkl}. */
    private static String root(Path file, ZipFile zip) throws SafetensorsFormatException {
        List<String> roots = new ArrayList<>();
        try {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                String name = entries.nextElement().getName();
                if (name.endsWith("data.pkl") && (name.equals("data.pkl") || name.endsWith("/data.pkl"))
                        && name.indexOf('/') == name.lastIndexOf('/')) {
                    roots.add(name.substring(0, name.length() - "data.pkl".length()));
                }
            }
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new SafetensorsFormatException(file, null, "the zip directory is unreadable: " + e.getMessage());
        }
        if (roots.size() != 1) {
            throw new SafetensorsFormatException(file, null, roots.isEmpty()
                    ? "the zip holds no data.pkl record; not a torch checkpoint (torch.save writes <name>/data.pkl)"
                    : "the zip holds " + roots.size() + " data.pkl records " + roots + "; expected one");
        }
        return roots.get(0);
    }

    private static void flatten(Path file, String prefix, Object o, Map<String, TensorRef> out, int depth)
            throws SafetensorsFormatException {
        if (depth > MAX_DEPTH) {
            throw new SafetensorsFormatException(file, prefix, "dicts nested more than " + MAX_DEPTH + " deep");
        }
        if (o instanceof TensorRef t) {
            if (out.put(prefix, t) != null) {
                throw new SafetensorsFormatException(file, prefix, "two tensors flatten to this key");
            }
        } else if (o instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String k = e.getKey() instanceof Tuple ? e.getKey().toString() : String.valueOf(e.getKey());
                flatten(file, prefix.isEmpty() ? k : prefix + "." + k, e.getValue(), out, depth + 1);
            }
        } else if (o instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                flatten(file, prefix.isEmpty() ? "" + i : prefix + "." + i, l.get(i), out, depth + 1);
            }
        } else if (o instanceof Tuple t) {
            for (int i = 0; i < t.size(); i++) {
                flatten(file, prefix.isEmpty() ? "" + i : prefix + "." + i, t.get(i), out, depth + 1);
            }
        }
        // Numbers, strings, None and storages outside a tensor are not tensors: skipped.
    }

    /** Validates one tensor against its storage record and describes it in the read type. */
    private static TensorInfo check(Path file, ZipFile zip, String root, String key, TensorRef t)
            throws SafetensorsFormatException {
        StorageRef s = t.storage();
        String recordName = root + "data/" + s.key();
        ZipEntry record = zip.getEntry(recordName);
        if (record == null) {
            throw new SafetensorsFormatException(file, key, "its storage record " + recordName
                    + " is missing from the archive (truncated or incomplete checkpoint?)");
        }
        long needBytes;
        try {
            needBytes = Math.multiplyExact(s.numel(), (long) s.type().bytes());
        } catch (ArithmeticException e) {
            throw new SafetensorsFormatException(file, key, "storage " + s.key() + " is too large");
        }
        if (record.getSize() >= 0 && record.getSize() < needBytes) {
            throw new SafetensorsFormatException(file, key, "storage record " + recordName + " has "
                    + record.getSize() + " bytes; " + s.numel() + " " + s.type() + " elements need " + needBytes);
        }
        long numel = 1;
        long last = t.offset();
        try {
            for (int d = 0; d < t.size().length; d++) {
                numel = Math.multiplyExact(numel, t.size()[d]);
                if (t.size()[d] > 0) {
                    last = Math.addExact(last, Math.multiplyExact(t.size()[d] - 1, t.stride()[d]));
                }
            }
        } catch (ArithmeticException e) {
            throw new SafetensorsFormatException(file, key, "shape " + java.util.Arrays.toString(t.size())
                    + " is too large");
        }
        if (numel > 0 && last >= s.numel()) {
            throw new SafetensorsFormatException(file, key, "the view (offset " + t.offset() + ", shape "
                    + java.util.Arrays.toString(t.size()) + ", stride " + java.util.Arrays.toString(t.stride())
                    + ") reaches element " + last + " of storage " + s.key() + ", which has " + s.numel());
        }
        SafetensorsDType dtype = readType(s.type());
        long begin = t.offset() * dtype.bytes();
        return new TensorInfo(key, dtype, t.size(), begin, begin + numel * dtype.bytes());
    }

    private static SafetensorsDType readType(StorageType t) {
        return switch (t) {
            case FLOAT, DOUBLE -> SafetensorsDType.F32;
            case HALF -> SafetensorsDType.F16;
            case BFLOAT16 -> SafetensorsDType.BF16;
            case LONG -> SafetensorsDType.I64;
            case INT -> SafetensorsDType.I32;
            case SHORT, CHAR -> SafetensorsDType.I16;
            case BYTE -> SafetensorsDType.U8;
            case BOOL -> SafetensorsDType.BOOL;
        };
    }

    private static byte[] readRecord(Path file, ZipFile zip, ZipEntry e, long limit) throws SafetensorsFormatException {
        if (e.getSize() > limit) {
            throw new SafetensorsFormatException(file, null, "record " + e.getName() + " has " + e.getSize()
                    + " bytes; at most " + limit + " expected");
        }
        try (InputStream in = zip.getInputStream(e)) {
            byte[] b = in.readNBytes((int) Math.min(limit, Integer.MAX_VALUE - 8) + 1);
            if (b.length > limit) {
                throw new SafetensorsFormatException(file, null, "record " + e.getName() + " is longer than "
                        + limit + " bytes");
            }
            if (e.getSize() >= 0 && b.length != e.getSize()) {
                throw new SafetensorsFormatException(file, null, "record " + e.getName() + " holds " + b.length
                        + " bytes, its zip entry says " + e.getSize() + " (truncated file?)");
            }
            return b;
        } catch (SafetensorsFormatException ex) {
            throw ex;
        } catch (IOException ex) {
            throw new SafetensorsFormatException(file, null, "record " + e.getName() + " cannot be read (truncated"
                    + " or corrupt zip?): " + ex.getMessage());
        }
    }

    /** Reads storages on demand and cuts each tensor out of its storage. */
    private static final class Source implements SafetensorsReader.TensorSource {
        private final Path file;
        private final ZipFile zip;
        private final String root;
        private final ByteOrder order;
        private final Map<String, TensorRef> refs;
        private final Map<String, ByteBuffer> storages = new HashMap<>();

        Source(Path file, ZipFile zip, String root, ByteOrder order, Map<String, TensorRef> refs) {
            this.file = file;
            this.zip = zip;
            this.root = root;
            this.order = order;
            this.refs = refs;
        }

        private synchronized ByteBuffer storage(StorageRef s) throws SafetensorsFormatException {
            ByteBuffer b = storages.get(s.key());
            if (b == null) {
                long bytes = s.numel() * s.type().bytes();
                if (bytes > Integer.MAX_VALUE - 8) {
                    throw new SafetensorsFormatException(file, null, "storage " + s.key() + " has " + bytes
                            + " bytes; fourm reads storages below 2 GiB");
                }
                ZipEntry e = zip.getEntry(root + "data/" + s.key());
                b = ByteBuffer.wrap(readRecord(file, zip, e, Math.max(bytes, e.getSize()))).order(order);
                storages.put(s.key(), b);
            }
            return b;
        }

        @Override
        public ByteBuffer read(TensorInfo info) throws IOException {
            TensorRef t = refs.get(info.name());
            ByteBuffer src = storage(t.storage());
            StorageType type = t.storage().type();
            int inBytes = type.bytes();
            int outBytes = info.dtype().bytes();
            int numel = (int) info.numel();
            boolean plain = order == ByteOrder.LITTLE_ENDIAN && inBytes == outBytes;
            if (plain && contiguous(t)) {
                return src.slice((int) (t.offset() * inBytes), numel * inBytes).order(ByteOrder.LITTLE_ENDIAN);
            }
            ByteBuffer out = ByteBuffer.allocate(numel * outBytes).order(ByteOrder.LITTLE_ENDIAN);
            int rank = t.size().length;
            long[] index = new long[rank];
            for (int i = 0; i < numel; i++) {
                long at = t.offset();
                for (int d = 0; d < rank; d++) {
                    at += index[d] * t.stride()[d];
                }
                int p = (int) (at * inBytes);
                switch (type) {
                    case FLOAT, INT -> out.putInt(src.getInt(p));
                    case HALF, BFLOAT16, SHORT -> out.putShort(src.getShort(p));
                    case LONG -> out.putLong(src.getLong(p));
                    case DOUBLE -> out.putFloat((float) src.getDouble(p));
                    case CHAR -> out.putShort(src.get(p));
                    case BYTE, BOOL -> out.put(src.get(p));
                }
                for (int d = rank - 1; d >= 0; d--) {
                    if (++index[d] < t.size()[d]) {
                        break;
                    }
                    index[d] = 0;
                }
            }
            return out.flip();
        }

        /** Row-major without gaps (dimensions of size 1 may have any stride). */
        private static boolean contiguous(TensorRef t) {
            long expected = 1;
            for (int d = t.size().length - 1; d >= 0; d--) {
                if (t.size()[d] != 1 && t.stride()[d] != expected) {
                    return false;
                }
                expected *= t.size()[d];
            }
            return true;
        }

        @Override
        public void close() throws IOException {
            zip.close();
        }
    }
}
