package fourm.demo;

import fourm.modality.det.BoundingBox;
import fourm.modality.det.Detection;
import fourm.modality.det.Detections;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Detection accuracy: mean average precision at IoU 0.5 (mAP@0.5), per class, averaged over the evaluated classes
 * that have at least one true box.
 *
 * <p>Per class, the predictions of all images are ranked by score (a detection without a score counts as 1). Going down
 * the ranking, a prediction is a true positive when it overlaps a not yet matched true box of its image and class with
 * IoU {@code >= 0.5} (the best-overlapping one is taken), otherwise a false positive. Predictions with equal scores
 * form one threshold: precision and recall are read only after the whole group, so the result does not depend on the
 * order of ties across images. AP is the area under the interpolated precision-recall curve (PASCAL VOC's all-points
 * interpolation: precision at recall r is the best precision at any recall {@code >= r}). A ranking of equal scores
 * therefore gives {@code AP = precision * recall}.
 *
 * <p>Predicted class names outside the evaluated classes are ignored. Not thread-safe.
 */
public final class BoxMetric {
    /** The IoU a prediction needs to match a true box. */
    public static final double IOU_THRESHOLD = 0.5;

    private final List<String> classes;
    private final Map<String, List<Scored>> predictions = new LinkedHashMap<>();
    private final Map<String, Integer> truthCounts = new LinkedHashMap<>();
    private final List<Map<String, List<BoundingBox>>> truths = new ArrayList<>();

    private record Scored(int image, int order, double score, BoundingBox box) {
    }

    /** @param classes the class names evaluated, for example {@code person, sphere, cube} */
    public BoxMetric(List<String> classes) {
        if (classes.isEmpty() || Set.copyOf(classes).size() != classes.size()) {
            throw new IllegalArgumentException("boxes: need distinct class names, got " + classes);
        }
        this.classes = List.copyOf(classes);
        for (String c : classes) {
            predictions.put(c, new ArrayList<>());
            truthCounts.put(c, 0);
        }
    }

    /** Adds one image's predicted and true detections. */
    public void add(Detections predicted, Detections truth) {
        int image = truths.size();
        Map<String, List<BoundingBox>> byClass = new TreeMap<>();
        for (Detection d : truth.instances()) {
            if (truthCounts.containsKey(d.className())) {
                byClass.computeIfAbsent(d.className(), c -> new ArrayList<>()).add(d.box());
                truthCounts.merge(d.className(), 1, Integer::sum);
            }
        }
        truths.add(byClass);
        int order = 0;
        for (Detection d : predicted.instances()) {
            List<Scored> list = predictions.get(d.className());
            if (list != null) {
                list.add(new Scored(image, order, d.score().orElse(1.0), d.box()));
            }
            order++;
        }
    }

    /** The intersection over union of two boxes (0 when both are empty). */
    static double iou(BoundingBox a, BoundingBox b) {
        double iw = Math.min(a.xmax(), b.xmax()) - Math.max(a.xmin(), b.xmin());
        double ih = Math.min(a.ymax(), b.ymax()) - Math.max(a.ymin(), b.ymin());
        double inter = iw > 0 && ih > 0 ? iw * ih : 0;
        double union = area(a) + area(b) - inter;
        return union > 0 ? inter / union : 0;
    }

    private static double area(BoundingBox b) {
        return (b.xmax() - b.xmin()) * (b.ymax() - b.ymin());
    }

    /** The AP of one class; NaN when the class has no true box. */
    public double averagePrecision(String className) {
        Integer nTruth = truthCounts.get(className);
        if (nTruth == null) {
            throw new IllegalArgumentException("boxes: '" + className + "' is not an evaluated class " + classes);
        }
        if (nTruth == 0) {
            return Double.NaN;
        }
        List<Scored> ranked = new ArrayList<>(predictions.get(className));
        ranked.sort(Comparator.comparingDouble((Scored s) -> -s.score()).thenComparingInt(Scored::image)
                .thenComparingInt(Scored::order));
        List<boolean[]> used = new ArrayList<>();
        for (Map<String, List<BoundingBox>> t : truths) {
            used.add(new boolean[t.getOrDefault(className, List.of()).size()]);
        }
        List<double[]> curve = new ArrayList<>(); // (recall, precision) after each tie group
        long tp = 0;
        long seen = 0;
        for (int i = 0; i < ranked.size(); i++) {
            Scored s = ranked.get(i);
            List<BoundingBox> gts = truths.get(s.image()).getOrDefault(className, List.of());
            boolean[] u = used.get(s.image());
            int best = -1;
            double bestIou = IOU_THRESHOLD;
            for (int j = 0; j < gts.size(); j++) {
                if (!u[j]) {
                    double v = iou(s.box(), gts.get(j));
                    if (v >= bestIou) {
                        bestIou = v;
                        best = j;
                    }
                }
            }
            if (best >= 0) {
                u[best] = true;
                tp++;
            }
            seen++;
            boolean groupEnds = i + 1 == ranked.size() || ranked.get(i + 1).score() != s.score();
            if (groupEnds) {
                curve.add(new double[] {(double) tp / nTruth, (double) tp / seen});
            }
        }
        return interpolatedArea(curve);
    }

    /** VOC all-points AP of (recall, precision) points in ranking order. */
    static double interpolatedArea(List<double[]> curve) {
        int n = curve.size();
        double[] rec = new double[n + 2];
        double[] pre = new double[n + 2];
        for (int i = 0; i < n; i++) {
            rec[i + 1] = curve.get(i)[0];
            pre[i + 1] = curve.get(i)[1];
        }
        rec[n + 1] = 1;
        pre[n + 1] = 0;
        for (int i = n; i >= 0; i--) {
            pre[i] = Math.max(pre[i], pre[i + 1]);
        }
        double ap = 0;
        for (int i = 0; i <= n; i++) {
            ap += (rec[i + 1] - rec[i]) * pre[i + 1];
        }
        return ap;
    }

    /** AP per evaluated class (NaN for a class without true boxes), in class order. */
    public Map<String, Double> perClass() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String c : classes) {
            out.put(c, averagePrecision(c));
        }
        return out;
    }

    /** The mean AP over the classes with true boxes (NaN when none has any). */
    public double meanAveragePrecision() {
        double sum = 0;
        int n = 0;
        for (double v : perClass().values()) {
            if (!Double.isNaN(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** Images added. */
    public int images() {
        return truths.size();
    }
}
