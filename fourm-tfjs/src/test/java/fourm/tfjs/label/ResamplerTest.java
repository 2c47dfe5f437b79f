package fourm.tfjs.label;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import fourm.api.label.Rgb8Image;
import org.junit.jupiter.api.Test;

class ResamplerTest {

    private static Rgb8Image uniform(int w, int h, int r, int g, int b) {
        byte[] px = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++) {
            px[3 * i] = (byte) r;
            px[3 * i + 1] = (byte) g;
            px[3 * i + 2] = (byte) b;
        }
        return new Rgb8Image(w, h, px);
    }

    @Test
    void letterboxKeepsTheAspectRatioAtTheTopLeftAndPadsWithBlack() {
        float[] out = Resampler.letterbox(uniform(200, 100, 10, 20, 250), 40);
        // 200 x 100 -> 40 x 20: rows 0..19 hold the photo, rows 20..39 are black.
        assertThat(out[3 * (10 * 40 + 39) + 2]).isCloseTo(250f, within(1e-3f));
        assertThat(out[3 * (19 * 40) + 1]).isCloseTo(20f, within(1e-3f));
        assertThat(out[3 * (20 * 40)]).isZero();
        assertThat(out[3 * (39 * 40 + 39) + 2]).isZero();
        Resampler.Placement p = Resampler.placement(200, 100, 40);
        assertThat(p.contentWidth()).isEqualTo(40.0);
        assertThat(p.contentHeight()).isEqualTo(20.0);
        assertThat(p.toPhotoY(10)).isEqualTo(0.5f);
        assertThat(p.toPhotoY(30)).as("padding clamps to the photo's edge").isEqualTo(1f);
    }

    @Test
    void shrinkingAveragesTheAreaUnderEachPixel() {
        // A 4 x 1 image 0, 100, 200, 255 shrunk to 2 x 1: means of pairs.
        byte[] px = new byte[12];
        int[] v = {0, 100, 200, 255};
        for (int i = 0; i < 4; i++) {
            px[3 * i] = (byte) v[i];
        }
        float[] out = Resampler.stretch(new Rgb8Image(4, 1, px), 2, 1);
        assertThat(out[0]).isCloseTo(50f, within(1e-3f));
        assertThat(out[3]).isCloseTo(227.5f, within(1e-3f));
    }

    @Test
    void enlargingInterpolatesBilinearly() {
        byte[] px = {0, 0, 0, (byte) 200, 0, 0};
        float[] out = Resampler.stretch(new Rgb8Image(2, 1, px), 4, 1);
        // Target centres at source x = -0.25, 0.25, 0.75, 1.25 -> clamped 0, 50, 150, 200.
        assertThat(new float[] {out[0], out[3], out[6], out[9]}).containsExactly(new float[] {0f, 50f, 150f, 200f},
                within(1e-3f));
    }
}
