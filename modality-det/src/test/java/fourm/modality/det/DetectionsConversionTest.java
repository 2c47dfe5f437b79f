package fourm.modality.det;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DetectionsConversionTest {
    @Test
    void aLabelersDetectionsBecomeTheModalitysValueAndBack() {
        fourm.api.label.Detections labels = new fourm.api.label.Detections(List.of(
                new fourm.api.label.Detections.Detection(0.1f, 0.2f, 0.5f, 0.75f, "traffic light", 0.9f),
                new fourm.api.label.Detections.Detection(0f, 0f, 1f, 1f, "person", 0.25f)));
        Detections d = Detections.fromLabels(labels);
        assertThat(d.instances()).hasSize(2);
        Detection first = d.instances().get(0);
        assertThat(first.className()).isEqualTo("traffic light");
        assertThat(first.box().xmin()).isEqualTo(0.1f);
        assertThat(first.box().ymax()).isEqualTo(0.75f);
        assertThat(first.score().getAsDouble()).isEqualTo(0.9f);
        assertThat(d.toLabels(0f)).isEqualTo(labels);
    }

    @Test
    void aDecodedDetectionGetsTheGivenScore() {
        Detections d = new Detections(List.of(Detection.unscored(new BoundingBox(0.25, 0.25, 0.5, 0.5), "dog")));
        fourm.api.label.Detections labels = d.toLabels(1f);
        assertThat(labels.instances().get(0).score()).isEqualTo(1f);
        assertThat(labels.instances().get(0).className()).isEqualTo("dog");
        assertThatThrownBy(() -> d.toLabels(2f)).isInstanceOf(IllegalArgumentException.class);
    }
}
