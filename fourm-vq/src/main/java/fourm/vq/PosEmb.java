package fourm.vq;

/**
 * The tokenizer ViT's positional embeddings (spec-4m.md §6.1): a fixed 2D sin-cos table stored as {@code [1, D, h, w]}
 * ({@code encoder.pos_emb}, {@code decoder.pos_emb}) and resized bicubically to the token grid of the input, which
 * lets a tokenizer run at resolutions other than the one it was built for.
 *
 * <p>The table follows the reference's construction: {@code meshgrid(arange(w), arange(h), indexing='ij')} flattened
 * and laid out {@code (h w)}, so token {@code m = y*w + x} gets {@code a = m / h}, {@code b = m % h} (row and column for
 * a square grid), {@code omega_k = 1 / 10000^(k / (D/4))} and the channels
 * {@code [sin(a omega), cos(a omega), sin(b omega), cos(b omega)]}. Products are float32, sines and cosines
 * {@link StrictMath}'s, so the table is the same on every machine.
 *
 * <p>Resizing is PyTorch's {@code F.interpolate(mode='bicubic', align_corners=False)}: source coordinate
 * {@code (dst + 0.5) * in / out - 0.5}, the cubic convolution kernel with {@code A = -0.75}, borders clamped. At the
 * table's own size it is the identity.
 */
final class PosEmb {
    private static final double A = -0.75;

    private PosEmb() {
    }

    /** The table {@code [D, h, w]} (the stored [1, D, h, w] without its leading 1), row-major. */
    static float[] sincos(int h, int w, int dim) {
        if (dim % 4 != 0) {
            throw new IllegalArgumentException("2D sin-cos positions need a width divisible by 4, got " + dim);
        }
        int q = dim / 4;
        float[] omega = new float[q];
        for (int k = 0; k < q; k++) {
            float frac = (float) k / (float) q;
            omega[k] = 1f / (float) StrictMath.pow(10000.0, frac);
        }
        int n = h * w;
        float[] out = new float[dim * n];
        for (int m = 0; m < n; m++) {
            float a = m / h;
            float b = m % h;
            for (int k = 0; k < q; k++) {
                float xa = a * omega[k];
                float xb = b * omega[k];
                out[k * n + m] = (float) StrictMath.sin(xa);
                out[(q + k) * n + m] = (float) StrictMath.cos(xa);
                out[(2 * q + k) * n + m] = (float) StrictMath.sin(xb);
                out[(3 * q + k) * n + m] = (float) StrictMath.cos(xb);
            }
        }
        return out;
    }

    /**
     * The table {@code [D, inH, inW]} resized to {@code [outH*outW, D]} token rows (the layout added to tokens).
     */
    static float[] tokens(float[] table, int dim, int inH, int inW, int outH, int outW) {
        float[] resized = (inH == outH && inW == outW) ? table : bicubic(table, dim, inH, inW, outH, outW);
        int n = outH * outW;
        float[] out = new float[n * dim];
        for (int d = 0; d < dim; d++) {
            for (int m = 0; m < n; m++) {
                out[m * dim + d] = resized[d * n + m];
            }
        }
        return out;
    }

    /** Bicubic resize of {@code planes} planes of {@code inH x inW} to {@code outH x outW}. */
    static float[] bicubic(float[] src, int planes, int inH, int inW, int outH, int outW) {
        float[] out = new float[planes * outH * outW];
        int[][] yIdx = new int[outH][4];
        double[][] yW = new double[outH][];
        for (int y = 0; y < outH; y++) {
            double real = (y + 0.5) * inH / outH - 0.5;
            int iy = (int) Math.floor(real);
            yW[y] = weights(real - iy);
            for (int k = 0; k < 4; k++) {
                yIdx[y][k] = Math.min(Math.max(iy - 1 + k, 0), inH - 1);
            }
        }
        int[][] xIdx = new int[outW][4];
        double[][] xW = new double[outW][];
        for (int x = 0; x < outW; x++) {
            double real = (x + 0.5) * inW / outW - 0.5;
            int ix = (int) Math.floor(real);
            xW[x] = weights(real - ix);
            for (int k = 0; k < 4; k++) {
                xIdx[x][k] = Math.min(Math.max(ix - 1 + k, 0), inW - 1);
            }
        }
        for (int p = 0; p < planes; p++) {
            int base = p * inH * inW;
            for (int y = 0; y < outH; y++) {
                for (int x = 0; x < outW; x++) {
                    double acc = 0;
                    for (int i = 0; i < 4; i++) {
                        double row = 0;
                        int r = base + yIdx[y][i] * inW;
                        for (int j = 0; j < 4; j++) {
                            row += xW[x][j] * src[r + xIdx[x][j]];
                        }
                        acc += yW[y][i] * row;
                    }
                    out[(p * outH + y) * outW + x] = (float) acc;
                }
            }
        }
        return out;
    }

    /** The four cubic-convolution weights for a fractional offset {@code t} in [0, 1). */
    private static double[] weights(double t) {
        double x0 = t + 1;
        double x1 = t;
        double x2 = 1 - t;
        double x3 = 2 - t;
        return new double[] {
            ((A * x0 - 5 * A) * x0 + 8 * A) * x0 - 4 * A,
            ((A + 2) * x1 - (A + 3)) * x1 * x1 + 1,
            ((A + 2) * x2 - (A + 3)) * x2 * x2 + 1,
            ((A * x3 - 5 * A) * x3 + 8 * A) * x3 - 4 * A,
        };
    }
}
