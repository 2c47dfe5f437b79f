package fourm.vq.train;

import fourm.vq.Raster;
import java.util.SplittableRandom;

/**
 * A stand-in for the feature teachers of spec-4m.md §6.1 (CLIP-B/16, DINOv2-B/14, ImageBind-H/14), for training and
 * testing feature-map and global-embedding tokenizers without those networks: a fixed random two-layer network over
 * image patches. It is <b>not</b> CLIP; it gives features shaped and behaving like a ViT teacher's (one C-dimensional
 * vector per P x P patch, a nonlinear, correlated function of the pixels, and a global vector pooled from them), so a
 * tokenizer for such features can be trained and measured.
 *
 * <ul>
 *   <li>Patch features: {@code f = W2 tanh(W1 (v - 0.5) + b1)} for each patch {@code v} (its 3 P P pixels in [0, 1],
 *       flattened {@code (c ph pw)}), giving a map [C, H/P, W/P].</li>
 *   <li>Global embedding: {@code g = normalise(W3 (mean_patches(tanh(W1 (v - 0.5) + b1)) - tanh(b1)))}, a unit
 *       vector [C, 1, 1] like a normalised class token; the response of a mid-grey image is subtracted, so that
 *       embeddings of different images point in different directions.</li>
 * </ul>
 * The weights are N(0, 1/fan-in) from the seed: the same seed gives the same teacher everywhere.
 */
public final class SyntheticTeacher {
    private final int patch;
    private final int hidden;
    private final int channels;
    private final float[] w1;
    private final float[] b1;
    private final float[] w2;
    private final float[] w3;

    /**
     * @param patch    patch side P
     * @param hidden   hidden width
     * @param channels output channels C
     * @param seed     weight seed
     */
    public SyntheticTeacher(int patch, int hidden, int channels, long seed) {
        if (patch < 1 || hidden < 1 || channels < 1) {
            throw new IllegalArgumentException("teacher sizes must be >= 1, got patch " + patch + ", hidden " + hidden
                    + ", channels " + channels);
        }
        this.patch = patch;
        this.hidden = hidden;
        this.channels = channels;
        SplittableRandom rng = new SplittableRandom(seed);
        int in = 3 * patch * patch;
        w1 = gaussian(rng, hidden * in, 3.0 / Math.sqrt(in));
        b1 = gaussian(rng, hidden, 0.5);
        w2 = gaussian(rng, channels * hidden, 1.0 / Math.sqrt(hidden));
        w3 = gaussian(rng, channels * hidden, 1.0 / Math.sqrt(hidden));
    }

    private static float[] gaussian(SplittableRandom rng, int n, double std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rng.nextGaussian() * std);
        }
        return v;
    }

    /** Patch side. */
    public int patch() {
        return patch;
    }

    /** Output channels. */
    public int channels() {
        return channels;
    }

    /** Hidden activations [N, hidden] of the patches of an RGB image in [0, 1]. */
    private float[][] hiddens(Raster rgb) {
        if (rgb.channels() != 3 || rgb.height() % patch != 0 || rgb.width() % patch != 0) {
            throw new IllegalArgumentException("the synthetic teacher reads RGB images whose sides are multiples of "
                    + patch + ", got " + rgb.shapeString());
        }
        int nh = rgb.height() / patch;
        int nw = rgb.width() / patch;
        int in = 3 * patch * patch;
        float[] v = new float[in];
        float[][] out = new float[nh * nw][hidden];
        for (int py = 0; py < nh; py++) {
            for (int px = 0; px < nw; px++) {
                int k = 0;
                for (int c = 0; c < 3; c++) {
                    for (int y = 0; y < patch; y++) {
                        for (int x = 0; x < patch; x++) {
                            v[k++] = rgb.at(c, py * patch + y, px * patch + x) - 0.5f;
                        }
                    }
                }
                float[] h = out[py * nw + px];
                for (int j = 0; j < hidden; j++) {
                    double s = b1[j];
                    for (int i = 0; i < in; i++) {
                        s += w1[j * in + i] * v[i];
                    }
                    h[j] = (float) Math.tanh(s);
                }
            }
        }
        return out;
    }

    /** The feature map [C, H/P, W/P] of an RGB image in [0, 1]. */
    public Raster featureMap(Raster rgb) {
        float[][] h = hiddens(rgb);
        int n = h.length;
        float[] out = new float[channels * n];
        for (int p = 0; p < n; p++) {
            for (int c = 0; c < channels; c++) {
                double s = 0;
                for (int j = 0; j < hidden; j++) {
                    s += w2[c * hidden + j] * h[p][j];
                }
                out[c * n + p] = (float) s;
            }
        }
        return new Raster(channels, rgb.height() / patch, rgb.width() / patch, out);
    }

    /** The global embedding [C, 1, 1] (unit length) of an RGB image in [0, 1]. */
    public Raster globalEmbedding(Raster rgb) {
        float[][] h = hiddens(rgb);
        double[] mean = new double[hidden];
        for (float[] row : h) {
            for (int j = 0; j < hidden; j++) {
                mean[j] += row[j] / h.length;
            }
        }
        for (int j = 0; j < hidden; j++) {
            mean[j] -= Math.tanh(b1[j]);
        }
        float[] g = new float[channels];
        double ss = 0;
        for (int c = 0; c < channels; c++) {
            double s = 0;
            for (int j = 0; j < hidden; j++) {
                s += w3[c * hidden + j] * mean[j];
            }
            g[c] = (float) s;
            ss += s * s;
        }
        float inv = (float) (1 / Math.max(Math.sqrt(ss), 1e-12));
        for (int c = 0; c < channels; c++) {
            g[c] *= inv;
        }
        return Raster.vector(g);
    }
}
