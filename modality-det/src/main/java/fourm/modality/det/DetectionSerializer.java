package fourm.modality.det;

import fourm.modality.text.Decoded;
import fourm.modality.text.TextSerializer;
import fourm.modality.text.TokenLayout;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code det} as text (spec §6.3, the reference's {@code DetectionTransform(det_threshold=0.6,
 * bbox_order='dist_to_orig', coord_bins=1000)}).
 *
 * <p>Writing: detections scoring below the threshold are dropped (those without a score are kept), the rest are sorted
 * by {@code xmin^2 + ymin^2} (stable), and each is written {@code v0=X0 v1=Y0 v2=X1 v3=Y1 <class name>} with
 * {@code Xi = round(x * 999)} (round half to even, as Python's {@code round}); detections are joined by spaces, and no
 * detection is the empty text.
 *
 * <p>Reading is tolerant: a detection is four coordinate words {@code v0= v1= v2= v3=} in that order with
 * {@code X0 <= X1} and {@code Y0 <= Y1}, followed by one or more name words (words that are neither coordinates nor
 * bracketed tokens such as {@code [S_1]}). Coordinates decode to {@code bin / 999}, scores to
 * none. Every word outside a valid detection is skipped and counted.
 */
public final class DetectionSerializer implements TextSerializer<Detections> {
    /** The reference's score threshold. */
    public static final double DEFAULT_THRESHOLD = 0.6;
    private static final int LAST_BIN = TokenLayout.COORDINATE_BINS - 1;
    private final double threshold;

    /** @param threshold detections scoring below it are not written; in [0, 1] */
    public DetectionSerializer(double threshold) {
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("det: threshold must be in [0, 1], got " + threshold);
        }
        this.threshold = threshold;
    }

    /** The serializer with the reference's threshold, 0.6. */
    public static DetectionSerializer reference() {
        return new DetectionSerializer(DEFAULT_THRESHOLD);
    }

    @Override
    public Class<Detections> valueType() {
        return Detections.class;
    }

    /** The coordinate bin of a normalised coordinate: {@code round(x * 999)}, half to even. */
    public static int bin(double x) {
        return (int) Math.rint(x * LAST_BIN);
    }

    @Override
    public String toText(Detections value) {
        if (value == null) {
            throw new IllegalArgumentException("det: expected detections, got null");
        }
        List<Detection> kept = new ArrayList<>();
        for (Detection d : value.instances()) {
            if (d.score().isEmpty() || d.score().getAsDouble() >= threshold) {
                kept.add(d);
            }
        }
        kept.sort(Comparator.comparingDouble(d -> d.box().xmin() * d.box().xmin() + d.box().ymin() * d.box().ymin()));
        StringBuilder out = new StringBuilder();
        for (Detection d : kept) {
            BoundingBox b = d.box();
            if (out.length() > 0) {
                out.append(' ');
            }
            out.append(TokenLayout.coordinate(0, bin(b.xmin()))).append(' ')
                    .append(TokenLayout.coordinate(1, bin(b.ymin()))).append(' ')
                    .append(TokenLayout.coordinate(2, bin(b.xmax()))).append(' ')
                    .append(TokenLayout.coordinate(3, bin(b.ymax()))).append(' ')
                    .append(d.className());
        }
        return out.toString();
    }

    @Override
    public Decoded<Detections> fromText(String text) {
        List<String> words = TextSerializer.words(text);
        List<Detection> found = new ArrayList<>();
        int skipped = 0;
        int i = 0;
        while (i < words.size()) {
            int end = parse(words, i, found);
            if (end < 0) {
                skipped++;
                i++;
            } else {
                i = end;
            }
        }
        return new Decoded<>(new Detections(found), skipped);
    }

    /** Parses one detection at {@code i}; returns the index after it, or -1. */
    private static int parse(List<String> words, int i, List<Detection> out) {
        if (i + 4 >= words.size()) {
            return -1;
        }
        int[] c = new int[4];
        for (int axis = 0; axis < 4; axis++) {
            c[axis] = TokenLayout.parseCoordinate(words.get(i + axis), axis);
            if (c[axis] < 0) {
                return -1;
            }
        }
        if (c[0] > c[2] || c[1] > c[3]) {
            return -1;
        }
        int j = i + 4;
        StringBuilder name = new StringBuilder();
        while (j < words.size() && isNameWord(words.get(j))) {
            name.append(name.length() > 0 ? " " : "").append(words.get(j));
            j++;
        }
        if (name.length() == 0) {
            return -1;
        }
        BoundingBox box = new BoundingBox(c[0] / (double) LAST_BIN, c[1] / (double) LAST_BIN,
                c[2] / (double) LAST_BIN, c[3] / (double) LAST_BIN);
        out.add(Detection.unscored(box, name.toString()));
        return j;
    }

    private static boolean isNameWord(String w) {
        return TokenLayout.parseCoordinate(w).isEmpty() && !(w.startsWith("[") && w.endsWith("]"));
    }
}
