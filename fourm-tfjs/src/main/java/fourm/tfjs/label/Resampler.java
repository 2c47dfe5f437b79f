package fourm.tfjs.label;

import fourm.api.label.Rgb8Image;

/**
 * Resizes photos into a model's square input, as floats (RGB, 0..255, rows then columns then channels).
 *
 * <p>Two placements: {@link #letterbox} scales the photo to fit the square, keeping its aspect ratio, at the top-left
 * corner, and fills the rest with black (detectors and pose models, where shapes must not be distorted);
 * {@link #stretch} scales each side to the square (segmentation and feature maps, which must cover the whole photo).
 * Shrinking averages the source pixels under each target pixel (area interpolation, no aliasing on large photos);
 * enlarging interpolates bilinearly.
 */
final class Resampler {
    private Resampler() {
    }

    /**
     * Where a photo lies in a letterboxed square: its content spans {@code [0, contentWidth) x [0, contentHeight)}
     * of the square, in square pixels.
     *
     * @param side          the square's side in pixels
     * @param scale         square pixels per photo pixel
     * @param contentWidth  the photo's width in square pixels ({@code width * scale})
     * @param contentHeight the photo's height in square pixels
     */
    record Placement(int side, double scale, double contentWidth, double contentHeight) {
        /** Maps a square x in pixels to the photo's normalised x, clamped to [0, 1]. */
        float toPhotoX(double squareX) {
            return clamp01(squareX / contentWidth);
        }

        /** Maps a square y in pixels to the photo's normalised y, clamped to [0, 1]. */
        float toPhotoY(double squareY) {
            return clamp01(squareY / contentHeight);
        }
    }

    static float clamp01(double v) {
        return (float) Math.max(0, Math.min(1, v));
    }

    /** The placement {@link #letterbox} uses for a photo of the given size. */
    static Placement placement(int width, int height, int side) {
        double scale = (double) side / Math.max(width, height);
        return new Placement(side, scale, width * scale, height * scale);
    }

    /** The photo scaled to fit a {@code side x side} square at its top-left corner, the rest black. */
    static float[] letterbox(Rgb8Image image, int side) {
        Placement p = placement(image.width(), image.height(), side);
        return resize(image, side, side, p.scale(), p.scale());
    }

    /** The photo scaled to {@code width x height}, aspect ratio not kept. */
    static float[] stretch(Rgb8Image image, int width, int height) {
        return resize(image, width, height, (double) width / image.width(), (double) height / image.height());
    }

    private static float[] resize(Rgb8Image image, int outW, int outH, double scaleX, double scaleY) {
        int w = image.width();
        int h = image.height();
        byte[] rgb = image.rgb();
        Weights wx = weights(w, outW, scaleX);
        Weights wy = weights(h, outH, scaleY);
        // Horizontal pass: h rows x outW columns.
        float[] tmp = new float[h * outW * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < outW; x++) {
                float r = 0;
                float g = 0;
                float b = 0;
                for (int k = wx.start[x]; k < wx.start[x + 1]; k++) {
                    int s = 3 * (y * w + wx.index[k]);
                    float f = wx.weight[k];
                    r += f * (rgb[s] & 0xff);
                    g += f * (rgb[s + 1] & 0xff);
                    b += f * (rgb[s + 2] & 0xff);
                }
                int t = 3 * (y * outW + x);
                tmp[t] = r;
                tmp[t + 1] = g;
                tmp[t + 2] = b;
            }
        }
        float[] out = new float[outH * outW * 3];
        for (int y = 0; y < outH; y++) {
            for (int k = wy.start[y]; k < wy.start[y + 1]; k++) {
                float f = wy.weight[k];
                int src = 3 * wy.index[k] * outW;
                int dst = 3 * y * outW;
                for (int i = 0; i < 3 * outW; i++) {
                    out[dst + i] += f * tmp[src + i];
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
