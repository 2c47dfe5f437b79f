package fourm.vq;

import java.util.Arrays;

/**
 * The per-family conversions between natural units and what the tokenizer network sees (spec-4m.md §6.1; see
 * {@link ModalityFamily} for the table), and the checks of values in natural units.
 */
public final class Normalization {
    /** Fraction of the depth values dropped at each end before the mean and standard deviation are taken. */
    public static final double DEPTH_TRIM = 0.1;
    /** Lower bound of the depth standard deviation (a flat depth map standardises to zeros, not infinities). */
    public static final double DEPTH_MIN_STD = 1e-6;

    private Normalization() {
    }

    /**
     * Checks a value in natural units against a tokenizer: its channels, its size, finiteness and the family's range.
     *
     * @param what      names the value in messages ({@code "image 3"}, a file name)
     * @param exactSize require the configured {@code image-size} exactly; otherwise any multiple of the patch size
     * @throws IllegalArgumentException saying what is wrong and what was expected
     */
    public static void validate(VqConfig c, Raster r, String what, boolean exactSize) {
        int expectedC = c.valueChannels();
        if (r.channels() != expectedC) {
            throw new IllegalArgumentException(what + ": " + r.channels() + " channel" + (r.channels() == 1 ? "" : "s")
                    + ", but the " + c.name() + " tokenizer (" + c.family().configName() + ") expects " + expectedC
                    + channelHint(c));
        }
        int p = c.patchSize();
        boolean sizeOk = exactSize ? r.height() == c.imageSize() && r.width() == c.imageSize()
                : r.height() % p == 0 && r.width() % p == 0
                && (c.family() != ModalityFamily.GLOBAL_EMBEDDING || (r.height() == 1 && r.width() == 1));
        if (!sizeOk) {
            throw new IllegalArgumentException(what + ": size " + r.height() + " x " + r.width() + ", but the "
                    + c.name() + " tokenizer expects " + c.imageSize() + " x " + c.imageSize()
                    + (exactSize || c.family() == ModalityFamily.GLOBAL_EMBEDDING ? ""
                    : " (or any multiple of its patch size " + p + ")"));
        }
        float[] d = r.data();
        int plane = r.height() * r.width();
        for (int i = 0; i < d.length; i++) {
            float v = d[i];
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException(what + ": value " + v + " at " + where(r, i, plane)
                        + "; expected finite numbers");
            }
            switch (c.family()) {
                case RGB, NORMAL, EDGE -> {
                    if (v < 0f || v > 1f) {
                        throw new IllegalArgumentException(what + ": value " + v + " at " + where(r, i, plane)
                                + " is outside [0, 1]; " + c.family().configName() + " values are in [0, 1]"
                                + " (divide 8-bit pixels by 255)");
                    }
                }
                case SEMSEG -> {
                    boolean ok = v == Math.rint(v) && ((v >= 0 && v < c.numClasses()) || v == c.ignoreId());
                    if (!ok) {
                        throw new IllegalArgumentException(what + ": value " + v + " at " + where(r, i, plane)
                                + " is not a class id; expected integers 0.." + (c.numClasses() - 1) + " or the"
                                + " ignore id " + c.ignoreId());
                    }
                }
                default -> {
                }
            }
        }
    }

    private static String channelHint(VqConfig c) {
        return switch (c.family()) {
            case RGB -> " (R, G, B)";
            case NORMAL -> " (x, y, z encoded as n * 0.5 + 0.5)";
            case SEMSEG -> " (a map of class ids)";
            case DEPTH, EDGE -> " (a single-channel map)";
            default -> "";
        };
    }

    private static String where(Raster r, int i, int plane) {
        int ch = i / plane;
        int y = (i % plane) / r.width();
        int x = i % r.width();
        return "channel " + ch + ", row " + y + ", column " + x;
    }

    /**
     * The network input of a value in natural units: [C, H, W] floats ([H, W] shifted labels for semseg). The value
     * must be valid ({@link #validate}).
     */
    public static float[] toModel(VqConfig c, Raster r) {
        float[] d = r.data();
        switch (c.family()) {
            case RGB, NORMAL, EDGE -> {
                for (int i = 0; i < d.length; i++) {
                    d[i] = d[i] * 2f - 1f;
                }
                return d;
            }
            case DEPTH -> {
                return truncatedStandardize(d);
            }
            case SEMSEG -> {
                for (int i = 0; i < d.length; i++) {
                    d[i] = d[i] == c.ignoreId() ? 0f : d[i] + 1f;
                }
                return d;
            }
            default -> {
                return d;
            }
        }
    }

    /**
     * The value in natural units of a network output [C', H, W]: unit-range families mapped back from [-1, 1] and
     * clipped to [0, 1], semseg the arg-max class (label 0 becomes the ignore id), others as they are.
     */
    public static Raster fromModel(VqConfig c, float[] out, int height, int width) {
        int plane = height * width;
        switch (c.family()) {
            case RGB, NORMAL, EDGE -> {
                float[] v = new float[out.length];
                for (int i = 0; i < v.length; i++) {
                    v[i] = Math.min(1f, Math.max(0f, (out[i] + 1f) * 0.5f));
                }
                return new Raster(c.channels(), height, width, v);
            }
            case SEMSEG -> {
                int labels = c.outputChannels();
                float[] ids = new float[plane];
                for (int i = 0; i < plane; i++) {
                    int best = 0;
                    float bestV = out[i];
                    for (int k = 1; k < labels; k++) {
                        float v = out[k * plane + i];
                        if (v > bestV) {
                            bestV = v;
                            best = k;
                        }
                    }
                    ids[i] = best == 0 ? c.ignoreId() : best - 1;
                }
                return new Raster(1, height, width, ids);
            }
            default -> {
                return new Raster(c.channels(), height, width, out);
            }
        }
    }

    /**
     * Truncated standardisation of a depth map: the mean and (population) standard deviation of the values between
     * the {@value #DEPTH_TRIM} and {@code 1 - DEPTH_TRIM} quantiles (by count: the lowest and highest 10% are
     * dropped), then {@code (d - mean) / max(std, 1e-6)} for every value.
     */
    public static float[] truncatedStandardize(float[] depth) {
        float[] sorted = depth.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        int drop = (int) Math.floor(n * DEPTH_TRIM);
        int from = drop;
        int to = n - drop;
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += sorted[i];
        }
        double mean = sum / (to - from);
        double ss = 0;
        for (int i = from; i < to; i++) {
            double dv = sorted[i] - mean;
            ss += dv * dv;
        }
        double std = Math.max(Math.sqrt(ss / (to - from)), DEPTH_MIN_STD);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) ((depth[i] - mean) / std);
        }
        return out;
    }
}
