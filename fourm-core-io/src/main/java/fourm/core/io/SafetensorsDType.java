package fourm.core.io;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The element types fourm reads and writes in safetensors files, with their on-disk names and sizes. */
public enum SafetensorsDType {
    /** IEEE 754 single precision. */
    F32(4, true),
    /** IEEE 754 half precision (read as float). */
    F16(2, true),
    /** bfloat16: the upper half of a float (read as float). */
    BF16(2, true),
    /** Signed 64-bit integer. */
    I64(8, false),
    /** Signed 32-bit integer. */
    I32(4, false),
    /** Signed 16-bit integer. */
    I16(2, false),
    /** Unsigned 8-bit integer. */
    U8(1, false),
    /** Boolean, one byte, 0 or 1. */
    BOOL(1, false);

    private final int bytes;
    private final boolean floating;

    SafetensorsDType(int bytes, boolean floating) {
        this.bytes = bytes;
        this.floating = floating;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** True for the floating-point types. */
    public boolean isFloating() {
        return floating;
    }

    /** The type named {@code name} in a header ({@code "F32"}, ...), if fourm supports it. */
    public static Optional<SafetensorsDType> fromName(String name) {
        for (SafetensorsDType t : values()) {
            if (t.name().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** The supported names, for error messages. */
    static String supportedNames() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
