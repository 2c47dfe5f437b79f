package fourm.tfjs.label;

import fourm.api.label.Detections;
import fourm.api.label.Detections.Detection;
import fourm.api.label.Rgb8Image;
import fourm.tfjs.HostTensor;
import fourm.tfjs.TfjsModel;
import fourm.tfjs.TfjsModelException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * {@code det:nanodet}: COCO object detection with NanoDet (GFL head), boxes normalised to the photo.
 *
 * <p>Input: the photo letterboxed into a {@code 416 x 416} square (top-left, black padding), BGR, each channel
 * normalised with NanoDet's ImageNet statistics ({@code (v - mean) / std}, mean 103.53/116.28/123.675, std
 * 57.375/57.12/58.395 for B/G/R), NCHW. Output per stride {@code s} (8, 16, 32; found from the output sizes): class
 * scores {@code [1, (416/s)^2, 80]} (already sigmoid) and box distributions {@code [1, (416/s)^2, 4 (reg_max + 1)]}.
 *
 * <p>Decoding (generalised focal loss): at grid cell {@code (row, col)} the anchor point is
 * {@code ((col + 0.5) s, (row + 0.5) s)}; each of the four distances (left, top, right, bottom) is the expectation of
 * a softmax over {@code reg_max + 1} bins, times {@code s}. Candidates are every (cell, class) with a score at or above
 * the threshold; per-class greedy non-maximum suppression at the IoU threshold keeps the best box of each cluster, and
 * at most {@code max-detections} boxes are returned, best first.
 */
final class NanoDetLabeler extends ModelLabeler {
    private static final float[] MEAN_BGR = {103.53f, 116.28f, 123.675f};
    private static final float[] STD_BGR = {57.375f, 57.12f, 58.395f};

    private final int side;
    private final float scoreThreshold;
    private final float iouThreshold;
    private final int maxDetections;
    private final String input;
    private final List<Level> levels;
    private final int regMax;

    /** The outputs of one stride. */
    private record Level(int stride, int grid, String scores, String boxes) {
    }

    /** A candidate box in square pixels. */
    private record Box(float x0, float y0, float x1, float y1, int cls, float score) {
        float area() {
            return Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
        }

        float iou(Box o) {
            float iw = Math.min(x1, o.x1) - Math.max(x0, o.x0);
            float ih = Math.min(y1, o.y1) - Math.max(y0, o.y0);
            if (iw <= 0 || ih <= 0) {
                return 0;
            }
            float inter = iw * ih;
            return inter / (area() + o.area() - inter);
        }
    }

    NanoDetLabeler(TfjsModel model, int side, float scoreThreshold, float iouThreshold, int maxDetections) {
        super("det:nanodet", "det", model);
        this.side = side;
        this.scoreThreshold = scoreThreshold;
        this.iouThreshold = iouThreshold;
        this.maxDetections = maxDetections;
        if (model.signatureInputs().size() != 1) {
            throw new TfjsModelException(model.file(), "NanoDet has one input; the signature lists "
                    + model.signatureInputs().keySet());
        }
        this.input = model.signatureInputs().keySet().iterator().next();
        // Pair the outputs by location count: [1, n, 80] scores with [1, n, 4 (reg_max + 1)] distributions.
        Map<String, HostTensor> probe = model.run(Map.of(input, HostTensor.of(new float[3 * side * side], 1, 3,
                side, side)), List.copyOf(model.signatureOutputs().keySet()));
        List<Level> found = new ArrayList<>();
        int reg = -1;
        for (Map.Entry<String, HostTensor> s : probe.entrySet()) {
            long[] shape = s.getValue().shape();
            if (shape.length != 3 || shape[2] != CocoNames.NAMES.size()) {
                continue;
            }
            for (Map.Entry<String, HostTensor> b : probe.entrySet()) {
                long[] bs = b.getValue().shape();
                if (bs.length == 3 && bs[1] == shape[1] && bs[2] != shape[2] && bs[2] % 4 == 0) {
                    int grid = (int) Math.round(Math.sqrt(shape[1]));
                    if ((long) grid * grid != shape[1] || side % grid != 0) {
                        throw new TfjsModelException(model.file(), s.getKey(), "has " + shape[1]
                                + " locations, which is not a square grid dividing the " + side + "-pixel input");
                    }
                    found.add(new Level(side / grid, grid, s.getKey(), b.getKey()));
                    reg = (int) bs[2] / 4 - 1;
                }
            }
        }
        if (found.isEmpty()) {
            throw new TfjsModelException(model.file(), "no output pair [1, n, 80] (class scores) and [1, n, 4k]"
                    + " (box distributions); is this a NanoDet COCO model? outputs: " + model.signatureOutputs());
        }
        found.sort(Comparator.comparingInt(Level::stride));
        this.levels = List.copyOf(found);
        this.regMax = reg;
    }

    /** The strides found in the model's outputs, smallest first. */
    List<Integer> strides() {
        return levels.stream().map(Level::stride).toList();
    }

    @Override
    Detections labelImage(Rgb8Image image) {
        Resampler.Placement placement = Resampler.placement(image.width(), image.height(), side);
        float[] hwc = Resampler.letterbox(image, side);
        int plane = side * side;
        float[] nchw = new float[3 * plane];
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) {
                // HWC holds RGB; channel c of the input is B, G, R.
                nchw[c * plane + i] = (hwc[3 * i + 2 - c] - MEAN_BGR[c]) / STD_BGR[c];
            }
        }
        List<String> fetches = new ArrayList<>();
        for (Level l : levels) {
            fetches.add(l.scores());
            fetches.add(l.boxes());
        }
        Map<String, HostTensor> out = model.run(Map.of(input, HostTensor.of(nchw, 1, 3, side, side)), fetches);
        List<Box> candidates = new ArrayList<>();
        int bins = regMax + 1;
        float[] dist = new float[4];
        for (Level l : levels) {
            HostTensor scores = out.get(l.scores());
            HostTensor boxes = out.get(l.boxes());
            int classes = CocoNames.NAMES.size();
            for (int cell = 0; cell < l.grid() * l.grid(); cell++) {
                boolean decoded = false;
                for (int c = 0; c < classes; c++) {
                    float score = scores.get(cell * classes + c);
                    if (!(score >= scoreThreshold)) {
                        continue;
                    }
                    if (!decoded) {
                        for (int k = 0; k < 4; k++) {
                            dist[k] = expectation(boxes, (cell * 4 + k) * bins, bins) * l.stride();
                        }
                        decoded = true;
                    }
                    float cx = (cell % l.grid() + 0.5f) * l.stride();
                    float cy = (cell / l.grid() + 0.5f) * l.stride();
                    candidates.add(new Box(cx - dist[0], cy - dist[1], cx + dist[2], cy + dist[3], c,
                            Math.min(1f, score)));
                }
            }
        }
        List<Box> kept = nms(candidates);
        List<Detection> detections = new ArrayList<>();
        for (Box b : kept) {
            float x0 = placement.toPhotoX(b.x0());
            float y0 = placement.toPhotoY(b.y0());
            float x1 = placement.toPhotoX(b.x1());
            float y1 = placement.toPhotoY(b.y1());
            if (x1 > x0 && y1 > y0) {
                detections.add(new Detection(x0, y0, x1, y1, CocoNames.NAMES.get(b.cls()), b.score()));
            }
        }
        return new Detections(detections);
    }

    /** The expected bin of a softmax over {@code bins} logits starting at {@code offset}. */
    private static float expectation(HostTensor logits, int offset, int bins) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < bins; i++) {
            max = Math.max(max, logits.get(offset + i));
        }
        double sum = 0;
        double weighted = 0;
        for (int i = 0; i < bins; i++) {
            double e = Math.exp(logits.get(offset + i) - max);
            sum += e;
            weighted += e * i;
        }
        return (float) (weighted / sum);
    }

    /** Per-class greedy non-maximum suppression, then the best {@code maxDetections} boxes overall. */
    private List<Box> nms(List<Box> candidates) {
        List<Box> sorted = new ArrayList<>(candidates);
        sorted.sort(Comparator.comparingDouble(Box::score).reversed());
        List<Box> kept = new ArrayList<>();
        for (Box b : sorted) {
            boolean suppressed = false;
            for (Box k : kept) {
                if (k.cls() == b.cls() && k.iou(b) > iouThreshold) {
                    suppressed = true;
                    break;
                }
            }
            if (!suppressed) {
                kept.add(b);
                if (kept.size() == maxDetections) {
                    break;
                }
            }
        }
        return kept;
    }
}
