package fourm.modality.pose;

import java.util.List;
import java.util.Objects;

/**
 * The people of one image with their SMPL body poses: the value of {@code human_poses} when a pose tokenizer is
 * configured ({@link PoseTokenizedHumans}).
 *
 * @param humans the people, in order; empty when there are none
 */
public record SmplHumans(List<SmplHuman> humans) {
    /** Copies the list (immutable). */
    public SmplHumans {
        humans = List.copyOf(Objects.requireNonNull(humans, "humans"));
    }
}
