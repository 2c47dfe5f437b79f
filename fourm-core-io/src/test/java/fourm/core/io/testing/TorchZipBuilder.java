package fourm.core.io.testing;

import fourm.core.io.SafetensorsReader;
import fourm.core.io.TensorInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes torch checkpoints for tests, byte by byte as {@code torch.save} (pickle protocol 2, zip of stored records):
 * a pickle assembled with the opcode helpers below, plus storage records.
 */
public final class TorchZipBuilder {
    private final ByteArrayOutputStream pickle = new ByteArrayOutputStream();
    private final Map<String, byte[]> records = new LinkedHashMap<>();
    private String root = "archive/";
    private String byteorder;

    public TorchZipBuilder root(String r) {
        root = r;
        return this;
    }

    public TorchZipBuilder byteorder(String b) {
        byteorder = b;
        return this;
    }

    /** Adds record {@code data/<key>}. */
    public TorchZipBuilder storage(String key, byte[] data) {
        records.put("data/" + key, data);
        return this;
    }

    public TorchZipBuilder op(int... bytes) {
        for (int b : bytes) {
            pickle.write(b);
        }
        return this;
    }

    public TorchZipBuilder proto() {
        return op(0x80, 2);
    }

    public TorchZipBuilder global(String module, String name) {
        op('c');
        pickle.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    public TorchZipBuilder str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        op('X');
        pickle.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
        pickle.writeBytes(b);
        return this;
    }

    public TorchZipBuilder integer(long v) {
        if (v >= 0 && v < 256) {
            return op('K', (int) v);
        }
        op('J');
        pickle.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
        return this;
    }

    public TorchZipBuilder mark() {
        return op('(');
    }

    public TorchZipBuilder tuple() {
        return op('t');
    }

    public TorchZipBuilder ints(long... v) {
        mark();
        for (long x : v) {
            integer(x);
        }
        return tuple();
    }

    /** {@code collections.OrderedDict()} on the stack. */
    public TorchZipBuilder orderedDict() {
        return global("collections", "OrderedDict").op(')', 'R');
    }

    /**
     * A tensor {@code _rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())} on the stack.
     *
     * @param storageClass e.g. {@code FloatStorage}
     */
    public TorchZipBuilder tensor(String storageClass, String key, long numel, long offset, long[] size, long[] stride) {
        global("torch._utils", "_rebuild_tensor_v2");
        mark();
        mark().str("storage").global("torch", storageClass).str(key).str("cpu").integer(numel).tuple().op('Q');
        integer(offset).ints(size).ints(stride).op(0x89);
        orderedDict();
        tuple();
        return op('R');
    }

    public TorchZipBuilder setitems() {
        return op('u');
    }

    public TorchZipBuilder stop() {
        return op('.');
    }

    public byte[] pickleBytes() {
        return pickle.toByteArray();
    }

    /** Writes the zip (records stored, as torch does). */
    public Path write(Path file) throws IOException {
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(os)) {
            stored(zip, root + "data.pkl", pickle.toByteArray());
            if (byteorder != null) {
                stored(zip, root + "byteorder", byteorder.getBytes(StandardCharsets.US_ASCII));
            }
            for (Map.Entry<String, byte[]> e : records.entrySet()) {
                stored(zip, root + e.getKey(), e.getValue());
            }
            stored(zip, root + "version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
        return file;
    }

    private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    /**
     * Writes every tensor of {@code src} (floating ones as float32) as a torch checkpoint of a state dict, one storage
     * per tensor, as {@code torch.save(model.state_dict(), file)} does.
     */
    public static Path copyAsTorchCheckpoint(SafetensorsReader src, Path file) throws IOException {
        TorchZipBuilder b = new TorchZipBuilder();
        b.proto().orderedDict().mark();
        int n = 0;
        for (String k : src.keys()) {
            TensorInfo t = src.info(k);
            long[] shape = t.shape();
            long[] stride = new long[shape.length];
            long s = 1;
            for (int d = shape.length - 1; d >= 0; d--) {
                stride[d] = s;
                s *= shape[d];
            }
            String key = Integer.toString(n++);
            if (t.dtype().isFloating()) {
                b.storage(key, floats(ByteOrder.LITTLE_ENDIAN, src.floats(k)));
                b.str(k).tensor("FloatStorage", key, t.numel(), 0, shape, stride);
            } else {
                b.storage(key, longs(src.longs(k)));
                b.str(k).tensor("LongStorage", key, t.numel(), 0, shape, stride);
            }
        }
        return b.setitems().stop().write(file);
    }

    public static byte[] floats(ByteOrder order, float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(order);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    public static byte[] longs(long... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) {
            b.putLong(x);
        }
        return b.array();
    }

    public static byte[] halves(short... bits) {
        ByteBuffer b = ByteBuffer.allocate(2 * bits.length).order(ByteOrder.LITTLE_ENDIAN);
        for (short s : bits) {
            b.putShort(s);
        }
        return b.array();
    }
}
