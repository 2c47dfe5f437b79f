package fourm.modality.sam.instance;

import java.util.List;
import java.util.Objects;

/**
 * A query point and the instances whose polygon contains it.
 *
 * @param y         row of the point in the 224x224 crop (written first, as the reference does)
 * @param x         column of the point
 * @param instances the instances containing it, in order; empty is written {@code none}
 */
public record QueryPoint(int y, int x, List<SamInstance> instances) {
    /** Copies the list and checks the coordinates. */
    public QueryPoint {
        SamInstance.coordinate("point y", y);
        SamInstance.coordinate("point x", x);
        instances = List.copyOf(Objects.requireNonNull(instances, "instances"));
    }
}
