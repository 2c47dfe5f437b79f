package fourm.modality.det;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DetectionsJsonTest {

    @Test
    void toJsonIsTheLabelFileFormatWithAScoreOnlyWhereThereIsOne() {
        Detections d = new Detections(List.of(
                Detection.scored(new BoundingBox(0.1, 0.2, 0.5, 0.75), "person", 0.5),
                Detection.unscored(new BoundingBox(0, 0, 1, 1), "a \"quoted\\\" name")));
        assertThat(d.toJson()).isEqualTo("{\"instances\":["
                + "{\"boxes\":[0.1,0.2,0.5,0.75],\"class_name\":\"person\",\"score\":0.5},"
                + "{\"boxes\":[0.0,0.0,1.0,1.0],\"class_name\":\"a \\\"quoted\\\\\\\" name\"}]}");
        assertThat(Detections.none().toJson()).isEqualTo("{\"instances\":[]}");
    }
}
