package fourm.teacher;

import fourm.api.label.Rgb8Image;

/**
 * Resizes a photo to a square with an antialiased bilinear (triangle) filter, separable: when shrinking, the filter
 * widens by the shrink factor, so every source pixel counts (as in Pillow's bilinear resize); pixel centres are at
 * half-integers, edges are clamped.
 */
final class Resize {
    private Resize() {
    }

    /** The photo as {@code side * side * 3} values in [0, 1], row-major, RGB last. */
    static float[] square(Rgb8Image photo, int side) {
        int w = photo.width();
        int h = photo.height();
        byte[] rgb = new byte[w * h * 3];
        photo.copyRgb(rgb);
        Taps tx = taps(w, side);
        Taps ty = taps(h, side);
        // Horizontal pass: [h][side][3].
        float[] rows = new float[h * side * 3];
        for (int y = 0; y < h; y++) {
            for (int ox = 0; ox < side; ox++) {
                float r = 0;
                float g = 0;
                float b = 0;
                int[] idx = tx.index[ox];
                float[] wt = tx.weight[ox];
                for (int k = 0; k < idx.length; k++) {
                    int s = (y * w + idx[k]) * 3;
                    r += wt[k] * (rgb[s] & 0xff);
                    g += wt[k] * (rgb[s + 1] & 0xff);
                    b += wt[k] * (rgb[s + 2] & 0xff);
                }
                int o = (y * side + ox) * 3;
                rows[o] = r;
                rows[o + 1] = g;
                rows[o + 2] = b;
            }
        }
        float[] out = new float[side * side * 3];
        for (int oy = 0; oy < side; oy++) {
            int[] idx = ty.index[oy];
            float[] wt = ty.weight[oy];
            for (int ox = 0; ox < side; ox++) {
                int o = (oy * side + ox) * 3;
                for (int c = 0; c < 3; c++) {
                    float v = 0;
                    for (int k = 0; k < idx.length; k++) {
                        v += wt[k] * rows[(idx[k] * side + ox) * 3 + c];
                    }
                    out[o + c] = Math.min(1f, Math.max(0f, v / 255f));
                }
            }
        }
        return out;
    }

    private record Taps(int[][] index, float[][] weight) {
    }

    /** For each of {@code dst} output positions, the source indices and normalised weights. */
    private static Taps taps(int src, int dst) {
        double scale = (double) src / dst;
        double support = Math.max(1.0, scale);
        int[][] index = new int[dst][];
        float[][] weight = new float[dst][];
        for (int o = 0; o < dst; o++) {
            double centre = (o + 0.5) * scale - 0.5;
            int lo = (int) Math.floor(centre - support) + 1;
            int hi = (int) Math.ceil(centre + support) - 1;
            int n = Math.max(1, hi - lo + 1);
            int[] idx = new int[n];
            double[] wt = new double[n];
            double sum = 0;
            for (int k = 0; k < n; k++) {
                int i = lo + k;
                double t = 1 - Math.abs(i - centre) / support;
                wt[k] = Math.max(0, t);
                idx[k] = Math.min(src - 1, Math.max(0, i));
                sum += wt[k];
            }
            float[] f = new float[n];
            for (int k = 0; k < n; k++) {
                f[k] = (float) (sum > 0 ? wt[k] / sum : 1.0 / n);
            }
            index[o] = idx;
            weight[o] = f;
        }
        return new Taps(index, weight);
    }
}
