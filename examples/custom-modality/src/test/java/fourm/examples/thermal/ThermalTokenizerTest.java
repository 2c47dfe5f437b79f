package fourm.examples.thermal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ThermalTokenizerTest {
    private static final double MIN = 173.15;
    private static final double MAX = 373.15;
    private final ThermalTokenizer tokenizer = new ThermalTokenizer("tok_thermal@64", 64, 16, 1024, MIN, MAX);

    private static float[][] constant(float kelvin) {
        float[][] map = new float[64][64];
        for (float[] row : map) {
            Arrays.fill(row, kelvin);
        }
        return map;
    }

    private static void fillPatch(float[][] map, int patchRow, int patchCol, float kelvin) {
        for (int r = patchRow * 16; r < (patchRow + 1) * 16; r++) {
            Arrays.fill(map[r], patchCol * 16, (patchCol + 1) * 16, kelvin);
        }
    }

    @Test
    void binsEachPatchMeanInRowMajorPatchOrder() {
        // Values sit mid-bin so that float rounding cannot move them across a bin edge.
        float[][] map = constant(273.25f);                 // (100.1 / 200) * 1024 = 512.5 -> bin 512
        fillPatch(map, 0, 1, 173.15f);                     // the bottom of the range: bin 0
        fillPatch(map, 1, 0, 373.15f);                     // the top of the range belongs to the last bin
        fillPatch(map, 3, 3, 223.25f);                     // (50.1 / 200) * 1024 = 256.5 -> bin 256
        // Patch (2, 2): half 200 K and half 300 K, mean 250 K -> (76.85 / 200) * 1024 = 393.47 -> bin 393.
        for (int r = 32; r < 48; r++) {
            Arrays.fill(map[r], 32, 40, 200f);
            Arrays.fill(map[r], 40, 48, 300f);
        }
        assertThat(tokenizer.encode(map)).containsExactly(
                512, 0, 512, 512,
                1023, 512, 512, 512,
                512, 512, 393, 512,
                512, 512, 512, 256);
    }

    @Test
    void temperaturesOutsideTheRangeSaturateIntoTheEndBins() {
        float[][] map = constant(1000f);
        fillPatch(map, 0, 0, 0f);
        int[] ids = tokenizer.encode(map);
        assertThat(ids[0]).isZero();
        assertThat(Arrays.copyOfRange(ids, 1, 16)).containsOnly(1023);
    }

    @Test
    void decodeFillsEachPatchWithItsBinCentre() {
        int[] ids = new int[16];
        ids[5] = 1023;
        float[][] map = tokenizer.decode(ids);
        double width = (MAX - MIN) / 1024;
        assertThat((double) map[0][0]).isCloseTo(MIN + width / 2, within(1e-4));
        assertThat((double) map[16][16]).isCloseTo(MAX - width / 2, within(1e-4));
        assertThat((double) map[31][31]).isCloseTo(MAX - width / 2, within(1e-4));
        assertThat((double) map[32][32]).isCloseTo(MIN + width / 2, within(1e-4));
    }

    @Test
    void roundTripIsWithinHalfABinOfEachPatchMean() {
        SplittableRandom random = new SplittableRandom(11);
        float[][] map = new float[64][64];
        for (float[] row : map) {
            for (int c = 0; c < 64; c++) {
                row[c] = (float) (250 + 60 * random.nextDouble());
            }
        }
        float[][] back = tokenizer.decode(tokenizer.encode(map));
        double halfBin = (MAX - MIN) / 1024 / 2;
        for (int p = 0; p < 16; p++) {
            int r0 = (p / 4) * 16;
            int c0 = (p % 4) * 16;
            double mean = 0;
            for (int r = r0; r < r0 + 16; r++) {
                for (int c = c0; c < c0 + 16; c++) {
                    mean += map[r][c];
                }
            }
            mean /= 256;
            assertThat((double) back[r0][c0]).as("patch %d", p).isCloseTo(mean, within(halfBin + 1e-4));
        }
    }

    @Test
    void encodeRefusesAMapOfTheWrongShape() {
        assertThatThrownBy(() -> tokenizer.encode(new float[63][64])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tok_thermal@64").hasMessageContaining("64x64").hasMessageContaining("63 rows");
        float[][] ragged = constant(300f);
        ragged[5] = new float[10];
        assertThatThrownBy(() -> tokenizer.encode(ragged)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("row 5 has 10 values");
        assertThatThrownBy(() -> tokenizer.encode(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got null");
    }

    @Test
    void encodeRefusesTemperaturesThatAreNotFinite() {
        float[][] map = constant(300f);
        map[7][9] = Float.NaN;
        assertThatThrownBy(() -> tokenizer.encode(map)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("row 7, column 9").hasMessageContaining("NaN");
    }

    @Test
    void decodeRefusesAWrongCountOrAnIdOutsideTheVocabulary() {
        assertThatThrownBy(() -> tokenizer.decode(new int[15])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected 16 tokens").hasMessageContaining("got 15");
        int[] ids = new int[16];
        ids[3] = 1024;
        assertThatThrownBy(() -> tokenizer.decode(ids)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("token 1024 at position 3").hasMessageContaining("[0, 1024)");
    }

    @Test
    void constructorRefusesAnInconsistentSetup() {
        assertThatThrownBy(() -> new ThermalTokenizer("t", 64, 15, 1024, MIN, MAX))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiple of patch 15");
        assertThatThrownBy(() -> new ThermalTokenizer("t", 64, 16, 1024, MAX, MIN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max-kelvin");
        assertThatThrownBy(() -> new ThermalTokenizer("t", 64, 16, 1, MIN, MAX))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bins");
    }

    @Test
    void returnsFreshArrays() {
        float[][] map = constant(300f);
        int[] a = tokenizer.encode(map);
        a[0] = -1;
        assertThat(tokenizer.encode(map)[0]).isNotNegative();
        assertThat(tokenizer.decode(new int[16])).isNotSameAs(tokenizer.decode(new int[16]));
    }
}
