package fourm.modality.sam.instance;

import java.util.Arrays;

/**
 * A square binary mask, row-major: the shape of one SAM instance drawn inside its own box and scaled to
 * {@code size x size} pixels (the reference's {@code SAMInstanceTransform.get_binary_masks}, 64 x 64). Immutable.
 */
public final class BinaryMask {
    private final int size;
    private final boolean[] bits;

    private BinaryMask(int size, boolean[] bits) {
        this.size = size;
        this.bits = bits;
    }

    /**
     * A mask of {@code size x size} pixels from row-major bits (copied).
     *
     * @throws IllegalArgumentException if {@code bits} does not hold {@code size * size} values
     */
    public static BinaryMask of(int size, boolean[] bits) {
        if (size < 1 || bits.length != (long) size * size) {
            throw new IllegalArgumentException("binary mask: expected " + size + " x " + size + " = "
                    + (long) size * size + " values, got " + bits.length);
        }
        return new BinaryMask(size, bits.clone());
    }

    /** Side in pixels. */
    public int size() {
        return size;
    }

    /** True where the instance is. */
    public boolean get(int row, int col) {
        return bits[row * size + col];
    }

    /** Pixels inside the instance. */
    public int area() {
        int n = 0;
        for (boolean b : bits) {
            n += b ? 1 : 0;
        }
        return n;
    }

    /** The mask as 0/1 values, row-major (what the mask tokenizer takes). */
    public float[] toFloats() {
        float[] out = new float[bits.length];
        for (int i = 0; i < bits.length; i++) {
            out[i] = bits[i] ? 1f : 0f;
        }
        return out;
    }

    /** Row {@code r} as a string of {@code 0} and {@code 1}. */
    public String row(int r) {
        StringBuilder sb = new StringBuilder(size);
        for (int c = 0; c < size; c++) {
            sb.append(get(r, c) ? '1' : '0');
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BinaryMask m && m.size == size && Arrays.equals(m.bits, bits);
    }

    @Override
    public int hashCode() {
        return 31 * size + Arrays.hashCode(bits);
    }

    @Override
    public String toString() {
        return "BinaryMask[" + size + "x" + size + ", area " + area() + "]";
    }
}
