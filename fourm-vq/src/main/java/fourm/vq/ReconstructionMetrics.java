package fourm.vq;

import fourm.vq.VqConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reconstruction metrics of a tokenizer over an evaluation set, each with the score of a trivial baseline that
 * ignores the input, so a number can be judged at a glance:
 *
 * <table>
 *   <caption>Metrics of the kit's values (model space = the normalised values the network sees)</caption>
 *   <tr><th>values</th><th>metrics</th><th>baseline</th></tr>
 *   <tr><td>all</td><td>{@code mse} (model space; not for global embeddings, whose cosine loss leaves the scale
 *       free), {@code codebook_usage} (fraction of codes used), {@code perplexity} (exp of the entropy of code
 *       frequencies)</td>
 *       <td>{@code baseline_mse}: predicting each channel's mean, i.e. the variance of the data</td></tr>
 *   <tr><td>rgb</td><td>{@code psnr} in dB on [0, 1] pixels</td><td>{@code baseline_psnr}</td></tr>
 *   <tr><td>depth</td><td>{@code l1} on standardised depth</td><td>{@code baseline_l1}: the mean depth</td></tr>
 *   <tr><td>normal</td><td>{@code mean_angular_error} in degrees over pixels with a normal (the sky, encoded as
 *       (0.5, 0.5, 0.5), has none)</td><td>{@code baseline_mean_angular_error}: the mean normal</td></tr>
 *   <tr><td>semseg</td><td>{@code miou} over labels present in the target or the prediction,
 *       {@code pixel_accuracy}</td><td>{@code baseline_pixel_accuracy}: the majority label</td></tr>
 *   <tr><td>edge</td><td>{@code l1} on [0, 1]</td><td>{@code baseline_l1}</td></tr>
 *   <tr><td>feature-map, global-embedding</td><td>{@code cosine_similarity} per position, over channels</td>
 *       <td>{@code baseline_cosine_similarity}: the mean vector</td></tr>
 * </table>
 *
 * <p>Which metrics a tokenizer reports is its {@link fourm.vq.ImageValues#metrics}'s choice, from the helpers here
 * ({@link Stats}, {@link #putMse}, {@link #putPsnr}, {@link #putL1}, {@link #putNormals}, {@link #putCosine},
 * {@link #putClassIds}); codebook usage and perplexity are added for every tokenizer.
 *
 * <p>Add batches with {@link #add}, then read {@link #result()}. The evaluation set is held in memory.
 */
public final class ReconstructionMetrics {
    private final VqConfig config;
    private final List<float[]> targets = new ArrayList<>();
    private final List<float[]> outputs = new ArrayList<>();
    private final long[] codeCounts;
    private int planeSize = -1;

    /** An empty accumulator for a tokenizer. */
    public ReconstructionMetrics(VqConfig config) {
        this.config = config;
        this.codeCounts = new long[config.vocabSize()];
    }

    /**
     * Adds one image.
     *
     * @param target the model input [C, H, W] (semseg: the shifted labels [H, W])
     * @param output the decoder output [C', H, W]
     * @param ids    its token ids
     */
    public void add(float[] target, float[] output, long[] ids) {
        int plane = config.values().classLabels() ? target.length : target.length / config.channels();
        if (planeSize >= 0 && plane != planeSize) {
            throw new IllegalArgumentException("all evaluation images must share a size");
        }
        planeSize = plane;
        targets.add(target.clone());
        outputs.add(output.clone());
        for (long id : ids) {
            codeCounts[(int) id]++;
        }
    }

    /** Number of images added. */
    public int count() {
        return targets.size();
    }

    /** The metrics, by name (see the class comment), in a stable order. */
    public Map<String, Double> result() {
        Map<String, Double> out = new LinkedHashMap<>();
        if (targets.isEmpty()) {
            return out;
        }
        config.values().metrics(new Stats(config, targets, outputs, planeSize), out);
        long total = 0;
        int used = 0;
        for (long c : codeCounts) {
            total += c;
            used += c > 0 ? 1 : 0;
        }
        double entropy = 0;
        for (long c : codeCounts) {
            if (c > 0) {
                double p = (double) c / total;
                entropy -= p * Math.log(p);
            }
        }
        out.put("codebook_usage", (double) used / codeCounts.length);
        out.put("perplexity", Math.exp(entropy));
        return out;
    }

    /**
     * The evaluation set of a tokenizer in model space, and the sums the continuous metrics share (computed on first
     * use): per-channel means, squared and absolute errors of the reconstruction and of the mean baseline.
     */
    public static final class Stats {
        private final VqConfig config;
        private final List<float[]> targets;
        private final List<float[]> outputs;
        private final int plane;
        private double[] mean;
        private double se;
        private double seBase;
        private double ae;
        private double aeBase;

        Stats(VqConfig config, List<float[]> targets, List<float[]> outputs, int plane) {
            this.config = config;
            this.targets = targets;
            this.outputs = outputs;
            this.plane = plane;
        }

        /** The tokenizer. */
        public VqConfig config() {
            return config;
        }

        /** The model inputs, [C, H, W] each ([H, W] shifted labels for class ids). */
        public List<float[]> targets() {
            return targets;
        }

        /** The decoder outputs, [C', H, W] each. */
        public List<float[]> outputs() {
            return outputs;
        }

        /** H * W. */
        public int plane() {
            return plane;
        }

        /** Target values summed over images, channels and positions ({@code images * plane * channels}). */
        public double count() {
            return (double) targets.size() * plane * config.channels();
        }

        /** The mean of each target channel. */
        public double[] mean() {
            sums();
            return mean.clone();
        }

        /** Sum of squared errors of the reconstruction. */
        public double squaredError() {
            sums();
            return se;
        }

        /** Sum of squared errors of the per-channel mean. */
        public double baselineSquaredError() {
            sums();
            return seBase;
        }

        /** Sum of absolute errors of the reconstruction. */
        public double absoluteError() {
            sums();
            return ae;
        }

        /** Sum of absolute errors of the per-channel mean. */
        public double baselineAbsoluteError() {
            sums();
            return aeBase;
        }

        private void sums() {
            if (mean != null) {
                return;
            }
            int c = config.channels();
            double[] m = new double[c];
            long n = (long) targets.size() * plane;
            for (float[] t : targets) {
                for (int ch = 0; ch < c; ch++) {
                    for (int i = 0; i < plane; i++) {
                        m[ch] += t[ch * plane + i];
                    }
                }
            }
            for (int ch = 0; ch < c; ch++) {
                m[ch] /= n;
            }
            for (int k = 0; k < targets.size(); k++) {
                float[] t = targets.get(k);
                float[] o = outputs.get(k);
                for (int ch = 0; ch < c; ch++) {
                    for (int i = 0; i < plane; i++) {
                        double tv = t[ch * plane + i];
                        double d = o[ch * plane + i] - tv;
                        double db = m[ch] - tv;
                        se += d * d;
                        seBase += db * db;
                        ae += Math.abs(d);
                        aeBase += Math.abs(db);
                    }
                }
            }
            mean = m;
        }
    }

    /** {@code mse} and {@code baseline_mse} in model space. */
    public static void putMse(Stats s, Map<String, Double> out) {
        out.put("mse", s.squaredError() / s.count());
        out.put("baseline_mse", s.baselineSquaredError() / s.count());
    }

    /**
     * {@code psnr} and {@code baseline_psnr} in dB on [0, 1] pixels, for values whose model space is {@code 2x - 1}.
     */
    public static void putPsnr(Stats s, Map<String, Double> out) {
        // [0, 1] pixels are half the [-1, 1] model values: squared errors are a quarter.
        double natural = 0;
        for (int k = 0; k < s.targets.size(); k++) {
            float[] t = s.targets.get(k);
            float[] o = s.outputs.get(k);
            for (int i = 0; i < t.length; i++) {
                double ov = Math.min(1, Math.max(0, (o[i] + 1) * 0.5));
                double d = ov - (t[i] + 1) * 0.5;
                natural += d * d;
            }
        }
        out.put("psnr", psnr(natural / s.count()));
        out.put("baseline_psnr", psnr(s.baselineSquaredError() / s.count() / 4));
    }

    /** {@code l1} and {@code baseline_l1}, the model-space mean absolute errors times {@code scale}. */
    public static void putL1(Stats s, double scale, Map<String, Double> out) {
        out.put("l1", s.absoluteError() / s.count() * scale);
        out.put("baseline_l1", s.baselineAbsoluteError() / s.count() * scale);
    }

    private static double psnr(double mse) {
        return 10 * Math.log10(1 / Math.max(mse, 1e-12));
    }

    /**
     * {@code mean_angular_error} and {@code baseline_mean_angular_error} in degrees over the positions with a normal
     * (a target of length below 0.5, such as the sky's (0, 0, 0), has none); three channels.
     */
    public static void putNormals(Stats s, Map<String, Double> out) {
        double[] mean = s.mean();
        int plane = s.plane;
        double sum = 0;
        double sumBase = 0;
        long pixels = 0;
        for (int k = 0; k < s.targets.size(); k++) {
            float[] t = s.targets.get(k);
            float[] o = s.outputs.get(k);
            for (int i = 0; i < plane; i++) {
                double tx = t[i];
                double ty = t[plane + i];
                double tz = t[2 * plane + i];
                double tn = Math.sqrt(tx * tx + ty * ty + tz * tz);
                if (tn < 0.5) {
                    continue;
                }
                sum += angle(o[i], o[plane + i], o[2 * plane + i], tx, ty, tz);
                sumBase += angle(mean[0], mean[1], mean[2], tx, ty, tz);
                pixels++;
            }
        }
        out.put("mean_angular_error", pixels == 0 ? Double.NaN : sum / pixels);
        out.put("baseline_mean_angular_error", pixels == 0 ? Double.NaN : sumBase / pixels);
    }

    private static double angle(double ax, double ay, double az, double bx, double by, double bz) {
        double na = Math.sqrt(ax * ax + ay * ay + az * az);
        double nb = Math.sqrt(bx * bx + by * by + bz * bz);
        if (na < 1e-12 || nb < 1e-12) {
            return 90;
        }
        double cos = (ax * bx + ay * by + az * bz) / (na * nb);
        return Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, cos))));
    }

    /** {@code cosine_similarity} per position over channels, and {@code baseline_cosine_similarity} of the mean. */
    public static void putCosine(Stats s, Map<String, Double> out) {
        double[] mean = s.mean();
        int plane = s.plane;
        int c = s.config.channels();
        double sum = 0;
        double sumBase = 0;
        long positions = 0;
        for (int k = 0; k < s.targets.size(); k++) {
            float[] t = s.targets.get(k);
            float[] o = s.outputs.get(k);
            for (int i = 0; i < plane; i++) {
                double dot = 0;
                double dotB = 0;
                double nt = 0;
                double no = 0;
                double nb = 0;
                for (int ch = 0; ch < c; ch++) {
                    double tv = t[ch * plane + i];
                    double ov = o[ch * plane + i];
                    dot += tv * ov;
                    dotB += tv * mean[ch];
                    nt += tv * tv;
                    no += ov * ov;
                    nb += mean[ch] * mean[ch];
                }
                sum += dot / Math.max(Math.sqrt(nt) * Math.sqrt(no), 1e-8);
                sumBase += dotB / Math.max(Math.sqrt(nt) * Math.sqrt(nb), 1e-8);
                positions++;
            }
        }
        out.put("cosine_similarity", sum / positions);
        out.put("baseline_cosine_similarity", sumBase / positions);
    }

    /**
     * {@code mask_iou} (intersection over union of the foreground over the whole set, a pixel being foreground where
     * its logit is above 0) with {@code baseline_mask_iou} (every pixel foreground), {@code pixel_accuracy} and
     * {@code baseline_pixel_accuracy} (the majority value), for 0/1 mask targets [1, H, W] and logits [1, H, W].
     */
    public static void putMasks(Stats s, Map<String, Double> out) {
        long inter = 0;
        long union = 0;
        long truth = 0;
        long correct = 0;
        long pixels = 0;
        for (int k = 0; k < s.targets.size(); k++) {
            float[] t = s.targets.get(k);
            float[] o = s.outputs.get(k);
            for (int i = 0; i < t.length; i++) {
                boolean want = t[i] > 0.5f;
                boolean got = o[i] > 0f;
                inter += want && got ? 1 : 0;
                union += want || got ? 1 : 0;
                truth += want ? 1 : 0;
                correct += want == got ? 1 : 0;
                pixels++;
            }
        }
        out.put("mask_iou", union == 0 ? Double.NaN : (double) inter / union);
        out.put("baseline_mask_iou", pixels == 0 ? Double.NaN : (double) truth / pixels);
        out.put("pixel_accuracy", (double) correct / pixels);
        out.put("baseline_pixel_accuracy", (double) Math.max(truth, pixels - truth) / pixels);
    }

    /**
     * {@code miou} over labels present in the target or the prediction, {@code pixel_accuracy} and
     * {@code baseline_pixel_accuracy} (the majority label), for label targets [H, W] and label logits [C', H, W].
     */
    public static void putClassIds(Stats s, Map<String, Double> out) {
        int plane = s.plane;
        int labels = s.config.outputChannels();
        long[] inter = new long[labels];
        long[] predCount = new long[labels];
        long[] targetCount = new long[labels];
        long correct = 0;
        long pixels = 0;
        for (int k = 0; k < s.targets.size(); k++) {
            float[] t = s.targets.get(k);
            float[] o = s.outputs.get(k);
            for (int i = 0; i < plane; i++) {
                int best = 0;
                float bestV = o[i];
                for (int l = 1; l < labels; l++) {
                    if (o[l * plane + i] > bestV) {
                        bestV = o[l * plane + i];
                        best = l;
                    }
                }
                int truth = (int) t[i];
                predCount[best]++;
                targetCount[truth]++;
                if (best == truth) {
                    inter[best]++;
                    correct++;
                }
                pixels++;
            }
        }
        double iouSum = 0;
        int present = 0;
        long majority = 0;
        for (int l = 0; l < labels; l++) {
            long union = predCount[l] + targetCount[l] - inter[l];
            if (union > 0) {
                iouSum += (double) inter[l] / union;
                present++;
            }
            majority = Math.max(majority, targetCount[l]);
        }
        out.put("miou", present == 0 ? Double.NaN : iouSum / present);
        out.put("pixel_accuracy", (double) correct / pixels);
        out.put("baseline_pixel_accuracy", (double) majority / pixels);
    }
}
