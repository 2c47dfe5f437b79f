package fourm.modality.keypoints;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fourm.api.label.Keypoints;
import fourm.modality.text.Decoded;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KeypointsSerializerTest {
    private final KeypointsSerializer s = new KeypointsSerializer();

    private static Keypoints.Pose pose(float score, float... xyScore) {
        List<Keypoints.Point> pts = new ArrayList<>();
        for (int k = 0; k < 17; k++) {
            pts.add(3 * k + 2 < xyScore.length ? new Keypoints.Point(xyScore[3 * k], xyScore[3 * k + 1],
                    xyScore[3 * k + 2]) : new Keypoints.Point(0.9f, 0.9f, 0.05f));
        }
        return new Keypoints.Pose(score, pts);
    }

    @Test
    void writesVisibleKeypointsAsIndexXyTriplesAndSortsPeopleByTheirTopLeftCorner() {
        Keypoints k = new Keypoints(KeypointsSerializer.COCO_17, List.of(
                pose(0.8f, 0.6f, 0.5f, 0.9f, 0.7f, 0.45f, 0.2f),
                pose(0.7f, 0.1f, 0.2f, 0.95f, 0.3f, 0.3f, 0.3f, 0.2f, 0.25f, 0.299f)));
        assertThat(s.toText(k)).isEqualTo(
                "person v2=0 v0=100 v1=200 v2=1 v0=300 v1=300 "
                        + "person v2=0 v0=599 v1=500");
    }

    @Test
    void peopleWithoutVisibleKeypointsAndNoPeopleWriteNothing() {
        assertThat(s.toText(new Keypoints(KeypointsSerializer.COCO_17, List.of(pose(0.5f))))).isEmpty();
        assertThat(s.toText(new Keypoints(KeypointsSerializer.COCO_17, List.of()))).isEmpty();
    }

    @Test
    void refusesOtherSkeletons() {
        assertThatThrownBy(() -> s.toText(new Keypoints(List.of("head"), List.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("COCO-17");
    }

    @Test
    void readingKeepsTheWellFormedPartAndCountsTheRest() {
        Decoded<Keypoints> d = s.fromText("v0=3 person v2=5 v0=10 v1=20 v2=5 v0=1 v1=1 v2=6 v1=4 person "
                + "person v2=16 v0=999 v1=0 [S_1]");
        assertThat(d.skipped()).as("v0=3, duplicate v2=5 triple (3 words), v2=6 v1=4 (2), empty person, [S_1]")
                .isEqualTo(1 + 3 + 2 + 1 + 1);
        assertThat(d.value().poses()).hasSize(2);
        Keypoints.Point shoulder = d.value().poses().get(0).points().get(5);
        assertThat(shoulder).isEqualTo(new Keypoints.Point(10 / 999f, 20 / 999f, 1f));
        assertThat(d.value().poses().get(0).points().get(0)).isEqualTo(new Keypoints.Point(0f, 0f, 0f));
        assertThat(d.value().poses().get(1).points().get(16)).isEqualTo(new Keypoints.Point(1f, 0f, 1f));
        assertThat(s.fromText("").value().poses()).isEmpty();
    }

    @Test
    void roundTripsValuesOnTheGrid() {
        SplittableRandom r = new SplittableRandom(3);
        for (int n = 0; n < 20; n++) {
            Keypoints k = KeypointsProviderTest.random(r, 1 + n % 4);
            Decoded<Keypoints> d = s.fromText(s.toText(k));
            assertThat(d.clean()).isTrue();
            assertThat(d.value()).isEqualTo(k);
        }
    }
}
