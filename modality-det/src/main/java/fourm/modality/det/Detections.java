package fourm.modality.det;

import fourm.api.label.LabelResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The detections of one image: the value of the {@code det} modality, as serialised to and decoded from tokens (a
 * decoded detection has no score). A pseudo-labeler's output, fourm-api's {@link fourm.api.label.Detections}, becomes
 * one with {@link #fromLabels} and back with {@link #toLabels}; the two types differ only in that the labelers' score
 * is required.
 *
 * <p>As a {@link LabelResult} it gives the label file's JSON (spec §9), which lets modules that do not depend on this
 * plugin (the command line's views) read the boxes.
 *
 * @param instances the detections, in any order (serialisation sorts them)
 */
public record Detections(List<Detection> instances) implements LabelResult {
    /** Copies the list (immutable). */
    public Detections {
        instances = List.copyOf(Objects.requireNonNull(instances, "instances"));
    }

    /** No detection. */
    public static Detections none() {
        return new Detections(List.of());
    }

    /**
     * The detections a pseudo-labeler found, with their scores, in the labeler's order.
     *
     * @param labels the labeler's detections
     * @return the modality's value
     */
    public static Detections fromLabels(fourm.api.label.Detections labels) {
        List<Detection> out = new ArrayList<>(labels.instances().size());
        for (fourm.api.label.Detections.Detection d : labels.instances()) {
            out.add(Detection.scored(new BoundingBox(d.xmin(), d.ymin(), d.xmax(), d.ymax()), d.className().strip(),
                    d.score()));
        }
        return new Detections(out);
    }

    /**
     * These detections as the labelers' value type (for drawing or writing them as label JSON).
     *
     * @param missingScore the score given to a detection that has none (one decoded from tokens), in [0, 1]
     * @return the labelers' detections, in this order
     */
    public fourm.api.label.Detections toLabels(float missingScore) {
        List<fourm.api.label.Detections.Detection> out = new ArrayList<>(instances.size());
        for (Detection d : instances) {
            BoundingBox b = d.box();
            out.add(new fourm.api.label.Detections.Detection((float) b.xmin(), (float) b.ymin(), (float) b.xmax(),
                    (float) b.ymax(), d.className(), d.score().isPresent() ? (float) d.score().getAsDouble()
                    : missingScore));
        }
        return new fourm.api.label.Detections(out);
    }

    /**
     * {@code {"instances":[{"boxes":[xmin,ymin,xmax,ymax],"class_name":..,"score":..}, ...]}} (spec §9), in this
     * value's order; {@code score} only for a detection that has one.
     */
    @Override
    public String toJson() {
        StringBuilder out = new StringBuilder("{\"instances\":[");
        for (int i = 0; i < instances.size(); i++) {
            Detection d = instances.get(i);
            BoundingBox b = d.box();
            out.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT,
                    "{\"boxes\":[%s,%s,%s,%s],\"class_name\":\"", b.xmin(), b.ymin(), b.xmax(), b.ymax()));
            for (char c : d.className().toCharArray()) {
                if (c == '"' || c == '\\') {
                    out.append('\\').append(c);
                } else if (c < 0x20) {
                    out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
            out.append('"');
            if (d.score().isPresent()) {
                out.append(",\"score\":").append(d.score().getAsDouble());
            }
            out.append('}');
        }
        return out.append("]}").toString();
    }
}
