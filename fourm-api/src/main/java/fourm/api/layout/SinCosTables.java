package fourm.api.layout;

/**
 * The reference's fixed sin-cos positional tables, computed in float32 steps as the reference computes them
 * ({@code omega = 1 / 10000^(arange(k) / k)}, products in float32) with {@link StrictMath} sines and cosines rounded
 * to float, so they are the same on every machine and equal the reference's to within one ulp.
 *
 * <ul>
 *   <li>1D ({@code build_1d_sincos_posemb}): {@code pe[p] = [sin(p omega), cos(p omega)]},
 *       {@code omega_k = 1 / 10000^(k / (D/2))}.</li>
 *   <li>2D ({@code build_2d_sincos_posemb(h, w)}), row-major token {@code n} of an {@code h x w} grid:
 *       {@code a = n / h}, {@code b = n % h}, {@code omega_k = 1 / 10000^(k / (D/4))},
 *       {@code pe[n] = [sin(a omega), cos(a omega), sin(b omega), cos(b omega)]}. On a square grid the first half of
 *       the channels encodes the row and the second the column; on an {@code h x w} grid the reference's meshgrid
 *       enumerates the cells {@code w x h} before the reshape, which is what {@code a} and {@code b} reproduce.</li>
 * </ul>
 */
public final class SinCosTables {
    private static final double TEMPERATURE = 10000.0;

    private SinCosTables() {
    }

    /** The 1D table, row-major {@code [rows, dim]}. */
    public static float[] table1d(int rows, int dim) {
        if (dim % 2 != 0 || dim < 2 || rows < 1) {
            throw new IllegalArgumentException("a 1D sin-cos table needs rows >= 1 and an even model width, got "
                    + rows + " x " + dim);
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

    /** The 2D table of an {@code h x w} grid, row-major {@code [h * w, dim]}. */
    public static float[] table2d(int h, int w, int dim) {
        if (dim % 4 != 0 || dim < 4 || h < 1 || w < 1) {
            throw new IllegalArgumentException("a 2D sin-cos table needs a grid of at least 1x1 and a model width "
                    + "divisible by 4, got " + h + "x" + w + " and width " + dim);
        }
        int q = dim / 4;
        float[] omega = omega(q);
        int n = h * w;
        float[] out = new float[n * dim];
        for (int i = 0; i < n; i++) {
            float a = i / h;
            float b = i % h;
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
