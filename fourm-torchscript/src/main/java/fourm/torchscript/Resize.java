package fourm.torchscript;

import fourm.api.label.Rgb8Image;

/**
 * Stretches a photo to a model's input size, as planar floats (RGB, 0..255, channel planes of rows of columns).
 * Shrinking averages the source pixels under each target pixel (area interpolation, no aliasing on large photos);
 * enlarging interpolates bilinearly between pixel centres. The same rules as fourm-tfjs's labelers, so that both
 * engines see the same input for the same settings.
 */
final class Resize {
    private Resize() {
    }

    /** The photo scaled to {@code width x height} (aspect ratio not kept), {@code [3][height][width]} flattened. */
    static float[] stretchChw(Rgb8Image image, int width, int height) {
        int w = image.width();
        int h = image.height();
        byte[] rgb = image.rgb();
        float[][] wx = weights(w, width);
        int[][] ix = indices(w, width);
        float[][] wy = weights(h, height);
        int[][] iy = indices(h, height);
        // Horizontal pass: h rows x width columns x 3.
        float[] tmp = new float[h * width * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < width; x++) {
                float r = 0;
                float g = 0;
                float b = 0;
                for (int k = 0; k < ix[x].length; k++) {
                    int s = 3 * (y * w + ix[x][k]);
                    float f = wx[x][k];
                    r += f * (rgb[s] & 0xff);
                    g += f * (rgb[s + 1] & 0xff);
                    b += f * (rgb[s + 2] & 0xff);
                }
                int t = 3 * (y * width + x);
                tmp[t] = r;
                tmp[t + 1] = g;
                tmp[t + 2] = b;
            }
        }
        int plane = width * height;
        float[] out = new float[3 * plane];
        for (int y = 0; y < height; y++) {
            for (int k = 0; k < iy[y].length; k++) {
                float f = wy[y][k];
                int src = 3 * iy[y][k] * width;
                for (int x = 0; x < width; x++) {
                    for (int c = 0; c < 3; c++) {
                        out[c * plane + y * width + x] += f * tmp[src + 3 * x + c];
                    }
                }
            }
        }
        return out;
    }

    /** Source pixels read by each of {@code out} targets over {@code n} sources. */
    private static int[][] indices(int n, int out) {
        int[][] idx = new int[out][];
        double scale = (double) out / n;
        for (int t = 0; t < out; t++) {
            if (scale < 1) {
                double lo = t / scale;
                double hi = (t + 1) / scale;
                int from = (int) Math.floor(lo);
                int to = Math.min(n, (int) Math.ceil(hi));
                int count = 0;
                for (int i = from; i < to; i++) {
                    if (Math.min(hi, i + 1) - Math.max(lo, i) > 0) {
                        count++;
                    }
                }
                idx[t] = new int[count];
                int k = 0;
                for (int i = from; i < to; i++) {
                    if (Math.min(hi, i + 1) - Math.max(lo, i) > 0) {
                        idx[t][k++] = i;
                    }
                }
            } else {
                double c = Math.max(0, Math.min(n - 1, (t + 0.5) / scale - 0.5));
                int i0 = (int) Math.floor(c);
                int i1 = Math.min(n - 1, i0 + 1);
                idx[t] = i1 != i0 && c > i0 ? new int[] {i0, i1} : new int[] {i0};
            }
        }
        return idx;
    }

    /** The weights matching {@link #indices}, summing to 1 per target. */
    private static float[][] weights(int n, int out) {
        float[][] wt = new float[out][];
        double scale = (double) out / n;
        int[][] idx = indices(n, out);
        for (int t = 0; t < out; t++) {
            wt[t] = new float[idx[t].length];
            if (scale < 1) {
                double lo = t / scale;
                double hi = (t + 1) / scale;
                double total = 0;
                for (int k = 0; k < idx[t].length; k++) {
                    int i = idx[t][k];
                    double overlap = Math.min(hi, i + 1) - Math.max(lo, i);
                    wt[t][k] = (float) overlap;
                    total += overlap;
                }
                for (int k = 0; k < wt[t].length; k++) {
                    wt[t][k] /= (float) total;
                }
            } else {
                double c = Math.max(0, Math.min(n - 1, (t + 0.5) / scale - 0.5));
                float f = (float) (c - Math.floor(c));
                if (idx[t].length == 2) {
                    wt[t][0] = 1 - f;
                    wt[t][1] = f;
                } else {
                    wt[t][0] = 1;
                }
            }
        }
        return wt;
    }
}
