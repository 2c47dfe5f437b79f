package fourm.api.label;

import java.util.Arrays;

/**
 * How a photo becomes the float image a dense model reads, the same for every engine: stretched to
 * {@code height x width}, scaled per channel as {@code (rgb / 255 * range - mean[c]) / std[c]}, and packed
 * channels-last ({@code [1, height, width, 3]}) or channels-first ({@code [1, 3, height, width]}).
 *
 * <p>Resizing ({@link #stretch}, {@link #letterbox}): shrinking averages the source pixels under each target pixel
 * (area interpolation, no aliasing on large photos); enlarging interpolates bilinearly between pixel centres, edges
 * clamped. Both work on floats, RGB 0..255, rows then columns then channels, and are exact functions of the pixels,
 * so that labelers on different engines see the same input for the same settings.
 *
 * <p>Immutable: the constructor copies the arrays and {@link #mean()} and {@link #std()} return copies.
 *
 * @param height the input's height in pixels, at least 1
 * @param width  the input's width in pixels, at least 1
 * @param range  pixels are first scaled to {@code [0, range]}: 1 for [0, 1], 255 for [0, 255]; positive, finite
 * @param mean   per channel (R, G, B), subtracted after scaling; finite
 * @param std    per channel (R, G, B), divides after subtracting the mean; positive, finite
 */
public record ImageInput(int height, int width, float range, float[] mean, float[] std) {

    /**
     * Checks the values and copies the arrays.
     *
     * @throws IllegalArgumentException naming the value that is out of range
     */
    public ImageInput {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("the input size must be positive, got " + height + "x" + width);
        }
        if (!(range > 0) || !Float.isFinite(range)) {
            throw new IllegalArgumentException("range must be a positive number, got " + range);
        }
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 values (R, G, B), got " + mean.length + " and "
                    + std.length);
        }
        for (int c = 0; c < 3; c++) {
            if (!Float.isFinite(mean[c]) || !(std[c] > 0) || !Float.isFinite(std[c])) {
                throw new IllegalArgumentException("mean must be finite and std positive, got mean "
                        + Arrays.toString(mean) + ", std " + Arrays.toString(std));
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** A copy of the mean. */
    @Override
    public float[] mean() {
        return mean.clone();
    }

    /** A copy of the std. */
    @Override
    public float[] std() {
        return std.clone();
    }

    /**
     * The photo as the model's input: stretched to the input size, scaled, and packed.
     *
     * @param channelsFirst {@code [3][height][width]} when true, {@code [height][width][3]} when false
     */
    public float[] of(Rgb8Image image, boolean channelsFirst) {
        return scale(stretch(image, width, height), channelsFirst);
    }

    /**
     * Scales an image already at the input size and packs it.
     *
     * @param hwc           {@code height * width * 3} values, RGB 0..255, rows then columns then channels (as
     *                      {@link #stretch} returns them; all zeros for a black image); not modified
     * @param channelsFirst {@code [3][height][width]} when true, {@code [height][width][3]} when false
     * @throws IllegalArgumentException if the array does not hold {@code height * width * 3} values
     */
    public float[] scale(float[] hwc, boolean channelsFirst) {
        int plane = height * width;
        if (hwc.length != 3 * plane) {
            throw new IllegalArgumentException("a " + height + "x" + width + " RGB input needs " + 3 * plane
                    + " values, got " + hwc.length);
        }
        float k = range / 255f;
        float[] out = new float[hwc.length];
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) {
                out[channelsFirst ? c * plane + i : 3 * i + c] = (hwc[3 * i + c] * k - mean[c]) / std[c];
            }
        }
        return out;
    }

    /**
     * The photo scaled to {@code width x height}, aspect ratio not kept (so that it covers the whole input).
     *
     * @return {@code height * width * 3} values, RGB 0..255, rows then columns then channels
     */
    public static float[] stretch(Rgb8Image image, int width, int height) {
        return resize(image, width, height, (double) width / image.width(), (double) height / image.height());
    }

    /**
     * The photo scaled to fit a {@code side x side} square, aspect ratio kept, at the square's top-left corner; the
     * rest is black. The scale is {@code side / max(width, height)} square pixels per photo pixel.
     *
     * @return {@code side * side * 3} values, RGB 0..255, rows then columns then channels
     */
    public static float[] letterbox(Rgb8Image image, int side) {
        double scale = (double) side / Math.max(image.width(), image.height());
        return resize(image, side, side, scale, scale);
    }

    private static float[] resize(Rgb8Image image, int outW, int outH, double scaleX, double scaleY) {
        byte[] rgb = image.rgb();
        float[] values = new float[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            values[i] = rgb[i] & 0xff;
        }
        return resample(values, image.width(), image.height(), 3, outW, outH, scaleX, scaleY);
    }

    /**
     * Resamples {@code c}-channel float pixels (rows, then columns, then channels) from {@code w x h} to
     * {@code outW x outH} at {@code scaleX}, {@code scaleY} target pixels per source pixel, as {@link #stretch} does:
     * area averaging when shrinking, bilinear between pixel centres (edges clamped) when enlarging; target pixels
     * beyond the scaled source stay 0.
     */
    static float[] resample(float[] src, int w, int h, int c, int outW, int outH, double scaleX, double scaleY) {
        Weights wx = weights(w, outW, scaleX);
        Weights wy = weights(h, outH, scaleY);
        // Horizontal pass: h rows x outW columns.
        float[] tmp = new float[h * outW * c];
        float[] acc = new float[c];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < outW; x++) {
                java.util.Arrays.fill(acc, 0f);
                for (int k = wx.start[x]; k < wx.start[x + 1]; k++) {
                    int s = c * (y * w + wx.index[k]);
                    float f = wx.weight[k];
                    for (int ch = 0; ch < c; ch++) {
                        acc[ch] += f * src[s + ch];
                    }
                }
                System.arraycopy(acc, 0, tmp, c * (y * outW + x), c);
            }
        }
        float[] out = new float[outH * outW * c];
        for (int y = 0; y < outH; y++) {
            for (int k = wy.start[y]; k < wy.start[y + 1]; k++) {
                float f = wy.weight[k];
                int from = c * wy.index[k] * outW;
                int dst = c * y * outW;
                for (int i = 0; i < c * outW; i++) {
                    out[dst + i] += f * tmp[from + i];
                }
            }
        }
        return out;
    }

    /** Sparse resampling weights: target {@code t} reads {@code index[start[t] .. start[t+1])}. */
    private record Weights(int[] start, int[] index, float[] weight) {
    }

    /**
     * Weights from {@code n} source pixels to {@code out} target pixels at {@code scale} target pixels per source
     * pixel. Target pixels beyond the scaled source get no weight (black padding).
     */
    private static Weights weights(int n, int out, double scale) {
        int[] start = new int[out + 1];
        int cap = (int) Math.ceil(Math.max(1, 1 / scale)) + 2;
        int[] index = new int[out * cap];
        float[] weight = new float[out * cap];
        int k = 0;
        for (int t = 0; t < out; t++) {
            start[t] = k;
            double lo = t / scale;
            double hi = (t + 1) / scale;
            if (lo >= n) {
                continue;
            }
            if (scale < 1) {
                // Area: the overlap of [lo, hi) with each source pixel [i, i + 1), normalised.
                double total = 0;
                int from = k;
                for (int i = (int) Math.floor(lo); i < Math.min(n, (int) Math.ceil(hi)); i++) {
                    double overlap = Math.min(hi, i + 1) - Math.max(lo, i);
                    if (overlap > 0) {
                        index[k] = i;
                        weight[k] = (float) overlap;
                        total += overlap;
                        k++;
                    }
                }
                for (int j = from; j < k; j++) {
                    weight[j] /= (float) total;
                }
            } else {
                // Bilinear between pixel centres, clamped to the edge pixels.
                double c = (t + 0.5) / scale - 0.5;
                c = Math.max(0, Math.min(n - 1, c));
                int i0 = (int) Math.floor(c);
                int i1 = Math.min(n - 1, i0 + 1);
                float f = (float) (c - i0);
                index[k] = i0;
                weight[k] = 1 - f;
                k++;
                if (i1 != i0 && f > 0) {
                    index[k] = i1;
                    weight[k] = f;
                    k++;
                }
            }
        }
        start[out] = k;
        return new Weights(start, index, weight);
    }
}
