package fourm.vq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import fourm.core.io.SafetensorsReader;
import fourm.testing.SharedFiles;
import fourm.vq.testing.TinyConfigs;
import fourm.vq.values.ImageValueKit;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The depth values give the tokenizer the reference's truncated standardisation (fourm.api's
 * {@code DepthStandardization}): the values kept are {@code sorted[int(0.1 N) : int(0.9 N)]}, their mean and
 * <em>unbiased</em> variance standardise the whole map as {@code (d - mean) / sqrt(var + 1e-6)}. The expected values
 * are worked out by hand below.
 */
class DepthValuesTest {
    private static float[] toModel(int h, int w, float... depth) {
        VqConfig c = TinyConfigs.vit("depth", 16, 1, 8, "");
        return ImageValueKit.depth().toModel(c, new Raster(1, h, w, depth));
    }

    @Test
    void aWideMapIsStandardisedWithTheUnbiasedVarianceOfTheKeptValues() {
        // N = 10: sorted 1 1 2 3 3 4 5 5 6 9, kept [1, 9) = 1 2 3 3 4 5 5 6: sum 29, mean 3.625;
        // squared deviations 6.890625 + 2.640625 + 2 * 0.390625 + 0.140625 + 2 * 1.890625 + 5.640625 = 19.875,
        // unbiased variance 19.875 / 7 (the population variance, 19.875 / 8, gives other values)
        float[] out = toModel(2, 5, 3, 1, 4, 1, 5, 9, 2, 6, 5, 3);
        double denom = Math.sqrt(19.875 / 7 + 1e-6);
        float[] in = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3};
        for (int i = 0; i < in.length; i++) {
            assertThat((double) out[i]).as("value " + i).isCloseTo((in[i] - 3.625) / denom, within(1e-6));
        }
        assertThat((double) out[5]).isCloseTo(5.375 / 1.6850183, within(1e-5)); // 9: 5.375 / sqrt(2.8392867)
    }

    @Test
    void aNarrowMapUsesTheCutOfTheReference() {
        // N = 6 (2 mm apart): int(0.6) = 0, int(5.4) = 5, so the kept values are the five smallest (a symmetric cut of
        // floor(0.6) = 0 at each end would keep all six). Kept 2.000 .. 2.004: mean 2.002, squared deviations
        // (4 + 1 + 0 + 1 + 4) e-6 = 1e-5, unbiased variance 2.5e-6; denominator sqrt(2.5e-6 + 1e-6) = sqrt(3.5e-6)
        float[] out = toModel(2, 3, 2.000f, 2.001f, 2.002f, 2.003f, 2.004f, 2.005f);
        double denom = Math.sqrt(3.5e-6);
        assertThat((double) out[0]).isCloseTo(-0.002 / denom, within(1e-3));
        assertThat((double) out[2]).isCloseTo(0.0, within(1e-3));
        assertThat((double) out[5]).isCloseTo(0.003 / denom, within(1e-3)); // 1.6036 (all six kept with their population
        // deviation, the earlier formula, gave (2.005 - 2.0025) / sqrt(17.5e-6 / 6) = 1.4639)
    }

    @Test
    void aFlatMapStandardisesToZeros() {
        // variance 0: every value is (d - mean) / sqrt(1e-6) = 0
        assertThat(toModel(2, 2, 7, 7, 7, 7)).containsExactly(0f, 0f, 0f, 0f);
    }

    @Test
    void sixteenBitMapsGiveTheReferencesOwnOutput() throws IOException {
        // the reference's DepthTransform run on two 40 x 40 maps of 16-bit values (the shared golden depth_norm)
        try (SafetensorsReader io = SafetensorsReader.open(
                SharedFiles.require("reference/golden/tokenizers/depth_norm.io.safetensors"))) {
            float[] raw = io.floats("depth_raw_uint16_values");
            float[] want = io.floats("depth_standardized_ref");
            int per = 40 * 40;
            double max = 0;
            for (int i = 0; i < 2; i++) {
                float[] d = Arrays.copyOfRange(raw, i * per, (i + 1) * per);
                for (int k = 0; k < per; k++) {
                    d[k] /= 65535f;
                }
                float[] got = toModel(40, 40, d);
                for (int k = 0; k < per; k++) {
                    max = Math.max(max, Math.abs(got[k] - want[i * per + k]));
                }
            }
            System.out.printf("depth standardisation vs the reference: max |diff| %.3g%n", max);
            assertThat(max).isLessThanOrEqualTo(1e-4);
        }
    }
}
