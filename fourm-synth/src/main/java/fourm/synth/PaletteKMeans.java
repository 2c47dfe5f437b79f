package fourm.synth;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Colour palettes by k-means in RGB (0-255), for k = 1 .. {@value #MAX_K}, standing in for the reference's PyPalette.
 * The pixels are reduced to their distinct colours with counts (a weighted k-means, identical in result to one over
 * all pixels); centres start from k-means++ seeded by a fixed seed; Lloyd iterations run until no assignment changes
 * (at most {@value #MAX_ITERATIONS}); an empty cluster is re-seeded with the colour farthest from its centre. Each
 * palette lists its colours by decreasing pixel share (ties by colour value), rounded to integers. When an image has
 * fewer distinct colours than k, the palette repeats colours so that it still has k entries.
 *
 * <p>This is the algorithm that computes palettes; the palette value the {@code color_palette} modality serialises is
 * modality-color-palette's {@code ColorPalette}.
 */
final class PaletteKMeans {
    static final int MAX_K = 7;
    static final int MAX_ITERATIONS = 50;

    private PaletteKMeans() {
    }

    /** Palettes for k = 1..maxK: {@code result[k - 1]} has k colours of 3 ints each. */
    static int[][][] palettes(byte[] rgb, int maxK, long seed) {
        Map<Integer, Integer> counts = new HashMap<>();
        for (int i = 0; i < rgb.length; i += 3) {
            int c = (rgb[i] & 0xff) << 16 | (rgb[i + 1] & 0xff) << 8 | (rgb[i + 2] & 0xff);
            counts.merge(c, 1, Integer::sum);
        }
        int[] keys = counts.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
        double[][] pts = new double[keys.length][];
        double[] w = new double[keys.length];
        for (int i = 0; i < keys.length; i++) {
            int c = keys[i];
            pts[i] = new double[] {c >> 16 & 0xff, c >> 8 & 0xff, c & 0xff};
            w[i] = counts.get(c);
        }
        int[][][] out = new int[maxK][][];
        for (int k = 1; k <= maxK; k++) {
            out[k - 1] = kmeans(pts, w, k, new SplittableRandom(seed + k));
        }
        return out;
    }

    private static int[][] kmeans(double[][] pts, double[] w, int k, SplittableRandom rng) {
        int n = pts.length;
        double[][] centers = new double[k][];
        centers[0] = pts[pick(w, rng)].clone();
        double[] d2 = new double[n];
        for (int c = 1; c < k; c++) {
            double total = 0;
            for (int i = 0; i < n; i++) {
                double best = Double.MAX_VALUE;
                for (int j = 0; j < c; j++) {
                    best = Math.min(best, dist2(pts[i], centers[j]));
                }
                d2[i] = best * w[i];
                total += d2[i];
            }
            centers[c] = total == 0 ? centers[0].clone() : pts[pick(d2, rng)].clone();
        }
        int[] assign = new int[n];
        Arrays.fill(assign, -1);
        double[] weight = new double[k];
        for (int iter = 0; iter < MAX_ITERATIONS; iter++) {
            boolean changed = false;
            for (int i = 0; i < n; i++) {
                int best = 0;
                double bd = Double.MAX_VALUE;
                for (int j = 0; j < k; j++) {
                    double d = dist2(pts[i], centers[j]);
                    if (d < bd) {
                        bd = d;
                        best = j;
                    }
                }
                if (assign[i] != best) {
                    assign[i] = best;
                    changed = true;
                }
            }
            if (!changed && iter > 0) {
                break;
            }
            double[][] sum = new double[k][3];
            Arrays.fill(weight, 0);
            for (int i = 0; i < n; i++) {
                int j = assign[i];
                weight[j] += w[i];
                for (int c = 0; c < 3; c++) {
                    sum[j][c] += pts[i][c] * w[i];
                }
            }
            for (int j = 0; j < k; j++) {
                if (weight[j] > 0) {
                    for (int c = 0; c < 3; c++) {
                        centers[j][c] = sum[j][c] / weight[j];
                    }
                } else {
                    int far = 0;
                    double fd = -1;
                    for (int i = 0; i < n; i++) {
                        double d = dist2(pts[i], centers[assign[i]]);
                        if (d > fd) {
                            fd = d;
                            far = i;
                        }
                    }
                    if (fd > 0) {
                        centers[j] = pts[far].clone();
                        assign[far] = j;
                        changed = true;
                    }
                }
            }
        }
        Arrays.fill(weight, 0);
        for (int i = 0; i < n; i++) {
            weight[assign[i]] += w[i];
        }
        List<int[]> colors = new ArrayList<>();
        List<Double> shares = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            colors.add(new int[] {clamp(centers[j][0]), clamp(centers[j][1]), clamp(centers[j][2])});
            shares.add(weight[j]);
        }
        Integer[] order = new Integer[k];
        for (int j = 0; j < k; j++) {
            order[j] = j;
        }
        Arrays.sort(order, (a, b) -> {
            int c = Double.compare(shares.get(b), shares.get(a));
            return c != 0 ? c : Arrays.compare(colors.get(a), colors.get(b));
        });
        int[][] result = new int[k][];
        for (int j = 0; j < k; j++) {
            result[j] = colors.get(order[j]);
        }
        return result;
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }

    private static int pick(double[] weights, SplittableRandom rng) {
        double total = 0;
        for (double x : weights) {
            total += x;
        }
        double r = rng.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            r -= weights[i];
            if (r < 0) {
                return i;
            }
        }
        for (int i = weights.length - 1; i >= 0; i--) {
            if (weights[i] > 0) {
                return i;
            }
        }
        return 0;
    }

    private static double dist2(double[] a, double[] b) {
        double dx = a[0] - b[0], dy = a[1] - b[1], dz = a[2] - b[2];
        return dx * dx + dy * dy + dz * dz;
    }
}
