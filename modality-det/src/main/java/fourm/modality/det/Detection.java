package fourm.modality.det;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One detected object.
 *
 * @param box       its box, normalised
 * @param className its class, for example {@code traffic light} (the 80 COCO names are single tokens of the
 *                  vocabulary; other names are spelt with word pieces)
 * @param score     the detector's confidence in [0, 1]; empty for a detection read back from tokens (the text does
 *                  not carry scores; only detections at or above the threshold were written)
 */
public record Detection(BoundingBox box, String className, OptionalDouble score) {

    /** Checks the fields; the message names the one that is wrong. */
    public Detection {
        Objects.requireNonNull(box, "box");
        Objects.requireNonNull(score, "score");
        if (className == null || className.isBlank() || !className.equals(className.strip())) {
            throw new IllegalArgumentException("detection: class name must be non-blank text without surrounding"
                    + " spaces, got '" + className + "'");
        }
        if (score.isPresent() && !(score.getAsDouble() >= 0 && score.getAsDouble() <= 1)) {
            throw new IllegalArgumentException("detection: score must be in [0, 1], got " + score.getAsDouble());
        }
    }

    /** A detection with the detector's score. */
    public static Detection scored(BoundingBox box, String className, double score) {
        return new Detection(box, className, OptionalDouble.of(score));
    }

    /** A detection without a score (as decoded from tokens). */
    public static Detection unscored(BoundingBox box, String className) {
        return new Detection(box, className, OptionalDouble.empty());
    }
}
