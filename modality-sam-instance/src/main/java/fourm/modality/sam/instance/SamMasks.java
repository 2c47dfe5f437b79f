package fourm.modality.sam.instance;

import java.util.List;
import java.util.Objects;

/**
 * The SAM instances of one crop with their binary masks: the value of {@code sam_instance} when a mask tokenizer is
 * configured ({@link MaskTokenizedInstances}).
 *
 * @param points the query points, in order
 */
public record SamMasks(List<MaskedQueryPoint> points) {
    /** Copies the list (immutable). */
    public SamMasks {
        points = List.copyOf(Objects.requireNonNull(points, "points"));
    }
}
