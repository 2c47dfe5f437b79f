package fourm.api.label;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The reference's depth input, exactly (its {@code DepthTransform}: {@code depth_to_tensor} then
 * {@code truncated_depth_standardization}): a 16-bit depth PNG is divided by 65535; the {@code N} values are sorted
 * and {@code sorted[int(0.1 * N) : int(0.9 * N)]} kept (Python's {@code int} of the double product, i.e. truncation);
 * every value {@code d} of the map becomes {@code (d - mean) / sqrt(var + 1e-6)}, with the mean and the
 * <em>unbiased</em> (divided by {@code n - 1}) variance of the kept values. A population standard deviation, a floor
 * of {@code max(std, 1e-6)} or another cut move a narrow-range map visibly.
 *
 * <p>The mean and variance are accumulated in double (the reference works in float32; the two agree to float
 * precision). A map whose cut keeps a single value has no unbiased variance: as in torch ({@code var()} of one element
 * is NaN) the result would be NaN, so it is refused instead. Engine-free: plain arrays in, plain arrays out.
 */
public final class DepthStandardization {
    /** The share of the sorted values cut at each end. */
    public static final double TRUNCATION = 0.1;
    /** Added to the variance before the square root. */
    public static final double EPSILON = 1e-6;
    /** The scale of a 16-bit depth PNG: values are divided by it. */
    public static final float PNG16_SCALE = 65535f;

    private DepthStandardization() {
    }

    /**
     * The mean and the unbiased variance the map is standardised with.
     *
     * @param mean     the mean of the kept values
     * @param variance their unbiased variance
     * @param kept     how many values were kept
     */
    public record Statistics(double mean, double variance, int kept) {
    }

    /**
     * The statistics of {@code depth}: sort, keep {@code [int(0.1 N), int(0.9 N))}, mean and unbiased variance.
     *
     * @throws IllegalArgumentException if a value is not finite, or fewer than two values are kept
     */
    public static Statistics statistics(float[] depth) {
        int n = depth.length;
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(depth[i])) {
                throw new IllegalArgumentException("depth value " + i + " is " + depth[i] + "; expected finite values");
            }
        }
        float[] sorted = depth.clone();
        Arrays.sort(sorted);
        int from = (int) (TRUNCATION * n);
        int to = (int) ((1 - TRUNCATION) * n);
        int kept = to - from;
        if (kept < 2) {
            throw new IllegalArgumentException("a depth map of " + n + " values keeps " + Math.max(kept, 0)
                    + " after cutting 10% at each end; the unbiased variance needs at least 2");
        }
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += sorted[i];
        }
        double mean = sum / kept;
        double ss = 0;
        for (int i = from; i < to; i++) {
            double d = sorted[i] - mean;
            ss += d * d;
        }
        return new Statistics(mean, ss / (kept - 1), kept);
    }

    /**
     * Standardises {@code depth} (any scale; the reference's input is {@code png16 / 65535}): every value becomes
     * {@code (d - mean) / sqrt(var + 1e-6)} with the {@link #statistics} of the map. The input is not modified.
     *
     * @throws IllegalArgumentException as {@link #statistics}
     */
    public static float[] standardize(float[] depth) {
        Statistics s = statistics(depth);
        double denom = Math.sqrt(s.variance() + EPSILON);
        float[] out = new float[depth.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) ((depth[i] - s.mean()) / denom);
        }
        return out;
    }

    /**
     * Reads a depth PNG as the reference does ({@code value / 65535} for 16-bit samples; the first channel of a
     * multi-channel file; an 8-bit PNG gives {@code value / 255}) and standardises it.
     *
     * @return {@code height * width} values, row-major
     * @throws IOException              naming the file when it cannot be decoded
     * @throws IllegalArgumentException as {@link #statistics}
     */
    public static float[] fromPng(Path file) throws IOException {
        Photo p = Photo.read(file);
        return standardize(firstChannel(p));
    }

    /** The first channel of {@code p} ({@code height * width} values), e.g. the depth of a 16-bit gray PNG. */
    static float[] firstChannel(Photo p) {
        int n = p.width() * p.height();
        float[] v = p.values();
        if (p.channels() == 1) {
            return v;
        }
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = v[i * p.channels()];
        }
        return out;
    }
}
