package fourm.demo;

import fourm.modality.det.BoundingBox;
import fourm.modality.det.Detection;
import fourm.modality.det.Detections;
import fourm.synth.Classes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The trivial baseline of the evaluation table: predictions that ignore the input, learned from the training world
 * alone. The same for every held-out scene:
 *
 * <ul>
 *   <li>depth: the per-pixel mean depth of the training scenes (aligned by scale and shift like every prediction);</li>
 *   <li>normals: the per-pixel mean normal of the training scenes (sky pixels, which have none, excluded);</li>
 *   <li>semseg: the per-pixel majority class of the training scenes;</li>
 *   <li>boxes: one box per object class at the mean box of that class in the training scenes;</li>
 *   <li>caption: a training caption with the most frequent (object count, colours) of the training captions.</li>
 * </ul>
 */
public final class TrivialPredictor {
    private final float[] depth;
    private final float[] normals;
    private final int[] semseg;
    private final Detections boxes;
    private final String caption;

    private TrivialPredictor(float[] depth, float[] normals, int[] semseg, Detections boxes, String caption) {
        this.depth = depth;
        this.normals = normals;
        this.semseg = semseg;
        this.boxes = boxes;
        this.caption = caption;
    }

    /**
     * Learns the baseline from training scenes (all of one size).
     *
     * @throws IllegalArgumentException if there are no scenes or their sizes differ
     */
    public static TrivialPredictor fit(List<SceneData> train) {
        if (train.isEmpty()) {
            throw new IllegalArgumentException("the trivial predictor needs training scenes");
        }
        int size = train.get(0).size();
        int n = size * size;
        double[] depthSum = new double[n];
        double[] normalSum = new double[3 * n];
        long[][] classCounts = new long[n][Classes.count()];
        Map<String, double[]> boxSums = new HashMap<>();
        Map<String, Integer> boxCounts = new HashMap<>();
        Map<CaptionFacts, Integer> factCounts = new HashMap<>();
        Map<CaptionFacts, String> factExample = new HashMap<>();
        for (SceneData s : train) {
            if (s.size() != size) {
                throw new IllegalArgumentException("scene " + s.key() + " is " + s.size() + " px, the first is " + size);
            }
            float[] d = s.depth();
            float[] nr = s.normals();
            int[] c = s.semseg();
            for (int i = 0; i < n; i++) {
                depthSum[i] += d[i];
                for (int k = 0; k < 3; k++) {
                    normalSum[3 * i + k] += nr[3 * i + k];
                }
                classCounts[i][c[i]]++;
            }
            for (Detection det : s.det().instances()) {
                double[] b = boxSums.computeIfAbsent(det.className(), k -> new double[4]);
                b[0] += det.box().xmin();
                b[1] += det.box().ymin();
                b[2] += det.box().xmax();
                b[3] += det.box().ymax();
                boxCounts.merge(det.className(), 1, Integer::sum);
            }
            Optional<CaptionFacts> f = CaptionFacts.parse(s.caption());
            if (f.isPresent()) {
                factCounts.merge(f.get(), 1, Integer::sum);
                factExample.putIfAbsent(f.get(), s.caption());
            }
        }
        float[] depth = new float[n];
        float[] normals = new float[3 * n];
        int[] semseg = new int[n];
        for (int i = 0; i < n; i++) {
            depth[i] = (float) (depthSum[i] / train.size());
            double x = normalSum[3 * i];
            double y = normalSum[3 * i + 1];
            double z = normalSum[3 * i + 2];
            double len = Math.sqrt(x * x + y * y + z * z);
            if (len > 0) {
                normals[3 * i] = (float) (x / len);
                normals[3 * i + 1] = (float) (y / len);
                normals[3 * i + 2] = (float) (z / len);
            } else {
                normals[3 * i + 2] = 1;
            }
            int best = 0;
            for (int k = 1; k < Classes.count(); k++) {
                if (classCounts[i][k] > classCounts[i][best]) {
                    best = k;
                }
            }
            semseg[i] = best;
        }
        List<Detection> boxes = new ArrayList<>();
        for (Classes.SemanticClass c : Classes.all()) {
            Integer count = boxCounts.get(c.name());
            if (c.thing() && count != null) {
                double[] b = boxSums.get(c.name());
                boxes.add(Detection.unscored(new BoundingBox(b[0] / count, b[1] / count, b[2] / count,
                        b[3] / count), c.name()));
            }
        }
        String caption = factCounts.entrySet().stream()
                .max(Map.Entry.<CaptionFacts, Integer>comparingByValue()
                        .thenComparing(e -> factExample.get(e.getKey()), java.util.Comparator.reverseOrder()))
                .map(e -> factExample.get(e.getKey())).orElse(train.get(0).caption());
        return new TrivialPredictor(depth, normals, semseg, new Detections(boxes), caption);
    }

    /** The per-pixel mean depth, metres. */
    public float[] depth() {
        return depth.clone();
    }

    /** The per-pixel mean normal, 3 floats per pixel. */
    public float[] normals() {
        return normals.clone();
    }

    /** The per-pixel majority class. */
    public int[] semseg() {
        return semseg.clone();
    }

    /** The mean box of each object class. */
    public Detections boxes() {
        return boxes;
    }

    /** The caption with the most frequent count and colours. */
    public String caption() {
        return caption;
    }
}
