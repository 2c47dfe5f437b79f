package fourm.tfjs.label;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import fourm.api.label.DenseMap;
import fourm.api.label.PseudoLabeler;
import fourm.api.label.Rgb8Image;
import org.junit.jupiter.api.Test;

class DenseLabelerTest {

    /** The mean of a one-channel map over a pixel box of the photo. */
    private static double mean(DenseMap m, Rgb8Image photo, int x0, int y0, int x1, int y1) {
        int r0 = y0 * m.height() / photo.height();
        int r1 = Math.max(r0 + 1, y1 * m.height() / photo.height());
        int c0 = x0 * m.width() / photo.width();
        int c1 = Math.max(c0 + 1, x1 * m.width() / photo.width());
        double s = 0;
        for (int r = r0; r < r1; r++) {
            for (int c = c0; c < c1; c++) {
                s += m.at(r, c, 0);
            }
        }
        return s / ((r1 - r0) * (c1 - c0));
    }

    /** The fraction of cells whose probability exceeds 0.5. */
    private static double area(DenseMap m) {
        int n = 0;
        for (float v : m.values()) {
            n += v > 0.5f ? 1 : 0;
        }
        return (double) n / (m.height() * m.width());
    }

    @Test
    void selfieMaskCoversTheAstronautAndNotTheBackground() {
        try (PseudoLabeler selfie = Fixtures.open(new SelfieProvider(), "selfie.json")) {
            Rgb8Image photo = Fixtures.photo("astronaut.png");
            DenseMap mask = (DenseMap) selfie.label(photo);
            assertThat(mask.channels()).isEqualTo(1);
            assertThat(mask.height()).isEqualTo(256);
            assertThat(selfie.modalityKey()).isEqualTo("person-mask");
            // Face and suit (hand-picked boxes inside the person) against the grey wall above her right shoulder.
            assertThat(mean(mask, photo, 190, 80, 260, 150)).as("face").isGreaterThan(0.9);
            assertThat(mean(mask, photo, 60, 300, 200, 450)).as("suit").isGreaterThan(0.9);
            assertThat(mean(mask, photo, 310, 20, 370, 70)).as("wall").isLessThan(0.1);
            assertThat(area(mask)).as("masked fraction of the astronaut photo").isGreaterThan(0.5);
            // No person in the garage: at most a few stray pixels (a red object at the top-right edge). A close-up
            // object filling the frame, like the cup of coffee, is masked: the model segments the foreground of
            // selfies, see the README.
            DenseMap garage = (DenseMap) selfie.label(Fixtures.photo("motorcycle_left.png"));
            assertThat(area(garage)).as("masked fraction of the motorcycle photo").isLessThan(0.05);
        }
    }

    @Test
    void backboneFeatureMapsAreFetchedByNodeName() {
        Fixtures.model("movenet-lightning.json");
        MoveNetBackboneProvider provider = new MoveNetBackboneProvider();
        var node = ConfigFactory.defaultReference().getConfig(provider.configPath());
        try (PseudoLabeler last = provider.open(node);
             PseudoLabeler fpn = provider.open(node.withValue("node", ConfigValueFactory.fromAnyRef(
                     "StatefulPartitionedCall/center_net_mobile_net_v2fpn_feature_extractor/model_1/re_lu_2/Relu")))) {
            Rgb8Image astronaut = Fixtures.photo("astronaut.png");
            DenseMap a = (DenseMap) last.label(astronaut);
            assertThat(new int[] {a.height(), a.width(), a.channels()}).containsExactly(6, 6, 1280);
            float lo = Float.MAX_VALUE;
            float hi = -Float.MAX_VALUE;
            for (float v : a.values()) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            assertThat(lo).as("relu6 range").isGreaterThanOrEqualTo(0f);
            assertThat(hi).as("relu6 range").isLessThanOrEqualTo(6f).isGreaterThan(0f);
            DenseMap b = (DenseMap) last.label(Fixtures.photo("motorcycle_left.png"));
            assertThat(b.values()).as("different photos, different features").isNotEqualTo(a.values());
            DenseMap stride4 = (DenseMap) fpn.label(astronaut);
            assertThat(new int[] {stride4.height(), stride4.width(), stride4.channels()})
                    .containsExactly(48, 48, 24);
            assertThat(last.modalityKey()).isEqualTo("features");
        }
    }
}
