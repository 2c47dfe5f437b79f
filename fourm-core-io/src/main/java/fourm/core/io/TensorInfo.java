package fourm.core.io;

import java.util.Arrays;

/**
 * One tensor entry of a safetensors header.
 *
 * @param name  the key
 * @param dtype the element type
 * @param shape the shape (empty for a scalar)
 * @param begin first data byte, relative to the start of the data section
 * @param end   one past the last data byte
 */
public record TensorInfo(String name, SafetensorsDType dtype, long[] shape, long begin, long end) {

    /** Copies the shape. */
    public TensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements (product of the shape; 1 for a scalar). */
    public long numel() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** Data length in bytes. */
    public long byteLength() {
        return end - begin;
    }

    /** Rank. */
    public int rank() {
        return shape.length;
    }

    /** The shape as {@code [a, b, c]}. */
    public String shapeString() {
        return Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && t.name.equals(name) && t.dtype == dtype && Arrays.equals(t.shape, shape)
                && t.begin == begin && t.end == end;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + dtype + " " + shapeString() + " [" + begin + ", " + end + ")";
    }
}
