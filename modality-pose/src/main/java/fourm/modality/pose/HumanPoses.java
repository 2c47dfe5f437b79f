package fourm.modality.pose;

import java.util.List;
import java.util.Objects;

/**
 * The people of one image: the value of the {@code human_poses} modality.
 *
 * @param humans the people, in order; empty when there are none (written {@code none})
 */
public record HumanPoses(List<Human> humans) {
    /** Copies the list (immutable). */
    public HumanPoses {
        humans = List.copyOf(Objects.requireNonNull(humans, "humans"));
    }
}
