package fourm.vq.values;

import fourm.api.label.DepthStandardization;
import fourm.core.io.Npy;
import fourm.vq.ImageValues;
import fourm.vq.LossKind;
import fourm.vq.Raster;
import fourm.vq.VqConfig;
import fourm.vq.io.ImageFiles;
import fourm.vq.ReconstructionMetrics;
import fourm.vq.ReconstructionMetrics.Stats;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The ready-made {@link ImageValues} (spec-4m.md §6.1), as the reference tokenizes them:
 *
 * <table>
 *   <caption>The kit</caption>
 *   <tr><th>name</th><th>natural units (in and out)</th><th>encoder input</th><th>loss</th><th>metrics</th></tr>
 *   <tr><td>{@link #rgb()}</td><td>3 channels in [0, 1]</td><td>{@code 2x - 1}, in [-1, 1]</td><td>MSE</td>
 *       <td>mse, psnr</td></tr>
 *   <tr><td>{@link #normal()}</td><td>3 channels in [0, 1], {@code n * 0.5 + 0.5} as in a normal-map PNG</td>
 *       <td>{@code 2x - 1}: the unit normal</td><td>MSE</td><td>mse, mean angular error</td></tr>
 *   <tr><td>{@link #edge()}</td><td>1 channel in [0, 1] (1 on edges)</td><td>{@code 2x - 1}</td><td>smooth L1</td>
 *       <td>mse, l1 on [0, 1]</td></tr>
 *   <tr><td>{@link #depth()}</td><td>1 channel, any positive unit (metres, millimetres)</td><td>the reference's
 *       truncated standardisation ({@link DepthStandardization}): the sorted values {@code [int(0.1 N), int(0.9 N))}
 *       give the mean and the unbiased variance, then {@code (d - mean) / sqrt(var + 1e-6)}. Decoding returns
 *       standardised depth: the scale is not recoverable</td>
 *       <td>smooth L1</td><td>mse, l1 on standardised depth</td></tr>
 *   <tr><td>{@link #semseg()}</td><td>1 channel of class ids {@code 0 .. classes-1}, or the ignore id for "no
 *       class"</td><td>ids shifted by +1 (0 = no class), embedded by {@code cls_emb}</td><td>cross-entropy</td>
 *       <td>miou, pixel accuracy</td></tr>
 *   <tr><td>{@link #featureMap()}</td><td>C channels of features on the token grid (no patches: 1x1)</td>
 *       <td>as is</td><td>smooth L1</td><td>mse, cosine similarity</td></tr>
 *   <tr><td>{@link #globalEmbedding()}</td><td>C channels, 1 x 1</td><td>as is</td><td>cosine</td>
 *       <td>cosine similarity</td></tr>
 *   <tr><td>{@link #binaryMask()}</td><td>1 channel of 0/1</td><td>as is</td><td>the reference's binary
 *       cross-entropy</td><td>mask IoU, pixel accuracy</td></tr>
 * </table>
 *
 * <p>A checkpoint records its values by {@link ImageValues#name()}; {@link #byName(String)} gives them back.
 */
public final class ImageValueKit {
    private static final ImageValues RGB = new Rgb();
    private static final ImageValues NORMAL = new Normal();
    private static final ImageValues EDGE = new Edge();
    private static final ImageValues DEPTH = new Depth();
    private static final ImageValues SEMSEG = new ClassIds();
    private static final ImageValues FEATURE_MAP = new FeatureMap();
    private static final ImageValues GLOBAL_EMBEDDING = new GlobalEmbedding();
    private static final ImageValues BINARY_MASK = new BinaryMaskValues();
    private static final List<ImageValues> ALL = List.of(RGB, DEPTH, NORMAL, SEMSEG, EDGE, FEATURE_MAP,
            GLOBAL_EMBEDDING, BINARY_MASK);

    private ImageValueKit() {
    }

    /** Colour images: 3 channels in [0, 1], {@code 2x - 1} for the network, MSE, PSNR. */
    public static ImageValues rgb() {
        return RGB;
    }

    /** Surface normals as {@code n * 0.5 + 0.5}: {@code 2x - 1} for the network, MSE, mean angular error. */
    public static ImageValues normal() {
        return NORMAL;
    }

    /** Edge maps: 1 channel in [0, 1], {@code 2x - 1} for the network, smooth L1. */
    public static ImageValues edge() {
        return EDGE;
    }

    /** Depth maps in any unit: truncated standardisation, smooth L1. */
    public static ImageValues depth() {
        return DEPTH;
    }

    /** Class-id maps: ids shifted by +1 (0 = no class) into a class embedding, cross-entropy, mIoU. */
    public static ImageValues semseg() {
        return SEMSEG;
    }

    /** Dense feature maps of a teacher, one token per cell, smooth L1, cosine similarity. */
    public static ImageValues featureMap() {
        return FEATURE_MAP;
    }

    /** One embedding per image, Memcodes heads, cosine loss. */
    public static ImageValues globalEmbedding() {
        return GLOBAL_EMBEDDING;
    }

    /** Every value kind of the kit. */
    public static List<ImageValues> all() {
        return ALL;
    }

    /**
     * The values of a name: the kit's ({@code rgb}, {@code depth}, {@code normal}, {@code semseg}, {@code edge},
     * {@code feature-map}, {@code global-embedding}), or a plugin's own, which it declares as a service
     * ({@code provides fourm.vq.ImageValues with ...} in its {@code module-info.java}, and in
     * {@code META-INF/services/fourm.vq.ImageValues}) so that its checkpoints load.
     *
     * @throws IllegalArgumentException listing the names
     */
    public static ImageValues byName(String name) {
        List<String> names = new ArrayList<>();
        for (ImageValues v : ALL) {
            if (v.name().equals(name)) {
                return v;
            }
            names.add(v.name());
        }
        for (ImageValues v : ServiceLoader.load(ImageValues.class, ImageValueKit.class.getClassLoader())) {
            if (v.name().equals(name)) {
                return v;
            }
            names.add(v.name());
        }
        throw new IllegalArgumentException("unknown image values '" + name + "'; expected one of "
                + String.join(", ", names));
    }

    private static final class Rgb extends UnitRangeValues.ThreeChannel {
        Rgb() {
            super("rgb", LossKind.MSE, " (R, G, B)");
        }

        @Override
        public void metrics(Stats s, Map<String, Double> out) {
            ReconstructionMetrics.putMse(s, out);
            ReconstructionMetrics.putPsnr(s, out);
        }
    }

    private static final class Normal extends UnitRangeValues.ThreeChannel {
        Normal() {
            super("normal", LossKind.MSE, " (x, y, z encoded as n * 0.5 + 0.5)");
        }

        @Override
        public float mirrored(int channel, float v) {
            return channel == 0 ? 1f - v : v;
        }

        @Override
        public void metrics(Stats s, Map<String, Double> out) {
            ReconstructionMetrics.putMse(s, out);
            ReconstructionMetrics.putNormals(s, out);
        }
    }

    /**
     * Binary masks (the SAM-instance tokenizer's instance masks): one channel of 0/1 values that the network sees as
     * they are, the reference's binary cross-entropy on the sigmoid of the decoded logits, and back to 0/1 where the
     * logit is above 0; IoU and pixel accuracy; 8-bit gray PNGs (0 and 255).
     */
    public static ImageValues binaryMask() {
        return BINARY_MASK;
    }

    private static final class BinaryMaskValues implements ImageValues {
        @Override
        public String name() {
            return "binary-mask";
        }

        @Override
        public LossKind defaultLoss() {
            return LossKind.BINARY_CROSS_ENTROPY;
        }

        @Override
        public void check(VqConfig c) {
            KitChecks.channels(c, 1);
        }

        @Override
        public String channelHint() {
            return " (a single-channel 0/1 mask)";
        }

        @Override
        public String problem(VqConfig c, float v) {
            return v == 0f || v == 1f ? null : "is not 0 or 1; a binary mask holds 0 (outside) and 1 (inside)";
        }

        @Override
        public float[] toModel(VqConfig c, Raster r) {
            return r.data();
        }

        @Override
        public Raster fromModel(VqConfig c, float[] out, int height, int width) {
            float[] v = new float[out.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = out[i] > 0f ? 1f : 0f;
            }
            return new Raster(1, height, width, v);
        }

        @Override
        public boolean nearestResample() {
            return true;
        }

        @Override
        public void metrics(Stats s, Map<String, Double> out) {
            ReconstructionMetrics.putMasks(s, out);
        }

        @Override
        public Raster read(Path file, VqConfig c) throws IOException {
            Raster r = ImageFiles.readGrayPng(file, name(), 1f / 255f, false, true, "");
            float[] d = r.data();
            for (int i = 0; i < d.length; i++) {
                d[i] = d[i] >= 0.5f ? 1f : 0f;
            }
            return new Raster(1, r.height(), r.width(), d);
        }

        @Override
        public void write(Path file, Raster r, VqConfig c) throws IOException {
            ImageFiles.writeGrayPng(file, r, 0f, 1f, 255f, false);
        }
    }

    private static final class Edge extends UnitRangeValues {
        Edge() {
            super("edge", 1, LossKind.SMOOTH_L1, " (a single-channel map)");
        }

        @Override
        public void metrics(Stats s, Map<String, Double> out) {
            ReconstructionMetrics.putMse(s, out);
            // [0, 1] values are half the [-1, 1] model values.
            ReconstructionMetrics.putL1(s, 0.5, out);
        }

        @Override
        public Raster read(Path file, VqConfig c) throws IOException {
            return ImageFiles.readGrayPng(file, name(), 1f / 255f, false, true, "");
        }

        @Override
        public void write(Path file, Raster r, VqConfig c) throws IOException {
            float[] d = r.data();
            for (int i = 0; i < d.length; i++) {
                d[i] = ImageFiles.clamp01(d[i]);
            }
            Raster clipped = new Raster(r.channels(), r.height(), r.width(), d);
            ImageFiles.writeGrayPng(file, clipped, 0f, 1f, 255f, false);
        }
    }

    private static final class Depth implements ImageValues {
        @Override
        public String name() {
            return "depth";
        }

        @Override
        public LossKind defaultLoss() {
            return LossKind.SMOOTH_L1;
        }

        @Override
        public void check(VqConfig c) {
            KitChecks.channels(c, 1);
        }

        @Override
        public String channelHint() {
            return " (a single-channel map)";
        }

        @Override
        public float[] toModel(VqConfig c, Raster r) {
            return DepthStandardization.standardize(r.data());
        }

        @Override
        public Raster fromModel(VqConfig c, float[] out, int height, int width) {
            return new Raster(c.channels(), height, width, out);
        }

        @Override
        public void metrics(Stats s, Map<String, Double> out) {
            ReconstructionMetrics.putMse(s, out);
            ReconstructionMetrics.putL1(s, 1, out);
        }

        @Override
        public Raster read(Path file, VqConfig c) throws IOException {
            if (!file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".npy")) {
                return ImageFiles.readGrayPng(file, name(), 1f, false, false, "");
            }
            Npy.FloatArray a = ImageFiles.readNpy(file, "depth map");
            int[] s = a.shape();
            if (s.length == 2 || (s.length == 3 && s[0] == 1)) {
                return new Raster(1, s[s.length - 2], s[s.length - 1], a.data());
            }
            throw new IOException(file + ": shape " + a.shapeString() + ", but a depth map is (H, W) or (1, H, W)");
        }

        /** A 16-bit gray PNG scaled from the map's range to 0..65535. */
        @Override
        public void write(Path file, Raster r, VqConfig c) throws IOException {
            float lo = Float.POSITIVE_INFINITY;
            float hi = Float.NEGATIVE_INFINITY;
            for (float v : r.data()) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            float span = hi > lo ? hi - lo : 1f;
            ImageFiles.writeGrayPng(file, r, lo, span, 65535f, true);
        }
    }

    private static final class ClassIds implements ImageValues {
        @Override
        public String name() {
            return "semseg";
        }

        @Override
        public LossKind defaultLoss() {
            return LossKind.CROSS_ENTROPY;
        }

        @Override
        public boolean classLabels() {
            return true;
        }

        @Override
        public int defaultIgnoreId() {
            return 255;
        }

        @Override
        public void check(VqConfig c) {
            if (c.numClasses() < 1 || c.numClasses() > 32766) {
                throw new IllegalArgumentException(c.name() + ": semseg needs num-classes in [1, 32766], got "
                        + c.numClasses());
            }
            if (c.ignoreId() >= 0 && c.ignoreId() < c.numClasses()) {
                throw new IllegalArgumentException(c.name() + ": ignore-id " + c.ignoreId() + " is a class id"
                        + " (classes are 0.." + (c.numClasses() - 1) + ")");
            }
        }

        @Override
        public String channelHint() {
            return " (a map of class ids)";
        }

        @Override
        public String problem(VqConfig c, float v) {
            boolean ok = v == Math.rint(v) && ((v >= 0 && v < c.numClasses()) || v == c.ignoreId());
            return ok ? null : "is not a class id; expected integers 0.." + (c.numClasses() - 1) + " or the ignore id "
                    + c.ignoreId();
        }

        @Override
        public float[] toModel(VqConfig c, Raster r) {
            float[] d = r.data();
            for (int i = 0; i < d.length; i++) {
                d[i] = d[i] == c.ignoreId() ? 0f : d[i] + 1f;
            }
            return d;
        }

        /** The arg-max label of each position; label 0 becomes the ignore id. */
        @Override
        public Raster fromModel(VqConfig c, float[] out, int height, int width) {
            int plane = height * width;
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

        @Override
        public boolean nearestResample() {
            return true;
        }

        @Override
        public void metrics(Stats s, Map<String, Double> out) {
            ReconstructionMetrics.putClassIds(s, out);
        }

        @Override
        public Raster read(Path file, VqConfig c) throws IOException {
            return ImageFiles.readGrayPng(file, name(), 1f, true, c != null && c.numClasses() <= 255,
                    " (class ids up to 255)");
        }

        /** The ids as an 8-bit gray PNG (16-bit above 255 classes or ignore ids). */
        @Override
        public void write(Path file, Raster r, VqConfig c) throws IOException {
            boolean wide = c.numClasses() > 255 || c.ignoreId() > 255;
            float[] d = r.data();
            for (int i = 0; i < d.length; i++) {
                d[i] = (int) d[i];
            }
            ImageFiles.writeGrayPng(file, new Raster(r.channels(), r.height(), r.width(), d), 0f, 1f, 1f, wide);
        }
    }

    /** Values the network sees as they are, read from and written to {@code .npy}. */
    private abstract static class Embedding implements ImageValues {
        @Override
        public boolean patches() {
            return false;
        }

        @Override
        public void check(VqConfig c) {
        }

        @Override
        public float[] toModel(VqConfig c, Raster r) {
            return r.data();
        }

        @Override
        public Raster fromModel(VqConfig c, float[] out, int height, int width) {
            return new Raster(c.channels(), height, width, out);
        }

        @Override
        public String extension() {
            return "npy";
        }
    }

    private static final class FeatureMap extends Embedding {
        @Override
        public String name() {
            return "feature-map";
        }

        @Override
        public LossKind defaultLoss() {
            return LossKind.SMOOTH_L1;
        }

        @Override
        public void metrics(Stats s, Map<String, Double> out) {
            ReconstructionMetrics.putMse(s, out);
            ReconstructionMetrics.putCosine(s, out);
        }

        @Override
        public Raster read(Path file, VqConfig c) throws IOException {
            Npy.FloatArray a = ImageFiles.readNpy(file, name() + " (C, H, W)");
            int[] s = a.shape();
            if (s.length != 3 || (c != null && s[0] != c.channels())) {
                String channels = c == null ? "C" : Integer.toString(c.channels());
                throw new IOException(file + ": shape " + a.shapeString() + ", but " + (c == null ? "a"
                        : "the " + c.name()) + " tokenizer reads feature maps (" + channels + ", H, W)");
            }
            return new Raster(s[0], s[1], s[2], a.data());
        }

        @Override
        public void write(Path file, Raster r, VqConfig c) throws IOException {
            ImageFiles.writeNpy(file, new int[] {r.channels(), r.height(), r.width()}, r);
        }
    }

    private static final class GlobalEmbedding extends Embedding {
        @Override
        public String name() {
            return "global-embedding";
        }

        @Override
        public LossKind defaultLoss() {
            return LossKind.COSINE;
        }

        @Override
        public boolean global() {
            return true;
        }

        @Override
        public void metrics(Stats s, Map<String, Double> out) {
            ReconstructionMetrics.putCosine(s, out);
        }

        @Override
        public Raster read(Path file, VqConfig c) throws IOException {
            Npy.FloatArray a = ImageFiles.readNpy(file, name() + " (C,)");
            int[] s = a.shape();
            int ch = c == null ? s[0] : c.channels();
            boolean ok = (s.length == 1 && s[0] == ch)
                    || (s.length == 2 && s[0] == 1 && (c == null || s[1] == ch))
                    || (s.length == 3 && s[0] == ch && s[1] == 1 && s[2] == 1);
            if (!ok) {
                String n = c == null ? "C" : Integer.toString(ch);
                throw new IOException(file + ": shape " + a.shapeString() + ", but " + (c == null ? "a"
                        : "the " + c.name()) + " tokenizer reads global embeddings (" + n + ",), (1, " + n
                        + ") or (" + n + ", 1, 1)");
            }
            return Raster.vector(a.data());
        }

        @Override
        public void write(Path file, Raster r, VqConfig c) throws IOException {
            ImageFiles.writeNpy(file, new int[] {r.channels()}, r);
        }
    }
}
