package fourm.modality.det;

import java.util.List;
import java.util.Objects;

/**
 * The detections of one image: the value of the {@code det} modality.
 *
 * @param instances the detections, in any order (serialisation sorts them)
 */
public record Detections(List<Detection> instances) {
    /** Copies the list (immutable). */
    public Detections {
        instances = List.copyOf(Objects.requireNonNull(instances, "instances"));
    }

    /** No detection. */
    public static Detections none() {
        return new Detections(List.of());
    }
}
