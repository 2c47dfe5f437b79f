package fourm.tfjs.label;

import static org.assertj.core.api.Assertions.assertThat;

import fourm.api.label.Keypoints;
import fourm.api.label.PseudoLabeler;
import fourm.api.label.Rgb8Image;
import fourm.testing.NeedsModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * MoveNet on the astronaut photo, against points checked by hand on zoomed crops: the pupils, and the shoulder
 * joints estimated from the suit's outline (the suit hides them).
 */
@NeedsModel
class MoveNetLabelerTest {
    private static PseudoLabeler labeler;

    /** Opened on first use, so that each test is skipped with the reason when the model is absent. */
    private static PseudoLabeler labeler() {
        if (labeler == null) {
            labeler = Fixtures.open(new MoveNetProvider(), "movenet-lightning.json");
        }
        return labeler;
    }

    @AfterAll
    static void close() {
        if (labeler != null) {
            labeler.close();
        }
    }

    @Test
    void putsTheAstronautsEyesAndShouldersWithinFivePercentOfTheImageSize() {
        Rgb8Image photo = Fixtures.photo("astronaut.png");
        Keypoints k = (Keypoints) labeler().label(photo);
        assertThat(k.poses()).as(k.toJson()).hasSize(1);
        Keypoints.Pose pose = k.poses().get(0);
        // Hand-checked pixel positions in the 512 x 512 photo ("left" is the person's left, on the image's right).
        check(k, pose, photo, "left_eye", 246.5f, 102.5f);
        check(k, pose, photo, "right_eye", 204f, 101f);
        check(k, pose, photo, "left_shoulder", 322f, 276f);
        check(k, pose, photo, "right_shoulder", 100f, 262f);
    }

    private static void check(Keypoints k, Keypoints.Pose pose, Rgb8Image photo, String name, float x, float y) {
        Keypoints.Point p = pose.points().get(k.names().indexOf(name));
        double dx = p.x() * photo.width() - x;
        double dy = p.y() * photo.height() - y;
        double tolerance = 0.05 * Math.max(photo.width(), photo.height());
        assertThat(Math.hypot(dx, dy)).as("%s at (%.1f, %.1f) px, hand-checked (%.1f, %.1f)", name,
                p.x() * photo.width(), p.y() * photo.height(), x, y).isLessThanOrEqualTo(tolerance);
        assertThat(p.score()).as("%s score", name).isGreaterThan(0.3f);
    }

    @Test
    void findsNoPersonOnACupOfCoffee() {
        Keypoints k = (Keypoints) labeler().label(Fixtures.photo("coffee.png"));
        assertThat(k.poses()).as(k.toJson()).isEmpty();
        assertThat(k.names()).isEqualTo(CocoNames.KEYPOINTS);
    }
}
