package fourm.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The reference's fixed sin-cos positional tables, computed in float32 with the engine's own arithmetic (so that they
 * match the reference's tables bit for bit, not only to a few ulps).
 *
 * <ul>
 *   <li>1D: {@code omega_k = 1 / 10000^(k / (D/2))}, {@code pe[p] = [sin(p omega_0..), cos(p omega_0..)]};</li>
 *   <li>2D over a side x side grid, row-major token n: {@code a = n / side}, {@code b = n % side},
 *       {@code omega_k = 1 / 10000^(k / (D/4))}, {@code pe[n] = [sin(a omega), cos(a omega), sin(b omega),
 *       cos(b omega)]}: the first half of the channels encodes the row, the second the column.</li>
 * </ul>
 * Shapes: [1, rows, D] and [1, side*side, D].
 */
public final class SinCos {
    private static final float TEMPERATURE = 10000f;

    private SinCos() {
    }

    /** The 1D table of {@code rows} positions and width {@code dim} (even), as a new array of {@code manager}. */
    public static NDArray table1d(NDManager manager, int rows, int dim) {
        if (dim % 2 != 0 || rows < 1) {
            throw new IllegalArgumentException("a 1D sin-cos table needs rows >= 1 and an even width, got " + rows
                    + " x " + dim);
        }
        try (NDManager tmp = manager.newSubManager()) {
            NDArray omega = omega(tmp, dim / 2);
            NDArray pos = tmp.arange(0f, (float) rows, 1f, DataType.FLOAT32).reshape(rows, 1);
            NDArray out = pos.mul(omega.reshape(1, dim / 2));
            NDArray pe = NDArrays.concat(new NDList(out.sin(), out.cos()), 1).reshape(1, rows, dim);
            pe.attach(manager);
            return pe;
        }
    }

    /** The 2D table of a {@code side x side} grid and width {@code dim} (multiple of 4). */
    public static NDArray table2d(NDManager manager, int side, int dim) {
        if (dim % 4 != 0 || side < 1) {
            throw new IllegalArgumentException("a 2D sin-cos table needs side >= 1 and a width divisible by 4, got "
                    + side + " x " + dim);
        }
        int n = side * side;
        float[] a = new float[n];
        float[] b = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = i / side;
            b[i] = i % side;
        }
        try (NDManager tmp = manager.newSubManager()) {
            NDArray omega = omega(tmp, dim / 4).reshape(1, dim / 4);
            NDArray outA = tmp.create(a, new Shape(n, 1)).mul(omega);
            NDArray outB = tmp.create(b, new Shape(n, 1)).mul(omega);
            NDArray pe = NDArrays.concat(new NDList(outA.sin(), outA.cos(), outB.sin(), outB.cos()), 1)
                    .reshape(1, n, dim);
            pe.attach(manager);
            return pe;
        }
    }

    /** {@code 1 / 10000^(arange(k) / k)} in float32, as the reference computes it. */
    private static NDArray omega(NDManager m, int k) {
        NDArray frac = m.arange(0f, (float) k, 1f, DataType.FLOAT32).div((float) k);
        NDArray pow = m.create(TEMPERATURE).pow(frac);
        return m.create(1f).div(pow);
    }
}
