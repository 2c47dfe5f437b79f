package fourm.modality.det;

import fourm.api.label.LabelResult;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The detections of one image: the value of the {@code det} modality.
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
