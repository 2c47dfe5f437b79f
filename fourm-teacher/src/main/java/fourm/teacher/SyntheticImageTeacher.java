package fourm.teacher;

import com.typesafe.config.Config;
import fourm.api.ConfigReader;
import fourm.api.label.Rgb8Image;
import java.util.Arrays;
import java.util.Set;

/**
 * A fixed, seeded stand-in for a ViT feature teacher (CLIP ViT-B/16, DINOv2 ViT-B/14, ImageBind ViT-H/14): a small
 * random network over image patches with the real teacher's patch size, grid and width. It is <b>not</b> CLIP, DINOv2 or
 * ImageBind and carries none of their semantics; it gives features shaped and behaving like a ViT teacher's (one
 * vector per patch, a nonlinear function of the patch and, a little, of its neighbours and of the whole image), so
 * that the feature tokenizers, pre-tokenization and 4M training run end to end offline.
 *
 * <p>The computation, for an RGB photo:
 * <ol>
 *   <li>Resize the whole photo to {@code S x S} ({@code image-size}; antialiased bilinear, the aspect ratio is not
 *       kept: crop first for the reference's centre crop) and standardise each channel with the ImageNet mean and
 *       standard deviation.</li>
 *   <li>Cut it into {@code P x P} patches ({@code patch-size}), a {@code G x G} grid with {@code G = S / P}. Each patch
 *       becomes {@code x = [n, m_r, m_g, m_b, s]}: its {@code 3 P P} values (channel-major) with each channel's mean
 *       removed and divided by {@code sqrt(var + 0.01)} (per-patch normalisation, {@code s} the standard deviation),
 *       followed by the three channel means and {@code s}, so that colour and contrast still count.</li>
 *   <li>Hidden layer {@code h = GELU(W1 x + b1)}, width {@code hidden} (GELU's tanh form).</li>
 *   <li>Spatial mixing {@code c = h + a mean_N(h) + b mean_all(h)}: {@code mean_N} over the up to 8 neighbours of the
 *       patch in the grid, {@code mean_all} over all patches; {@code a = neighbour-mix}, {@code b = global-mix}.</li>
 *   <li>Feature map: {@code f = LayerNorm(W2 c)} per patch (zero mean and unit variance over the channels, no affine
 *       part), width {@code channels}: a {@code G x G x channels} map.</li>
 *   <li>Global embedding: {@code g = W2 (mean_all(c) - c_grey) / |...|}, a unit vector of width {@code channels};
 *       {@code c_grey} is the response to a uniform mid-grey photo, subtracted so that different photos point in
 *       different directions.</li>
 * </ol>
 * Weights are uniform with mean 0 from {@link SplitMix64} seeded with {@code seed}, drawn in the order W1, b1, W2:
 * W1's texture inputs with standard deviation {@code 1/sqrt(3 P P)}, its four statistics inputs 0.5, b1 0.5, W2
 * {@code 1/sqrt(hidden)}. All arithmetic is {@code float} in a fixed order and the one transcendental function goes
 * through {@link StrictMath}, so a seed gives bit-identical features in every run and on every JVM.
 *
 * <p>Immutable and thread-safe.
 */
public final class SyntheticImageTeacher {
    /** The configuration keys of an image teacher's node. */
    public static final Set<String> KEYS = Set.of("image-size", "patch-size", "hidden", "channels", "neighbour-mix",
            "global-mix", "seed");

    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};
    private static final float VAR_EPS = 0.01f;

    private final Sizes sizes;
    private final int grid;
    private final int in;
    private final float[] w1;
    private final float[] b1;
    private final float[] w2;
    private final float[] greyContext;

    /**
     * A teacher's sizes and seed.
     *
     * @param imageSize    side {@code S} the photo is resized to; a multiple of {@code patchSize}
     * @param patchSize    patch side {@code P}
     * @param hidden       hidden width
     * @param channels     output width (the real teacher's feature width)
     * @param neighbourMix weight {@code a} of the neighbours' mean hidden activation, at least 0
     * @param globalMix    weight {@code b} of the whole image's mean hidden activation, at least 0
     * @param seed         weight seed
     */
    public record Sizes(int imageSize, int patchSize, int hidden, int channels, float neighbourMix, float globalMix,
                        long seed) {
        /** Checks the ranges. */
        public Sizes {
            if (patchSize < 1 || imageSize < patchSize || imageSize % patchSize != 0) {
                throw new IllegalArgumentException("image size " + imageSize + " must be a positive multiple of the "
                        + "patch size " + patchSize);
            }
            if (hidden < 1 || channels < 1) {
                throw new IllegalArgumentException("hidden " + hidden + " and channels " + channels
                        + " must be at least 1");
            }
            if (!(neighbourMix >= 0 && neighbourMix <= 16) || !(globalMix >= 0 && globalMix <= 16)) {
                throw new IllegalArgumentException("neighbour-mix " + neighbourMix + " and global-mix " + globalMix
                        + " must be in [0, 16]");
            }
        }
    }

    /** Builds the teacher's weights from its seed. */
    public SyntheticImageTeacher(Sizes sizes) {
        this.sizes = sizes;
        int p = sizes.patchSize();
        this.grid = sizes.imageSize() / p;
        int texture = 3 * p * p;
        this.in = texture + 4;
        SplitMix64 rng = new SplitMix64(sizes.seed());
        int hidden = sizes.hidden();
        w1 = new float[hidden * in];
        for (int j = 0; j < hidden; j++) {
            for (int i = 0; i < in; i++) {
                w1[j * in + i] = rng.nextCentered(i < texture ? 1 / Math.sqrt(texture) : 0.5);
            }
        }
        b1 = rng.fill(hidden, 0.5);
        w2 = rng.fill(sizes.channels() * hidden, 1 / Math.sqrt(hidden));
        // A uniform mid-grey photo: every patch has n = 0, s = 0 and the grey's standardised channel means; its
        // context is (1 + a + b) h_grey everywhere, since the neighbours' and the image's means equal h_grey.
        float[] x = new float[in];
        for (int c = 0; c < 3; c++) {
            x[texture + c] = (0.5f - MEAN[c]) / STD[c];
        }
        float[] h = new float[hidden];
        hiddenLayer(x, h);
        greyContext = new float[hidden];
        float k = 1 + sizes.neighbourMix() + sizes.globalMix();
        for (int j = 0; j < hidden; j++) {
            greyContext[j] = k * h[j];
        }
    }

    /**
     * Reads a teacher node ({@link #KEYS}).
     *
     * @throws com.typesafe.config.ConfigException naming the key, if a key is unknown, missing or out of range, or
     *                                             {@code image-size} is not a multiple of {@code patch-size}
     */
    public static SyntheticImageTeacher fromConfig(Config node) {
        ConfigReader s = ConfigReader.of(node, KEYS);
        int imageSize = s.integer("image-size", 1, 4096);
        int patch = s.integer("patch-size", 1, 256);
        if (imageSize % patch != 0 || imageSize < patch) {
            throw s.bad("image-size", "expected a multiple of patch-size (" + patch + "), got " + imageSize);
        }
        int hidden = s.integer("hidden", 1, 8192);
        int channels = s.integer("channels", 1, 16384);
        float a = (float) s.number("neighbour-mix", 0, 16);
        float b = (float) s.number("global-mix", 0, 16);
        return new SyntheticImageTeacher(new Sizes(imageSize, patch, hidden, channels, a, b, s.anyLong("seed")));
    }

    /** The sizes and seed. */
    public Sizes sizes() {
        return sizes;
    }

    /** The side {@code G} of the feature grid, {@code image-size / patch-size}. */
    public int gridSide() {
        return grid;
    }

    /** The feature width. */
    public int channels() {
        return sizes.channels();
    }

    /**
     * The feature map of a photo: {@code G * G * channels} values, row-major, channels last; each patch's vector has
     * zero mean and unit variance over its channels.
     */
    public float[] featureMap(Rgb8Image photo) {
        float[] c = context(photo);
        int hidden = sizes.hidden();
        int ch = sizes.channels();
        int n = grid * grid;
        float[] out = new float[n * ch];
        for (int p = 0; p < n; p++) {
            project(c, p * hidden, out, p * ch);
            layerNorm(out, p * ch, ch);
        }
        return out;
    }

    /** The global embedding of a photo: {@code channels} values of unit Euclidean length. */
    public float[] globalEmbedding(Rgb8Image photo) {
        float[] c = context(photo);
        int hidden = sizes.hidden();
        int n = grid * grid;
        float[] pooled = new float[hidden];
        for (int p = 0; p < n; p++) {
            for (int j = 0; j < hidden; j++) {
                pooled[j] += c[p * hidden + j];
            }
        }
        for (int j = 0; j < hidden; j++) {
            pooled[j] = pooled[j] / n - greyContext[j];
        }
        float[] g = new float[sizes.channels()];
        project(pooled, 0, g, 0);
        double ss = 0;
        for (float v : g) {
            ss += (double) v * v;
        }
        if (ss < 1e-24) {
            // A photo whose pooled response is the grey one's: no direction to normalise; answer the first axis.
            g[0] = 1;
            return g;
        }
        float inv = (float) (1 / Math.sqrt(ss));
        for (int i = 0; i < g.length; i++) {
            g[i] *= inv;
        }
        return g;
    }

    /** The mixed hidden activations [G*G, hidden] of a photo. */
    private float[] context(Rgb8Image photo) {
        int s = sizes.imageSize();
        int p = sizes.patchSize();
        int hidden = sizes.hidden();
        float[] img = Resize.square(photo, s);
        for (int i = 0; i < img.length; i++) {
            int c = i % 3;
            img[i] = (img[i] - MEAN[c]) / STD[c];
        }
        int n = grid * grid;
        float[] h = new float[n * hidden];
        float[] x = new float[in];
        float[] hp = new float[hidden];
        int pp = p * p;
        for (int gy = 0; gy < grid; gy++) {
            for (int gx = 0; gx < grid; gx++) {
                // The patch, channel-major (c, y, x), with each channel's mean removed.
                float[] mean = new float[3];
                for (int c = 0; c < 3; c++) {
                    float sum = 0;
                    for (int y = 0; y < p; y++) {
                        int row = ((gy * p + y) * s + gx * p) * 3 + c;
                        for (int xx = 0; xx < p; xx++) {
                            float v = img[row + 3 * xx];
                            x[c * pp + y * p + xx] = v;
                            sum += v;
                        }
                    }
                    mean[c] = sum / pp;
                }
                float var = 0;
                for (int c = 0; c < 3; c++) {
                    for (int i = c * pp; i < (c + 1) * pp; i++) {
                        x[i] -= mean[c];
                        var += x[i] * x[i];
                    }
                }
                var /= 3 * pp;
                float inv = (float) (1 / Math.sqrt(var + VAR_EPS));
                for (int i = 0; i < 3 * pp; i++) {
                    x[i] *= inv;
                }
                x[3 * pp] = mean[0];
                x[3 * pp + 1] = mean[1];
                x[3 * pp + 2] = mean[2];
                x[3 * pp + 3] = (float) Math.sqrt(var);
                hiddenLayer(x, hp);
                System.arraycopy(hp, 0, h, (gy * grid + gx) * hidden, hidden);
            }
        }
        // c = h + a mean_neighbours(h) + b mean_all(h)
        float[] all = new float[hidden];
        for (int q = 0; q < n; q++) {
            for (int j = 0; j < hidden; j++) {
                all[j] += h[q * hidden + j];
            }
        }
        float a = sizes.neighbourMix();
        float b = sizes.globalMix();
        for (int j = 0; j < hidden; j++) {
            all[j] = b * (all[j] / n);
        }
        float[] c = new float[n * hidden];
        float[] nb = new float[hidden];
        for (int gy = 0; gy < grid; gy++) {
            for (int gx = 0; gx < grid; gx++) {
                Arrays.fill(nb, 0f);
                int count = 0;
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int y = gy + dy;
                        int xx = gx + dx;
                        if ((dy == 0 && dx == 0) || y < 0 || y >= grid || xx < 0 || xx >= grid) {
                            continue;
                        }
                        int o = (y * grid + xx) * hidden;
                        for (int j = 0; j < hidden; j++) {
                            nb[j] += h[o + j];
                        }
                        count++;
                    }
                }
                int o = (gy * grid + gx) * hidden;
                float wn = count == 0 ? 0 : a / count;
                for (int j = 0; j < hidden; j++) {
                    c[o + j] = h[o + j] + wn * nb[j] + all[j];
                }
            }
        }
        return c;
    }

    /** {@code out = GELU(W1 x + b1)}. */
    private void hiddenLayer(float[] x, float[] out) {
        for (int j = 0; j < out.length; j++) {
            float sum = b1[j];
            int o = j * in;
            for (int i = 0; i < in; i++) {
                sum += w1[o + i] * x[i];
            }
            out[j] = gelu(sum);
        }
    }

    /** {@code out[outOff..] = W2 v[off..off+hidden]}. */
    private void project(float[] v, int off, float[] out, int outOff) {
        int hidden = sizes.hidden();
        for (int k = 0; k < sizes.channels(); k++) {
            float sum = 0;
            int o = k * hidden;
            for (int j = 0; j < hidden; j++) {
                sum += w2[o + j] * v[off + j];
            }
            out[outOff + k] = sum;
        }
    }

    private static void layerNorm(float[] v, int off, int n) {
        float mean = 0;
        for (int i = off; i < off + n; i++) {
            mean += v[i];
        }
        mean /= n;
        float var = 0;
        for (int i = off; i < off + n; i++) {
            float d = v[i] - mean;
            var += d * d;
        }
        var /= n;
        float inv = (float) (1 / Math.sqrt(var + 1e-6));
        for (int i = off; i < off + n; i++) {
            v[i] = (v[i] - mean) * inv;
        }
    }

    /** GELU, tanh form: {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}. */
    static float gelu(float x) {
        double t = StrictMath.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x));
        return (float) (0.5 * x * (1 + t));
    }
}
