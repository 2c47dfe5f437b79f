package fourm.synth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PaletteKMeansTest {
    private static byte[] image(int n, int[]... colorsAndCounts) {
        byte[] rgb = new byte[3 * n];
        int i = 0;
        for (int[] c : colorsAndCounts) {
            for (int k = 0; k < c[3]; k++, i++) {
                rgb[3 * i] = (byte) c[0];
                rgb[3 * i + 1] = (byte) c[1];
                rgb[3 * i + 2] = (byte) c[2];
            }
        }
        return rgb;
    }

    @Test
    void aTwoColourImageGivesItsTwoColoursByShare() {
        byte[] rgb = image(1000, new int[] {20, 40, 220, 400}, new int[] {200, 30, 30, 600});
        int[][][] p = PaletteKMeans.palettes(rgb, 7, 11);
        assertThat(p[1]).isDeepEqualTo(new int[][] {{200, 30, 30}, {20, 40, 220}});
        // k = 1 is the mean colour.
        assertThat(p[0]).isDeepEqualTo(new int[][] {{128, 34, 106}});
        for (int k = 1; k <= 7; k++) {
            assertThat(p[k - 1]).hasNumberOfRows(k);
        }
    }

    @Test
    void threeClustersAreFoundWhateverTheSeed() {
        int n = 300;
        byte[] rgb = new byte[3 * n];
        int[][] centres = {{250, 250, 250}, {10, 10, 10}, {30, 200, 40}};
        for (int i = 0; i < n; i++) {
            int[] c = centres[i % 3];
            int jitter = (i / 3) % 5 - 2;
            rgb[3 * i] = (byte) (c[0] + jitter);
            rgb[3 * i + 1] = (byte) (c[1] + jitter);
            rgb[3 * i + 2] = (byte) (c[2] + jitter);
        }
        for (long seed = 0; seed < 5; seed++) {
            int[][] p3 = PaletteKMeans.palettes(rgb, 3, seed)[2];
            assertThat(java.util.Arrays.stream(p3).map(java.util.Arrays::toString))
                    .containsExactlyInAnyOrder("[250, 250, 250]", "[10, 10, 10]", "[30, 200, 40]");
        }
    }

    @Test
    void samePixelsAndSeedGiveTheSamePalettes() {
        byte[] rgb = SynthWorld.sample(SynthSettings.defaults().withResolution(32), 3).rgb();
        assertThat(PaletteKMeans.palettes(rgb, 7, 5)).isDeepEqualTo(PaletteKMeans.palettes(rgb, 7, 5));
    }
}
