package fourm.api.label;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reference's truncated depth standardisation, against values computed by hand. */
class DepthStandardizationTest {
    @TempDir
    Path dir;

    @Test
    void wideRange() {
        // 0..9 shuffled: N = 10 keeps sorted[1:9] = 1..8, mean 4.5, unbiased variance 42 / 7 = 6.
        float[] d = {9, 0, 5, 1, 8, 2, 7, 3, 6, 4};
        DepthStandardization.Statistics s = DepthStandardization.statistics(d);
        assertThat(s.kept()).isEqualTo(8);
        assertThat(s.mean()).isEqualTo(4.5);
        assertThat(s.variance()).isCloseTo(6.0, within(1e-12));
        float[] out = DepthStandardization.standardize(d);
        for (int i = 0; i < d.length; i++) {
            assertThat((double) out[i]).as("value %s", d[i]).isCloseTo((d[i] - 4.5) / Math.sqrt(6.000001),
                    within(1e-6));
        }
        assertThat(out[1]).isCloseTo(-1.8371172f, within(1e-6f)); // (0 - 4.5) / sqrt(6.000001)
    }

    /** 20 levels 30000 + 15k of a 16-bit map (a range of 285 of the 65535 levels), shuffled. */
    private static int[] narrowLevels() {
        int[] order = {7, 0, 19, 3, 12, 5, 16, 1, 9, 14, 2, 18, 6, 11, 4, 17, 8, 13, 10, 15};
        int[] levels = new int[20];
        for (int i = 0; i < 20; i++) {
            levels[i] = 30000 + 15 * order[i];
        }
        return levels;
    }

    @Test
    void narrowRangeWhereTheEpsilonAndTheUnbiasedVarianceMatter() {
        int[] levels = narrowLevels();
        float[] d = new float[levels.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = levels[i] / 65535f;
        }
        // N = 20 keeps sorted[2:18]: k = 2..17, mean level 30000 + 15 * 9.5; unbiased variance of k over 16 values
        // = (16^2 - 1) / 12 * 16 / 15 = 340 / 15, so var = 225 * 340 / 15 = 5100 levels^2.
        double mean = (30000 + 15 * 9.5) / 65535;
        double var = 5100 / (65535.0 * 65535.0);
        double populationVar = 225 * 21.25 / (65535.0 * 65535.0);
        float[] out = DepthStandardization.standardize(d);
        for (int i = 0; i < d.length; i++) {
            double exact = levels[i] / 65535.0;
            double expected = (exact - mean) / Math.sqrt(var + 1e-6);
            assertThat((double) out[i]).as("level %d", levels[i]).isCloseTo(expected, within(1e-4));
        }
        // The lowest level, by hand: (-142.5 / 65535) / sqrt(5100 / 65535^2 + 1e-6) = -1.47018...
        int lowest = 1; // levels[1] = 30000
        assertThat(out[lowest]).isCloseTo(-1.47018f, within(1e-4f));
        // What the other conventions would give differs by far more than the tolerance.
        double population = (30000 / 65535.0 - mean) / Math.sqrt(populationVar + 1e-6);
        double flooredStd = (30000 / 65535.0 - mean) / Math.max(Math.sqrt(populationVar), 1e-6);
        assertThat(Math.abs(out[lowest] - population)).isGreaterThan(0.02);
        assertThat(Math.abs(out[lowest] - flooredStd)).isGreaterThan(0.5);
    }

    @Test
    void fromA16BitPngAsTheReferenceReadsIt() throws IOException {
        int[] levels = narrowLevels();
        BufferedImage img = new BufferedImage(5, 4, BufferedImage.TYPE_USHORT_GRAY);
        img.getRaster().setPixels(0, 0, 5, 4, levels);
        Path p = dir.resolve("depth.png");
        assertThat(ImageIO.write(img, "png", p.toFile())).isTrue();
        float[] d = new float[levels.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = levels[i] / 65535f;
        }
        assertThat(DepthStandardization.fromPng(p)).containsExactly(DepthStandardization.standardize(d));
    }

    @Test
    void refusesMapsItCannotStandardise() {
        assertThatThrownBy(() -> DepthStandardization.standardize(new float[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keeps 1");
        assertThatThrownBy(() -> DepthStandardization.standardize(new float[] {1, Float.NaN, 3, 4, 5}))
                .hasMessageContaining("value 1 is NaN");
    }
}
