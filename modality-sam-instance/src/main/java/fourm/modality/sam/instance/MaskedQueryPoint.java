package fourm.modality.sam.instance;

import java.util.List;
import java.util.Objects;

/**
 * A query point and the instances (with their masks) whose polygon contains it.
 *
 * @param y         row in pixels of the 224 x 224 crop, in [0, 999]
 * @param x         column
 * @param instances the instances containing the point; empty for none
 */
public record MaskedQueryPoint(int y, int x, List<MaskedInstance> instances) {
    /** Copies the list and checks the coordinates. */
    public MaskedQueryPoint {
        SamInstance.coordinate("point y", y);
        SamInstance.coordinate("point x", x);
        instances = List.copyOf(Objects.requireNonNull(instances, "instances"));
    }
}
