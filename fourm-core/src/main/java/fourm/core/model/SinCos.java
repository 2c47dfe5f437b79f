package fourm.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The reference's fixed sin-cos positional tables, computed on the host in float32 steps as the reference computes them
 * ({@code omega = 1 / 10000^(arange(k) / k)}, products in float32) with {@link StrictMath} sines and cosines rounded to
 * float, so they are the same on every machine. They equal the reference's tables to within one ulp (the reference's
 * vectorised sin/cos differ from correctly rounded values in the last bit for a few percent of the entries); loaded
 * checkpoints keep the tables they carry.
 *
 * <ul>
 *   <li>1D: {@code pe[p] = [sin(p omega_0..), cos(p omega_0..)]} with {@code omega_k = 1 / 10000^(k / (D/2))};</li>
 *   <li>2D over a side x side grid, row-major token n: {@code a = n / side}, {@code b = n % side},
 *       {@code omega_k = 1 / 10000^(k / (D/4))}, {@code pe[n] = [sin(a omega), cos(a omega), sin(b omega),
 *       cos(b omega)]}: the first half of the channels encodes the row, the second the column.</li>
 * </ul>
 * Shapes: [1, rows, D] and [1, side*side, D].
 */
public final class SinCos {
    private static final double TEMPERATURE = 10000.0;

    private SinCos() {
    }

    /** The 1D table as floats, row-major [rows, dim]. */
    public static float[] values1d(int rows, int dim) {
        if (dim % 2 != 0 || rows < 1) {
            throw new IllegalArgumentException("a 1D sin-cos table needs rows >= 1 and an even width, got " + rows
                    + " x " + dim);
        }
        int half = dim / 2;
        float[] omega = omega(half);
        float[] out = new float[rows * dim];
        for (int p = 0; p < rows; p++) {
            for (int k = 0; k < half; k++) {
                float x = (float) p * omega[k];
                out[p * dim + k] = (float) StrictMath.sin(x);
                out[p * dim + half + k] = (float) StrictMath.cos(x);
            }
        }
        return out;
    }

    /** The 2D table as floats, row-major [side*side, dim]. */
    public static float[] values2d(int side, int dim) {
        if (dim % 4 != 0 || side < 1) {
            throw new IllegalArgumentException("a 2D sin-cos table needs side >= 1 and a width divisible by 4, got "
                    + side + " x " + dim);
        }
        int q = dim / 4;
        float[] omega = omega(q);
        int n = side * side;
        float[] out = new float[n * dim];
        for (int i = 0; i < n; i++) {
            float a = i / side;
            float b = i % side;
            int o = i * dim;
            for (int k = 0; k < q; k++) {
                float xa = a * omega[k];
                float xb = b * omega[k];
                out[o + k] = (float) StrictMath.sin(xa);
                out[o + q + k] = (float) StrictMath.cos(xa);
                out[o + 2 * q + k] = (float) StrictMath.sin(xb);
                out[o + 3 * q + k] = (float) StrictMath.cos(xb);
            }
        }
        return out;
    }

    /** The 1D table [1, rows, dim] as a new array of {@code manager}. */
    public static NDArray table1d(NDManager manager, int rows, int dim) {
        return manager.create(values1d(rows, dim), new Shape(1, rows, dim));
    }

    /** The 2D table [1, side*side, dim] as a new array of {@code manager}. */
    public static NDArray table2d(NDManager manager, int side, int dim) {
        return manager.create(values2d(side, dim), new Shape(1, (long) side * side, dim));
    }

    /** {@code 1 / 10000^(arange(k) / k)} in float32 steps. */
    private static float[] omega(int k) {
        float[] out = new float[k];
        for (int i = 0; i < k; i++) {
            float frac = (float) i / (float) k;
            float pow = (float) StrictMath.pow(TEMPERATURE, frac);
            out[i] = 1f / pow;
        }
        return out;
    }
}
