package fourm.tfjs;

import java.util.Arrays;

/**
 * A tensor in Java memory: a shape and its values, row-major, as floats. Model inputs of integer type are fed from it
 * (values rounded) and integer outputs are returned in it (exact up to 2^24).
 *
 * <p>Immutable: the constructor copies both arrays and the accessors return copies; {@link #get(int)} reads one value
 * without copying.
 *
 * @param shape  the dimensions, each at least 0
 * @param values the product of the dimensions many values
 */
public record HostTensor(long[] shape, float[] values) {

    /** Checks that the values fill the shape, and copies both. */
    public HostTensor {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has a negative dimension");
            }
            n *= d;
        }
        if (values.length != n) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " values, got "
                    + values.length);
        }
        shape = shape.clone();
        values = values.clone();
    }

    /** A tensor of the given shape holding {@code values}. */
    public static HostTensor of(float[] values, long... shape) {
        return new HostTensor(shape, values);
    }

    /** A copy of the shape. */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** A copy of the values. */
    @Override
    public float[] values() {
        return values.clone();
    }

    /** Value {@code i} in row-major order. */
    public float get(int i) {
        return values[i];
    }

    /** The number of values. */
    public int size() {
        return values.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HostTensor t && Arrays.equals(t.shape, shape) && Arrays.equals(t.values, values);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "HostTensor" + Arrays.toString(shape);
    }
}
