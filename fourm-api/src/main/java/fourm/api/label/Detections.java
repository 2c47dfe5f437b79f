package fourm.api.label;

import java.util.List;
import java.util.Objects;

/**
 * Object detections: the structured value of the {@code det} modality (spec §6.3, §9).
 *
 * @param instances the detections, in the labeler's order (highest score first for the built-in labelers)
 */
public record Detections(List<Detection> instances) implements LabelResult {

    /** Copies the list; it must not be null or hold null. */
    public Detections {
        instances = List.copyOf(instances);
    }

    /**
     * One detected object: a box normalised to the photo, a class name and a confidence.
     *
     * @param xmin      left edge, in [0, 1]
     * @param ymin      top edge, in [0, 1]
     * @param xmax      right edge, in [xmin, 1]
     * @param ymax      bottom edge, in [ymin, 1]
     * @param className the class name (for COCO labelers one of the 80 COCO names, e.g. {@code person})
     * @param score     confidence in [0, 1]
     */
    public record Detection(float xmin, float ymin, float xmax, float ymax, String className, float score) {

        /** Checks that the box is normalised and ordered, the name non-blank and the score in [0, 1]. */
        public Detection {
            Json.unit("xmin", xmin);
            Json.unit("ymin", ymin);
            Json.unit("xmax", xmax);
            Json.unit("ymax", ymax);
            if (xmax < xmin || ymax < ymin) {
                throw new IllegalArgumentException("box [" + xmin + ", " + ymin + ", " + xmax + ", " + ymax
                        + "] must have xmin <= xmax and ymin <= ymax");
            }
            Objects.requireNonNull(className, "className");
            if (className.isBlank()) {
                throw new IllegalArgumentException("className must not be blank");
            }
            Json.unit("score", score);
        }

        /** The box's area, as a fraction of the photo. */
        public float area() {
            return (xmax - xmin) * (ymax - ymin);
        }

        /** Intersection over union with another box, 0 when either box is empty. */
        public float iou(Detection other) {
            float iw = Math.min(xmax, other.xmax) - Math.max(xmin, other.xmin);
            float ih = Math.min(ymax, other.ymax) - Math.max(ymin, other.ymin);
            if (iw <= 0 || ih <= 0) {
                return 0f;
            }
            float inter = iw * ih;
            return inter / (area() + other.area() - inter);
        }
    }

    /** {@code {"instances":[{"boxes":[xmin,ymin,xmax,ymax],"class_name":..,"score":..}, ...]}} (spec §9). */
    @Override
    public String toJson() {
        StringBuilder out = new StringBuilder("{\"instances\":[");
        for (int i = 0; i < instances.size(); i++) {
            Detection d = instances.get(i);
            out.append(i == 0 ? "" : ",").append("{\"boxes\":[");
            Json.number(out, d.xmin);
            out.append(',');
            Json.number(out, d.ymin);
            out.append(',');
            Json.number(out, d.xmax);
            out.append(',');
            Json.number(out, d.ymax);
            out.append("],\"class_name\":");
            Json.string(out, d.className);
            out.append(",\"score\":");
            Json.number(out, d.score);
            out.append('}');
        }
        return out.append("]}").toString();
    }
}
