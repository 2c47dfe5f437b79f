package fourm.api.label;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import fourm.api.label.Detections.Detection;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabelValuesTest {

    @Test
    void imageIsValidatedAndImmutable() {
        byte[] px = {1, 2, 3, 4, 5, (byte) 200};
        Rgb8Image image = new Rgb8Image(2, 1, px);
        px[0] = 99;
        assertThat(image.red(0, 0)).as("constructor copies").isEqualTo(1);
        image.rgb()[1] = 99;
        assertThat(image.green(0, 0)).as("accessor copies").isEqualTo(2);
        assertThat(image.blue(1, 0)).isEqualTo(200);
        assertThat(image).isEqualTo(new Rgb8Image(2, 1, new byte[] {1, 2, 3, 4, 5, (byte) 200}));
        assertThatThrownBy(() -> new Rgb8Image(2, 2, new byte[6])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs 12 bytes").hasMessageContaining("got 6");
        assertThatThrownBy(() -> new Rgb8Image(0, 2, new byte[0])).hasMessageContaining("positive");
        assertThatThrownBy(() -> image.red(2, 0)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("(2, 0)");
    }

    @Test
    void detectionsWriteTheReferenceJsonLayout() {
        Detections d = new Detections(List.of(new Detection(0.1f, 0.25f, 0.5f, 1f, "traffic light", 0.875f)));
        assertThat(d.toJson()).isEqualTo(
                "{\"instances\":[{\"boxes\":[0.1,0.25,0.5,1],\"class_name\":\"traffic light\",\"score\":0.875}]}");
        assertThat(new Detections(List.of()).toJson()).isEqualTo("{\"instances\":[]}");
    }

    @Test
    void detectionRefusesBoxesOutsideThePhotoOrInverted() {
        assertThatThrownBy(() -> new Detection(0.1f, 0f, 1.2f, 1f, "cat", 0.5f)).hasMessageContaining("xmax")
                .hasMessageContaining("[0, 1]");
        assertThatThrownBy(() -> new Detection(0.6f, 0f, 0.5f, 1f, "cat", 0.5f)).hasMessageContaining("xmin <= xmax");
        assertThatThrownBy(() -> new Detection(0f, 0f, 1f, 1f, " ", 0.5f)).hasMessageContaining("className");
        assertThatThrownBy(() -> new Detection(0f, 0f, 1f, 1f, "cat", Float.NaN)).hasMessageContaining("score");
    }

    @Test
    void iouOfOverlappingAndDisjointBoxes() {
        Detection a = new Detection(0f, 0f, 0.5f, 0.5f, "a", 1f);
        Detection b = new Detection(0.25f, 0f, 0.75f, 0.5f, "b", 1f);
        assertThat(a.iou(b)).isCloseTo(1f / 3f, within(1e-6f));
        assertThat(a.iou(new Detection(0.6f, 0.6f, 1f, 1f, "c", 1f))).isZero();
        assertThat(a.iou(a)).isEqualTo(1f);
    }

    @Test
    void keypointsNeedOnePointPerNameAndWriteTriples() {
        List<String> names = List.of("nose", "left_eye");
        Keypoints k = new Keypoints(names, List.of(new Keypoints.Pose(0.5f,
                List.of(new Keypoints.Point(0.5f, 0.25f, 0.9f), new Keypoints.Point(0f, 0f, 0f)))));
        assertThat(k.toJson()).isEqualTo("{\"keypoint_names\":[\"nose\",\"left_eye\"],\"instances\":"
                + "[{\"score\":0.5,\"keypoints\":[[0.5,0.25,0.9],[0,0,0]]}]}");
        assertThatThrownBy(() -> new Keypoints(names, List.of(new Keypoints.Pose(0.5f,
                List.of(new Keypoints.Point(0.5f, 0.25f, 0.9f))))))
                .hasMessageContaining("pose 0 has 1 points").hasMessageContaining("(2)");
        assertThatThrownBy(() -> new Keypoints(List.of("a", "a"), List.of())).hasMessageContaining("unique");
    }

    @Test
    void denseMapChecksShapeAndValues() {
        DenseMap m = new DenseMap("mask", 1, 2, 1, new float[] {0f, 0.5f});
        assertThat(m.at(0, 1, 0)).isEqualTo(0.5f);
        assertThat(m.toJson()).isEqualTo("{\"name\":\"mask\",\"shape\":[1,2,1],\"values\":[0,0.5]}");
        assertThat(m).isEqualTo(new DenseMap("mask", 1, 2, 1, new float[] {0f, 0.5f}));
        assertThatThrownBy(() -> new DenseMap("mask", 2, 2, 1, new float[3])).hasMessageContaining("needs 4 values");
        assertThatThrownBy(() -> new DenseMap("mask", 1, 1, 1, new float[] {Float.POSITIVE_INFINITY}))
                .hasMessageContaining("value 0 of map 'mask'");
    }

    @Test
    void noProviderIsInstalledInTheApiAlone() {
        assertThat(PseudoLabelerProvider.installed()).isEmpty();
        assertThat(LabelImages.installed()).isEmpty();
    }
}
