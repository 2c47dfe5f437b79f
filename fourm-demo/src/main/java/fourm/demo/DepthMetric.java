package fourm.demo;

/**
 * Depth accuracy of relative depth predictions, pooled over every valid pixel of every image added: the mean absolute
 * error (L1, in the ground truth's unit) and δ1, the fraction of pixels with {@code max(p / g, g / p) < 1.25}.
 *
 * <p>The tokenizers standardise depth per image (spec-4m.md §6.1: truncated standardisation), so a predicted depth map
 * carries no scale. Each prediction is therefore first aligned to its ground truth by the least-squares scale and
 * shift over the valid pixels ({@code min Σ (s p + t - g)^2}), as relative-depth benchmarks do; a prediction with no
 * variance gets {@code s = 0, t = mean(g)}. Aligned values are clamped to {@code >= 1e-3} before the ratio of δ1.
 *
 * <p>Not thread-safe.
 */
public final class DepthMetric {
    static final double DELTA1_THRESHOLD = 1.25;
    private static final double MIN_DEPTH = 1e-3;

    private double absErrorSum;
    private long delta1Hits;
    private long pixels;
    private int images;

    /**
     * Adds one image.
     *
     * @param predicted predicted depth, any affine-related unit (row-major)
     * @param truth     true depth, positive (row-major, same size)
     * @param valid     which pixels count (for example not the sky); null means all
     * @throws IllegalArgumentException if the sizes differ or a counted value is not finite
     */
    public void add(float[] predicted, float[] truth, boolean[] valid) {
        if (predicted.length != truth.length || (valid != null && valid.length != truth.length)) {
            throw new IllegalArgumentException("depth: predicted has " + predicted.length + " pixels, truth "
                    + truth.length + (valid == null ? "" : ", mask " + valid.length) + "; expected equal sizes");
        }
        double[] st = alignment(predicted, truth, valid);
        images++;
        for (int i = 0; i < truth.length; i++) {
            if (valid != null && !valid[i]) {
                continue;
            }
            double g = truth[i];
            double p = Math.max(MIN_DEPTH, st[0] * predicted[i] + st[1]);
            absErrorSum += Math.abs(p - g);
            if (Math.max(p / g, g / p) < DELTA1_THRESHOLD) {
                delta1Hits++;
            }
            pixels++;
        }
    }

    /**
     * The least-squares scale and shift mapping {@code predicted} onto {@code truth} over the valid pixels.
     *
     * @return {@code {s, t}}
     * @throws IllegalArgumentException if a counted value is not finite or a true depth is not positive
     */
    static double[] alignment(float[] predicted, float[] truth, boolean[] valid) {
        double sp = 0;
        double sg = 0;
        long n = 0;
        for (int i = 0; i < truth.length; i++) {
            if (valid != null && !valid[i]) {
                continue;
            }
            if (!Float.isFinite(predicted[i]) || !Float.isFinite(truth[i]) || truth[i] <= 0) {
                throw new IllegalArgumentException("depth: pixel " + i + " has predicted " + predicted[i] + ", true "
                        + truth[i] + "; expected finite values and a positive true depth");
            }
            sp += predicted[i];
            sg += truth[i];
            n++;
        }
        if (n == 0) {
            return new double[] {0, 0};
        }
        double mp = sp / n;
        double mg = sg / n;
        double cov = 0;
        double var = 0;
        for (int i = 0; i < truth.length; i++) {
            if (valid != null && !valid[i]) {
                continue;
            }
            double dp = predicted[i] - mp;
            cov += dp * (truth[i] - mg);
            var += dp * dp;
        }
        double s = var > 1e-12 ? cov / var : 0;
        return new double[] {s, mg - s * mp};
    }

    /** Mean absolute error over the pooled pixels (NaN before any pixel). */
    public double l1() {
        return pixels == 0 ? Double.NaN : absErrorSum / pixels;
    }

    /** Fraction of pooled pixels within a factor 1.25 of the truth (NaN before any pixel). */
    public double delta1() {
        return pixels == 0 ? Double.NaN : (double) delta1Hits / pixels;
    }

    /** Pixels counted. */
    public long pixels() {
        return pixels;
    }

    /** Images added. */
    public int images() {
        return images;
    }
}
