package fourm.api.label;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ImageInputTest {

    @Test
    void scalesPerChannelAndPacksEitherLayout() {
        // A 1x2 image: pixel 0 = (255, 0, 51), pixel 1 = (0, 255, 102).
        float[] hwc = {255, 0, 51, 0, 255, 102};
        ImageInput in = new ImageInput(1, 2, 1, new float[] {0.5f, 0.25f, 0}, new float[] {0.5f, 0.25f, 2});
        float[] last = in.scale(hwc, false);
        assertThat(last).containsExactly(new float[] {1, -1, 0.1f, -1, 3, 0.2f}, within(1e-6f));
        float[] first = in.scale(hwc, true);
        assertThat(first).containsExactly(new float[] {1, -1, -1, 3, 0.1f, 0.2f}, within(1e-6f));
        assertThat(hwc).as("the input is not modified").containsExactly(255, 0, 51, 0, 255, 102);
        ImageInput bytes = new ImageInput(1, 2, 255, new float[] {128, 128, 128}, new float[] {1, 1, 1});
        assertThat(bytes.scale(hwc, false)).containsExactly(new float[] {127, -128, -77, -128, 127, -26},
                within(1e-4f));
        assertThatThrownBy(() -> in.scale(new float[3], false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs 6 values, got 3");
    }

    @Test
    void ofStretchesThenScales() {
        byte[] px = new byte[4 * 2 * 3];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 10);
        }
        Rgb8Image image = new Rgb8Image(4, 2, px);
        ImageInput in = new ImageInput(1, 2, 255, new float[] {10, 20, 30}, new float[] {1, 2, 4});
        float[] hwc = ImageInput.stretch(image, 2, 1);
        assertThat(in.of(image, false)).containsExactly(in.scale(hwc, false));
        assertThat(in.of(image, true)).containsExactly(in.scale(hwc, true));
        // Target (0, 0), red: the mean of the 2x2 block's reds 0, 30, 120, 150.
        assertThat(hwc[0]).isCloseTo(75f, within(1e-4f));
    }

    @Test
    void shrinkingAveragesAndEnlargingInterpolates() {
        byte[] row = new byte[12];
        int[] v = {0, 100, 200, 255};
        for (int i = 0; i < 4; i++) {
            row[3 * i] = (byte) v[i];
        }
        float[] half = ImageInput.stretch(new Rgb8Image(4, 1, row), 2, 1);
        assertThat(new float[] {half[0], half[3]}).containsExactly(new float[] {50f, 227.5f}, within(1e-3f));
        byte[] two = {0, 0, 0, (byte) 200, 0, 0};
        float[] four = ImageInput.stretch(new Rgb8Image(2, 1, two), 4, 1);
        // Target centres at source x = -0.25, 0.25, 0.75, 1.25 -> clamped 0, 50, 150, 200.
        assertThat(new float[] {four[0], four[3], four[6], four[9]})
                .containsExactly(new float[] {0f, 50f, 150f, 200f}, within(1e-3f));
    }

    @Test
    void letterboxKeepsTheAspectRatioAndPadsWithBlack() {
        byte[] px = new byte[4 * 2 * 3];
        java.util.Arrays.fill(px, (byte) 90);
        float[] out = ImageInput.letterbox(new Rgb8Image(4, 2, px), 4);
        // 4 x 2 -> 4 x 2 at the top of a 4 x 4 square; rows 2 and 3 are black.
        assertThat(out[3 * (1 * 4 + 3)]).isCloseTo(90f, within(1e-4f));
        assertThat(out[3 * (2 * 4)]).isZero();
        assertThat(out[3 * (3 * 4 + 3) + 2]).isZero();
    }

    @Test
    void refusesBadSettingsByName() {
        float[] three = {0, 0, 0};
        float[] ones = {1, 1, 1};
        assertThatThrownBy(() -> new ImageInput(0, 4, 1, three, ones)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("size must be positive, got 0x4");
        assertThatThrownBy(() -> new ImageInput(4, 4, Float.NaN, three, ones)).hasMessageContaining("range");
        assertThatThrownBy(() -> new ImageInput(4, 4, 0, three, ones)).hasMessageContaining("range");
        assertThatThrownBy(() -> new ImageInput(4, 4, 1, new float[2], ones))
                .hasMessageContaining("need 3 values (R, G, B), got 2 and 3");
        assertThatThrownBy(() -> new ImageInput(4, 4, 1, three, new float[] {1, 0, 1}))
                .hasMessageContaining("std positive");
        assertThatThrownBy(() -> new ImageInput(4, 4, 1, new float[] {0, Float.POSITIVE_INFINITY, 0}, ones))
                .hasMessageContaining("mean must be finite");
    }

    @Test
    void copiesItsArrays() {
        float[] mean = {1, 2, 3};
        ImageInput in = new ImageInput(2, 2, 1, mean, new float[] {1, 1, 1});
        mean[0] = 9;
        assertThat(in.mean()).containsExactly(1, 2, 3);
        in.mean()[1] = 9;
        in.std()[1] = 9;
        assertThat(in.mean()).containsExactly(1, 2, 3);
        assertThat(in.std()).containsExactly(1, 1, 1);
    }

    @Test
    void aDenseMapReadsChannelsFirstValues() {
        // 2 channels over a 1x3 map: channel 0 = 1, 2, 3; channel 1 = 4, 5, 6.
        DenseMap m = DenseMap.ofChannelsFirst("m", 1, 3, 2, new float[] {1, 2, 3, 4, 5, 6});
        assertThat(m.values()).containsExactly(1, 4, 2, 5, 3, 6);
        assertThat(m.at(0, 2, 1)).isEqualTo(6);
        assertThatThrownBy(() -> DenseMap.ofChannelsFirst("m", 1, 3, 2, new float[5]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 6 values, got 5");
    }
}
