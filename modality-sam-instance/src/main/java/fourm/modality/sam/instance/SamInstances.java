package fourm.modality.sam.instance;

import java.util.List;
import java.util.Objects;

/**
 * The SAM instances of one crop as queried by points: the value of the {@code sam_instance} modality. The reference
 * samples 7 query points a crop (data pipeline); each lists the instances whose polygon contains it.
 *
 * @param points the query points, in order
 */
public record SamInstances(List<QueryPoint> points) {
    /** Copies the list (immutable). */
    public SamInstances {
        points = List.copyOf(Objects.requireNonNull(points, "points"));
    }
}
