package fourm.tfjs.label;

import static org.assertj.core.api.Assertions.assertThat;

import fourm.api.label.Detections.Detection;
import fourm.api.label.Detections;
import fourm.api.label.PseudoLabeler;
import fourm.api.label.Rgb8Image;
import fourm.testing.NeedsModel;
import java.util.Comparator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * NanoDet on real photos, against boxes checked by hand on the photos (pixel grids drawn over zoomed crops): the
 * astronaut (512 x 512; the person from the top of her hair to the bottom edge, from her left arm to her right
 * shoulder, without the helmet she holds) and the motorcycle (741 x 500; from the tail light to the front tyre, from
 * the handlebar to the bottom of the front tyre).
 */
@NeedsModel
class NanoDetLabelerTest {
    /** Hand-checked person box in astronaut.png, pixels. */
    static final float[] ASTRONAUT_PERSON = {22, 16, 365, 512};
    /** Hand-checked motorcycle box in motorcycle_left.png, pixels. */
    static final float[] MOTORCYCLE = {93, 78, 685, 452};

    private static PseudoLabeler labeler;

    /** Opened on first use, so that each test is skipped with the reason when the model is absent. */
    private static PseudoLabeler labeler() {
        if (labeler == null) {
            labeler = Fixtures.open(new NanoDetProvider(), "nanodet.json");
        }
        return labeler;
    }

    @AfterAll
    static void close() {
        if (labeler != null) {
            labeler.close();
        }
    }

    private static Detection box(float[] px, Rgb8Image image, String name) {
        return new Detection(px[0] / image.width(), px[1] / image.height(), px[2] / image.width(),
                px[3] / image.height(), name, 1f);
    }

    private static Detection best(Detections d, String name) {
        return d.instances().stream().filter(x -> x.className().equals(name))
                .max(Comparator.comparingDouble(Detection::score))
                .orElseThrow(() -> new AssertionError("no " + name + " in " + d.toJson()));
    }

    @Test
    void findsTheAstronaut() {
        Rgb8Image photo = Fixtures.photo("astronaut.png");
        Detections d = (Detections) labeler().label(photo);
        Detection person = best(d, "person");
        assertThat(person.iou(box(ASTRONAUT_PERSON, photo, "person"))).as("IoU with the hand-checked box, %s",
                d.toJson()).isGreaterThanOrEqualTo(0.7f);
        assertThat(person.score()).isGreaterThan(0.5f);
    }

    @Test
    void findsTheMotorcycle() {
        Rgb8Image photo = Fixtures.photo("motorcycle_left.png");
        Detections d = (Detections) labeler().label(photo);
        Detection moto = best(d, "motorcycle");
        assertThat(moto.iou(box(MOTORCYCLE, photo, "motorcycle"))).as("IoU with the hand-checked box, %s",
                d.toJson()).isGreaterThanOrEqualTo(0.7f);
        assertThat(d.instances()).as("no person on the motorcycle photo").noneMatch(x -> x.className()
                .equals("person"));
    }

    @Test
    void findsNoPersonOnACupOfCoffeeAndKeepsBoxesInsideThePhoto() {
        Detections d = (Detections) labeler().label(Fixtures.photo("coffee.png"));
        assertThat(d.instances()).noneMatch(x -> x.className().equals("person"));
        assertThat(d.instances()).allSatisfy(x -> {
            assertThat(x.score()).isGreaterThanOrEqualTo(0.35f);
            assertThat(CocoNames.NAMES).contains(x.className());
        });
    }

    @Test
    void readsTheStridesAndTheNameFromTheModel() {
        assertThat(((NanoDetLabeler) labeler()).strides()).containsExactly(8, 16, 32);
        assertThat(labeler().name()).isEqualTo("det:nanodet");
        assertThat(labeler().modalityKey()).isEqualTo("det");
    }
}
