package fourm.torchscript;

import fourm.api.io.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a small TorchScript module file ({@code .pt}) without Python: a module class {@code __torch__.<name>} with
 * float32 parameters and methods written in TorchScript, as {@code torch.jit.save} would store it. Loadable by
 * libtorch ({@code torch::jit::load}) and so by {@link TorchScriptLabeler}.
 *
 * <p>Meant for tests and small hand-made models (a fixed filter, a colour transform, a linear probe); real teachers are
 * exported from Python with {@code torch.jit.trace} / {@code torch.jit.save}.
 *
 * <pre>{@code
 * TorchScriptArchive.module("Model")
 *         .parameter("weight", new long[] {2, 3, 2, 2}, weights)
 *         .method("def forward(self, x: Tensor) -> Tensor:\n"
 *                 + "  return torch.relu(torch.conv2d(x, self.weight, None, [2, 2]))")
 *         .write(Path.of("model.pt"));
 * }</pre>
 *
 * <p>The file is a zip archive (entries stored, not compressed) under one root folder {@code archive/}:
 * {@code version}, {@code byteorder}, {@code data.pkl} (the module object, pickle protocol 2: the class, then its
 * attributes {@code training} and the parameters, each a tensor rebuilt by {@code torch._utils._rebuild_tensor_v2}
 * from a storage record), {@code data/<n>} (each parameter's little-endian float32 values), {@code constants.pkl} (an
 * empty tuple) and {@code code/__torch__.py} (the class source). Written to a temporary name and renamed into place.
 */
public final class TorchScriptArchive {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final String ROOT = "archive/";

    private final String className;
    private final Map<String, float[]> values = new LinkedHashMap<>();
    private final Map<String, long[]> shapes = new LinkedHashMap<>();
    private final List<String> methods = new ArrayList<>();

    private TorchScriptArchive(String className) {
        this.className = className;
    }

    /**
     * Starts a module whose class is {@code __torch__.<className>}.
     *
     * @throws IllegalArgumentException if the name is not a Python identifier
     */
    public static TorchScriptArchive module(String className) {
        identifier(className, "class name");
        return new TorchScriptArchive(className);
    }

    private static void identifier(String name, String what) {
        if (name == null || !IDENTIFIER.matcher(name).matches() || name.equals("training")) {
            throw new IllegalArgumentException("the " + what + " must be a Python identifier (and not 'training'),"
                    + " got '" + name + "'");
        }
    }

    /**
     * Adds a float32 parameter, readable in the methods as {@code self.<name>}.
     *
     * @param name   a Python identifier, unique in the module
     * @param shape  the tensor's dimensions, each at least 1
     * @param values the product of the dimensions many values, row-major
     */
    public TorchScriptArchive parameter(String name, long[] shape, float[] values) {
        identifier(name, "parameter name");
        if (this.values.containsKey(name)) {
            throw new IllegalArgumentException("parameter '" + name + "' is already defined");
        }
        long n = 1;
        for (long d : shape) {
            if (d < 1) {
                throw new IllegalArgumentException("parameter '" + name + "': shape " + Arrays.toString(shape)
                        + " has a dimension below 1");
            }
            n *= d;
        }
        if (values.length != n) {
            throw new IllegalArgumentException("parameter '" + name + "': shape " + Arrays.toString(shape)
                    + " needs " + n + " values, got " + values.length);
        }
        this.values.put(name, values.clone());
        this.shapes.put(name, shape.clone());
        return this;
    }

    /**
     * Adds a method in TorchScript, e.g. {@code def forward(self, x: Tensor) -> Tensor:} and its body on the
     * following lines, indented by two spaces relative to the {@code def}. The source is placed inside the class as
     * given (the writer indents it).
     */
    public TorchScriptArchive method(String source) {
        Objects.requireNonNull(source, "source");
        if (!source.stripLeading().startsWith("def ")) {
            throw new IllegalArgumentException("a method starts with 'def ', got: " + source.lines().findFirst()
                    .orElse(""));
        }
        methods.add(source.strip());
        return this;
    }

    /** The class source as stored in {@code code/__torch__.py}. */
    public String source() {
        StringBuilder s = new StringBuilder();
        s.append("class ").append(className).append("(Module):\n");
        s.append("  __parameters__ = [");
        for (String p : values.keySet()) {
            s.append('"').append(p).append("\", ");
        }
        s.append("]\n");
        s.append("  __buffers__ = []\n");
        for (String p : values.keySet()) {
            s.append("  ").append(p).append(" : Tensor\n");
        }
        s.append("  training : bool\n");
        for (String m : methods) {
            for (String line : m.split("\n", -1)) {
                s.append("  ").append(line.stripTrailing()).append('\n');
            }
        }
        return s.toString();
    }

    /**
     * Writes the module to {@code file} (a temporary file next to it, then renamed into place).
     *
     * @throws IllegalStateException if no method was added
     * @throws IOException           if the file cannot be written
     */
    public void write(Path file) throws IOException {
        if (methods.isEmpty()) {
            throw new IllegalStateException("the module has no method; add at least 'forward'");
        }
        AtomicFiles.write(file, bytes());
    }

    /** The archive's bytes. */
    public byte[] bytes() throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(buffer)) {
            zip.setMethod(ZipOutputStream.STORED);
            stored(zip, "data.pkl", modulePickle());
            stored(zip, "code/__torch__.py", source().getBytes(StandardCharsets.UTF_8));
            stored(zip, "constants.pkl", new Pickle().emptyTuple().stop());
            int key = 0;
            for (float[] v : values.values()) {
                ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(v);
                stored(zip, "data/" + key++, b.array());
            }
            stored(zip, "version", "3\n".getBytes(StandardCharsets.US_ASCII));
            stored(zip, "byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        }
        return buffer.toByteArray();
    }

    private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(ROOT + name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    /** {@code __torch__.<class>} built from {@code {'training': False, <name>: <tensor>, ...}}. */
    private byte[] modulePickle() {
        Pickle p = new Pickle();
        p.global("__torch__", className).emptyTuple().op(Pickle.NEWOBJ);
        p.op(Pickle.EMPTY_DICT).op(Pickle.MARK);
        p.string("training").op(Pickle.NEWFALSE);
        int key = 0;
        for (Map.Entry<String, float[]> e : values.entrySet()) {
            p.string(e.getKey());
            tensor(p, String.valueOf(key++), shapes.get(e.getKey()), e.getValue().length);
        }
        p.op(Pickle.SETITEMS).op(Pickle.BUILD);
        return p.stop();
    }

    /** {@code torch._utils._rebuild_tensor_v2(storage, 0, size, stride, False, OrderedDict())}. */
    private static void tensor(Pickle p, String record, long[] shape, int numel) {
        p.global("torch._utils", "_rebuild_tensor_v2").op(Pickle.MARK);
        // The storage, by persistent id: ('storage', torch.FloatStorage, record key, location, element count).
        p.op(Pickle.MARK).string("storage").global("torch", "FloatStorage").string(record).string("cpu")
                .integer(numel).op(Pickle.TUPLE).op(Pickle.BINPERSID);
        p.integer(0);
        p.op(Pickle.MARK);
        for (long d : shape) {
            p.integer(d);
        }
        p.op(Pickle.TUPLE);
        p.op(Pickle.MARK);
        long stride = 1;
        long[] strides = new long[shape.length];
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = stride;
            stride *= shape[i];
        }
        for (long s : strides) {
            p.integer(s);
        }
        p.op(Pickle.TUPLE);
        p.op(Pickle.NEWFALSE);
        p.global("collections", "OrderedDict").emptyTuple().op(Pickle.REDUCE);
        p.op(Pickle.TUPLE).op(Pickle.REDUCE);
    }

    /** A minimal pickle (protocol 2) writer: the opcodes TorchScript's unpickler reads. */
    private static final class Pickle {
        static final int MARK = '(';
        static final int STOP = '.';
        static final int TUPLE = 't';
        static final int EMPTY_TUPLE = ')';
        static final int EMPTY_DICT = '}';
        static final int SETITEMS = 'u';
        static final int BUILD = 'b';
        static final int REDUCE = 'R';
        static final int BINPERSID = 'Q';
        static final int NEWOBJ = 0x81;
        static final int NEWFALSE = 0x89;
        static final int PROTO = 0x80;
        static final int GLOBAL = 'c';
        static final int BININT = 'J';
        static final int BINUNICODE = 'X';
        static final int LONG1 = 0x8a;

        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pickle() {
            out.write(PROTO);
            out.write(2);
        }

        Pickle op(int code) {
            out.write(code);
            return this;
        }

        Pickle emptyTuple() {
            return op(EMPTY_TUPLE);
        }

        Pickle global(String module, String name) {
            out.write(GLOBAL);
            out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
            return this;
        }

        Pickle string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.write(BINUNICODE);
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
            out.writeBytes(b);
            return this;
        }

        Pickle integer(long v) {
            if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                out.write(BININT);
                out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
            } else {
                out.write(LONG1);
                out.write(8);
                out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
            }
            return this;
        }

        byte[] stop() {
            out.write(STOP);
            return out.toByteArray();
        }
    }
}
