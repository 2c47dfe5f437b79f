package fourm.core.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pickle reader that builds data and nothing else: dicts, lists, tuples, strings, numbers, and the few calls a
 * torch state dict is made of ({@code collections.OrderedDict()}, {@code torch._utils._rebuild_tensor_v2},
 * {@code torch._utils._rebuild_parameter}, storages named by persistent id). Nothing is ever executed: a call is
 * recognised by the name of its global and turned into a Java value, and a global, an opcode or a call outside that
 * set is refused by name with its byte position ("foreign pickle content: global os.system at byte 2").
 *
 * <p>The result of {@link #load()} is made of: {@link Map} (dict, {@code OrderedDict}, insertion order),
 * {@link List} (list), {@link Tuple}, {@link String}, {@code byte[]}, {@link Long} (all integers that fit; larger
 * ones are refused), {@link Double}, {@link Boolean}, {@code null}, {@link StorageRef} and {@link TensorRef}.
 */
final class RestrictedUnpickler {
    /** The dict class a state dict is pickled as, {@code module.name}. */
    static final Set<String> ORDERED_DICT = Set.of("collections.OrderedDict");
    private static final String REBUILD_TENSOR = "torch._utils._rebuild_tensor_v2";
    private static final String REBUILD_PARAMETER = "torch._utils._rebuild_parameter";
    /** The largest memo index accepted (the memo is a map; this bounds what a hostile file can make us hold). */
    private static final int MAX_MEMO = 1 << 24;

    /** A pickle tuple (immutable in Python; kept apart from lists so that arguments can be checked). */
    record Tuple(List<Object> items) {
        Tuple {
            items = java.util.Collections.unmodifiableList(new ArrayList<>(items));
        }

        Object get(int i) {
            return items.get(i);
        }

        int size() {
            return items.size();
        }
    }

    /** A global the reader knows: {@code module.name}. */
    record Global(String qualifiedName) {
    }

    /**
     * A storage named by a persistent id {@code ('storage', torch.<Type>Storage, key, location, numel)}.
     *
     * @param key   the record name under {@code data/}
     * @param type  the element type
     * @param numel the number of elements
     */
    record StorageRef(String key, StorageType type, long numel) {
    }

    /**
     * A tensor rebuilt from a storage: {@code _rebuild_tensor_v2(storage, offset, size, stride, ...)}.
     *
     * @param storage the storage
     * @param offset  the first element's index in the storage
     * @param size    the shape
     * @param stride  the stride of each dimension, in elements
     * @param at      the byte position of the call, for messages
     */
    record TensorRef(StorageRef storage, long offset, long[] size, long[] stride, long at) {
    }

    /** The torch storage classes a state dict may name, with their element types. */
    enum StorageType {
        /** {@code torch.FloatStorage}. */
        FLOAT("FloatStorage", 4),
        /** {@code torch.HalfStorage}. */
        HALF("HalfStorage", 2),
        /** {@code torch.BFloat16Storage}. */
        BFLOAT16("BFloat16Storage", 2),
        /** {@code torch.DoubleStorage} (read as float32). */
        DOUBLE("DoubleStorage", 8),
        /** {@code torch.LongStorage}. */
        LONG("LongStorage", 8),
        /** {@code torch.IntStorage}. */
        INT("IntStorage", 4),
        /** {@code torch.ShortStorage}. */
        SHORT("ShortStorage", 2),
        /** {@code torch.CharStorage} (signed bytes, read as 16-bit integers). */
        CHAR("CharStorage", 1),
        /** {@code torch.ByteStorage}. */
        BYTE("ByteStorage", 1),
        /** {@code torch.BoolStorage}. */
        BOOL("BoolStorage", 1);

        private final String className;
        private final int bytes;

        StorageType(String className, int bytes) {
            this.className = className;
            this.bytes = bytes;
        }

        /** Bytes per element in the file. */
        int bytes() {
            return bytes;
        }

        static StorageType of(String qualifiedName) {
            for (StorageType t : values()) {
                if (("torch." + t.className).equals(qualifiedName)) {
                    return t;
                }
            }
            return null;
        }
    }

    private static final Object MARK = new Object();

    private final Path file;
    private final String record;
    private final ByteBuffer in;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Integer, Object> memo = new HashMap<>();
    private int opAt;

    /**
     * @param file   the checkpoint, for messages
     * @param record the pickle's record name in the archive, for messages
     * @param bytes  the pickle
     */
    RestrictedUnpickler(Path file, String record, byte[] bytes) {
        this.file = file;
        this.record = record;
        this.in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Reads the pickle up to its STOP opcode.
     *
     * @throws SafetensorsFormatException naming the file, the record, the byte position and what was found, for
     *                                    anything outside the state-dict subset or a malformed stream
     */
    Object load() throws SafetensorsFormatException {
        try {
            return run();
        } catch (RuntimeException e) {
            throw fail("malformed pickle at byte " + opAt + ": " + e);
        }
    }

    private Object run() throws SafetensorsFormatException {
        while (true) {
            if (!in.hasRemaining()) {
                throw fail("the pickle ends at byte " + in.position() + " without a STOP opcode (truncated?)");
            }
            opAt = in.position();
            int op = in.get() & 0xff;
            switch (op) {
                case 0x80 -> { // PROTO
                    int v = u8();
                    if (v > 5) {
                        throw fail("pickle protocol " + v + " at byte " + opAt + "; expected 2 to 5");
                    }
                }
                case 0x95 -> u64(); // FRAME: a length hint only
                case '.' -> { // STOP
                    Object result = pop();
                    if (!stack.isEmpty()) {
                        throw fail("the pickle stops at byte " + opAt + " with " + stack.size()
                                + " values left on the stack");
                    }
                    return result;
                }
                case '(' -> { // MARK
                    marks.add(stack.size());
                    stack.add(MARK);
                }
                case '0' -> pop(); // POP
                case '1' -> popMark(); // POP_MARK
                case '2' -> push(peek()); // DUP
                case '}' -> push(new LinkedHashMap<Object, Object>()); // EMPTY_DICT
                case ']' -> push(new ArrayList<>()); // EMPTY_LIST
                case ')' -> push(new Tuple(List.of())); // EMPTY_TUPLE
                case 'd' -> push(dictOf(popMark())); // DICT
                case 'l' -> push(new ArrayList<>(popMark())); // LIST
                case 't' -> push(new Tuple(popMark())); // TUPLE
                case 0x85 -> push(new Tuple(popN(1))); // TUPLE1
                case 0x86 -> push(new Tuple(popN(2))); // TUPLE2
                case 0x87 -> push(new Tuple(popN(3))); // TUPLE3
                case 'a' -> { // APPEND
                    Object v = pop();
                    list(peek()).add(v);
                }
                case 'e' -> { // APPENDS
                    List<Object> items = popMark();
                    list(peek()).addAll(items);
                }
                case 's' -> { // SETITEM
                    Object v = pop();
                    Object k = pop();
                    put(dict(peek()), k, v);
                }
                case 'u' -> { // SETITEMS
                    List<Object> items = popMark();
                    Map<Object, Object> d = dict(peek());
                    for (Object kv : dictOf(items).entrySet()) {
                        Map.Entry<?, ?> e = (Map.Entry<?, ?>) kv;
                        put(d, e.getKey(), e.getValue());
                    }
                }
                case 'N' -> push(null); // NONE
                case 0x88 -> push(Boolean.TRUE); // NEWTRUE
                case 0x89 -> push(Boolean.FALSE); // NEWFALSE
                case 'K' -> push((long) u8()); // BININT1
                case 'M' -> push((long) (need(2).getShort() & 0xffff)); // BININT2
                case 'J' -> push((long) int32()); // BININT
                case 0x8a -> push(longN(u8())); // LONG1
                case 0x8b -> push(longN(int32())); // LONG4
                case 'G' -> push(need(8).order(ByteOrder.BIG_ENDIAN).getDouble()); // BINFLOAT
                case 'X' -> push(utf8(int32())); // BINUNICODE
                case 0x8c -> push(utf8(u8())); // SHORT_BINUNICODE
                case 0x8d -> push(utf8(u64())); // BINUNICODE8
                case 'T' -> push(latin1(int32())); // BINSTRING
                case 'U' -> push(latin1(u8())); // SHORT_BINSTRING
                case 'B' -> push(bytes(int32())); // BINBYTES
                case 'C' -> push(bytes(u8())); // SHORT_BINBYTES
                case 'q' -> memoPut(u8()); // BINPUT
                case 'r' -> memoPut(int32()); // LONG_BINPUT
                case 0x94 -> memoPut(memo.size()); // MEMOIZE
                case 'h' -> push(memoGet(u8())); // BINGET
                case 'j' -> push(memoGet(int32())); // LONG_BINGET
                case 'c' -> push(global(line() + "." + line())); // GLOBAL
                case 0x93 -> { // STACK_GLOBAL
                    Object name = pop();
                    Object module = pop();
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw fail("STACK_GLOBAL at byte " + opAt + " on " + describe(module) + " and "
                                + describe(name) + "; expected two strings");
                    }
                    push(global(m + "." + n));
                }
                case 'Q' -> push(persistent(pop())); // BINPERSID
                case 'R' -> { // REDUCE
                    Object args = pop();
                    Object callable = pop();
                    push(reduce(callable, args));
                }
                case 'b' -> build(pop(), peek()); // BUILD
                default -> throw fail(knownName(op).map(n -> "pickle opcode " + n + " (0x" + hex(op) + ") at byte "
                        + opAt + " is not allowed in a state dict").orElse("unknown pickle opcode 0x" + hex(op)
                        + " at byte " + opAt));
            }
        }
    }

    private Object global(String qualifiedName) throws SafetensorsFormatException {
        if (ORDERED_DICT.contains(qualifiedName) || REBUILD_TENSOR.equals(qualifiedName)
                || REBUILD_PARAMETER.equals(qualifiedName) || StorageType.of(qualifiedName) != null) {
            return new Global(qualifiedName);
        }
        throw fail("foreign pickle content: global " + qualifiedName + " at byte " + opAt
                + "; a state dict holds only OrderedDicts, tensors, parameters and storages");
    }

    private Object reduce(Object callable, Object args) throws SafetensorsFormatException {
        if (!(callable instanceof Global g)) {
            throw fail("REDUCE at byte " + opAt + " calls " + describe(callable) + "; expected an allowed global");
        }
        if (!(args instanceof Tuple t)) {
            throw fail("REDUCE of " + g.qualifiedName() + " at byte " + opAt + " with " + describe(args)
                    + "; expected an argument tuple");
        }
        String name = g.qualifiedName();
        if (ORDERED_DICT.contains(name)) {
            if (t.size() != 0) {
                throw fail(name + "() at byte " + opAt + " with " + t.size() + " arguments; expected none");
            }
            return new LinkedHashMap<Object, Object>();
        }
        if (REBUILD_TENSOR.equals(name)) {
            return rebuildTensor(t);
        }
        if (REBUILD_PARAMETER.equals(name)) {
            if (t.size() < 1 || !(t.get(0) instanceof TensorRef tensor)) {
                throw fail(name + " at byte " + opAt + " without a tensor as its first argument");
            }
            return tensor;
        }
        throw fail("foreign pickle content: call of " + name + " at byte " + opAt + " (only OrderedDict, "
                + REBUILD_TENSOR + " and " + REBUILD_PARAMETER + " may be called)");
    }

    /** {@code _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])}. */
    private TensorRef rebuildTensor(Tuple t) throws SafetensorsFormatException {
        String what = REBUILD_TENSOR + " at byte " + opAt;
        if (t.size() < 4 || t.size() > 7) {
            throw fail(what + " with " + t.size() + " arguments; expected 6 (storage, offset, size, stride, "
                    + "requires_grad, backward_hooks) or 7");
        }
        if (!(t.get(0) instanceof StorageRef storage)) {
            throw fail(what + ": the first argument is " + describe(t.get(0)) + "; expected a storage");
        }
        if (!(t.get(1) instanceof Long offset) || offset < 0) {
            throw fail(what + ": the storage offset is " + describe(t.get(1)) + "; expected an integer >= 0");
        }
        long[] size = longs(t.get(2), what + ": size");
        long[] stride = longs(t.get(3), what + ": stride");
        if (size.length != stride.length) {
            throw fail(what + ": size has " + size.length + " dimensions, stride " + stride.length);
        }
        return new TensorRef(storage, offset, size, stride, opAt);
    }

    private long[] longs(Object o, String what) throws SafetensorsFormatException {
        if (!(o instanceof Tuple t)) {
            throw fail(what + " is " + describe(o) + "; expected a tuple of integers");
        }
        long[] out = new long[t.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(t.get(i) instanceof Long v) || v < 0) {
                throw fail(what + " holds " + describe(t.get(i)) + "; expected integers >= 0");
            }
            out[i] = v;
        }
        return out;
    }

    /** BINPERSID: {@code ('storage', torch.<Type>Storage, key, location, numel)}. */
    private StorageRef persistent(Object pid) throws SafetensorsFormatException {
        String what = "persistent id at byte " + opAt;
        if (!(pid instanceof Tuple t) || t.size() != 5 || !"storage".equals(t.get(0))) {
            throw fail("foreign pickle content: " + what + " is " + describe(pid)
                    + "; expected ('storage', type, key, location, numel)");
        }
        if (!(t.get(1) instanceof Global g) || StorageType.of(g.qualifiedName()) == null) {
            throw fail(what + " names storage type " + describe(t.get(1)) + "; expected a torch.<Type>Storage");
        }
        if (!(t.get(2) instanceof String key) || key.isEmpty() || key.contains("/") || key.contains("\\")
                || key.contains("..")) {
            throw fail(what + " names record " + describe(t.get(2)) + "; expected a plain record name");
        }
        if (!(t.get(4) instanceof Long numel) || numel < 0) {
            throw fail(what + " gives " + describe(t.get(4)) + " elements; expected an integer >= 0");
        }
        return new StorageRef(key, StorageType.of(g.qualifiedName()), numel);
    }

    /** BUILD: only the {@code __dict__} of an OrderedDict (torch's {@code _metadata}), which is not an entry. */
    private void build(Object state, Object target) throws SafetensorsFormatException {
        if (!(target instanceof Map) || !(state instanceof Map)) {
            throw fail("BUILD at byte " + opAt + " sets the state of " + describe(target) + " to " + describe(state)
                    + "; only a dict's attributes may be set");
        }
        // The attributes (e.g. _metadata: module versions) are not tensors; they are not kept.
    }

    private static Map<Object, Object> dictOf(List<Object> items) {
        Map<Object, Object> d = new LinkedHashMap<>();
        for (int i = 0; i + 1 < items.size(); i += 2) {
            d.put(items.get(i), items.get(i + 1));
        }
        return d;
    }

    private void put(Map<Object, Object> d, Object k, Object v) throws SafetensorsFormatException {
        if (k != null && !(k instanceof String) && !(k instanceof Long) && !(k instanceof Tuple)) {
            throw fail("a dict key at byte " + opAt + " is " + describe(k) + "; expected a string or number");
        }
        d.put(k, v);
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dict(Object o) throws SafetensorsFormatException {
        if (o instanceof Map<?, ?> m) {
            return (Map<Object, Object>) m;
        }
        throw fail("SETITEM at byte " + opAt + " on " + describe(o) + "; expected a dict");
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o) throws SafetensorsFormatException {
        if (o instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw fail("APPEND at byte " + opAt + " on " + describe(o) + "; expected a list");
    }

    private void push(Object o) {
        stack.add(o);
    }

    private Object peek() throws SafetensorsFormatException {
        if (stack.isEmpty() || stack.get(stack.size() - 1) == MARK) {
            throw fail("the opcode at byte " + opAt + " needs a value but the stack is empty");
        }
        return stack.get(stack.size() - 1);
    }

    private Object pop() throws SafetensorsFormatException {
        Object o = peek();
        stack.remove(stack.size() - 1);
        return o;
    }

    private List<Object> popN(int n) throws SafetensorsFormatException {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(0, pop());
        }
        return out;
    }

    private List<Object> popMark() throws SafetensorsFormatException {
        if (marks.isEmpty()) {
            throw fail("the opcode at byte " + opAt + " needs a MARK but there is none");
        }
        int m = marks.remove(marks.size() - 1);
        List<Object> items = new ArrayList<>(stack.subList(m + 1, stack.size()));
        stack.subList(m, stack.size()).clear();
        return items;
    }

    private void memoPut(long index) throws SafetensorsFormatException {
        if (index < 0 || index > MAX_MEMO) {
            throw fail("memo index " + index + " at byte " + opAt + " is out of range");
        }
        memo.put((int) index, peek());
    }

    private Object memoGet(long index) throws SafetensorsFormatException {
        if (!memo.containsKey((int) index) || index < 0 || index > MAX_MEMO) {
            throw fail("memo index " + index + " at byte " + opAt + " was never stored");
        }
        return memo.get((int) index);
    }

    private ByteBuffer need(long n) throws SafetensorsFormatException {
        if (n < 0 || n > in.remaining()) {
            throw fail("the opcode at byte " + opAt + " needs " + n + " bytes but " + in.remaining()
                    + " remain (truncated?)");
        }
        ByteBuffer slice = in.slice(in.position(), (int) n).order(ByteOrder.LITTLE_ENDIAN);
        in.position(in.position() + (int) n);
        return slice;
    }

    private int u8() throws SafetensorsFormatException {
        return need(1).get() & 0xff;
    }

    private int int32() throws SafetensorsFormatException {
        return need(4).getInt();
    }

    private long u64() throws SafetensorsFormatException {
        long v = need(8).getLong();
        if (v < 0) {
            throw fail("a length of " + Long.toUnsignedString(v) + " at byte " + opAt + " is out of range");
        }
        return v;
    }

    private byte[] bytes(long n) throws SafetensorsFormatException {
        ByteBuffer b = need(n);
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private String utf8(long n) throws SafetensorsFormatException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(need(n)).toString();
        } catch (CharacterCodingException e) {
            throw fail("the string at byte " + opAt + " is not valid UTF-8");
        }
    }

    private String latin1(long n) throws SafetensorsFormatException {
        return new String(bytes(n), StandardCharsets.ISO_8859_1);
    }

    /** A newline-terminated ASCII line (the arguments of GLOBAL). */
    private String line() throws SafetensorsFormatException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (!in.hasRemaining()) {
                throw fail("GLOBAL at byte " + opAt + " is not terminated (truncated?)");
            }
            byte b = in.get();
            if (b == '\n') {
                return sb.toString();
            }
            if (b < 0x20 || sb.length() > 256) {
                throw fail("GLOBAL at byte " + opAt + " holds a malformed name");
            }
            sb.append((char) b);
        }
    }

    /** LONG1 / LONG4: a little-endian two's-complement integer of {@code n} bytes. */
    private long longN(long n) throws SafetensorsFormatException {
        if (n < 0 || n > 8) {
            throw fail("an integer of " + n + " bytes at byte " + opAt + "; fourm reads integers up to 64 bits");
        }
        byte[] b = bytes(n);
        long v = 0;
        for (int i = b.length - 1; i >= 0; i--) {
            v = (v << 8) | (b[i] & 0xff);
        }
        if (n > 0 && n < 8 && b[b.length - 1] < 0) {
            v -= 1L << (8 * n);
        }
        return v;
    }

    private static String describe(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof Global g) {
            return "global " + g.qualifiedName();
        }
        if (o instanceof String s) {
            return "'" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "'";
        }
        if (o instanceof Tuple t) {
            return "a tuple of " + t.size();
        }
        if (o instanceof Map) {
            return "a dict";
        }
        if (o instanceof List) {
            return "a list";
        }
        if (o instanceof StorageRef) {
            return "a storage";
        }
        if (o instanceof TensorRef) {
            return "a tensor";
        }
        return String.valueOf(o);
    }

    private static String hex(int op) {
        return String.format("%02x", op);
    }

    /** The names of the pickle opcodes this reader refuses, for messages. */
    private static java.util.Optional<String> knownName(int op) {
        String name = switch (op) {
            case 'I' -> "INT";
            case 'L' -> "LONG";
            case 'F' -> "FLOAT";
            case 'S' -> "STRING";
            case 'V' -> "UNICODE";
            case 'P' -> "PERSID";
            case 'g' -> "GET";
            case 'p' -> "PUT";
            case 'i' -> "INST";
            case 'o' -> "OBJ";
            case 0x81 -> "NEWOBJ";
            case 0x92 -> "NEWOBJ_EX";
            case 0x82 -> "EXT1";
            case 0x83 -> "EXT2";
            case 0x84 -> "EXT4";
            case 0x8e -> "BINBYTES8";
            case 0x8f -> "EMPTY_SET";
            case 0x90 -> "ADDITEMS";
            case 0x91 -> "FROZENSET";
            case 0x96 -> "BYTEARRAY8";
            case 0x97 -> "NEXT_BUFFER";
            case 0x98 -> "READONLY_BUFFER";
            default -> null;
        };
        return java.util.Optional.ofNullable(name);
    }

    private SafetensorsFormatException fail(String detail) {
        return new SafetensorsFormatException(file, null, record + ": " + detail);
    }
}
