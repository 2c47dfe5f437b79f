package fourm.examples.thermal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fourm.api.Modality;
import fourm.api.ModalityTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The learned tokenizer: trained by fourm-vq's trainer from the plugin's configuration, then used by the modality. */
class ThermalTokenizerTrainingTest {
    @TempDir
    Path dir;

    @SuppressWarnings("unchecked")
    private static ModalityTokenizer<float[][]> tokenizer() {
        Modality m = new ThermalTokensProvider().create(TinyTokenizer.nodeWithCheckpoint());
        return (ModalityTokenizer<float[][]>) m.tokenizer().orElseThrow();
    }

    @Test
    void trainingLowersTheLossAndWritesACheckpoint() {
        ThermalTokenizerTraining.Result r = TinyTokenizer.trained();
        assertThat(r.checkpoint()).isRegularFile();
        assertThat(r.firstLoss()).isFinite();
        assertThat(r.lastLoss()).as("mean loss of the last steps against the first").isLessThan(r.firstLoss());
    }

    @Test
    void aMapBecomesTwoByFourTokensAndComesBackAsAMapInTheRange() {
        ModalityTokenizer<float[][]> t = tokenizer();
        float[][] map = ThermalTokensProviderTest.scene(3);
        int[] ids = t.encode(map);
        assertThat(ids).hasSize(8);
        assertThat(java.util.Arrays.stream(ids).boxed()).allSatisfy(id -> assertThat(id).isBetween(0, 255));
        assertThat(t.encode(map)).as("deterministic").containsExactly(ids);
        float[][] back = t.decode(ids);
        assertThat(back).hasNumberOfRows(32);
        for (float[] row : back) {
            assertThat(row).hasSize(64);
            for (float v : row) {
                assertThat(v).isBetween(173.15f, 373.15f);
            }
        }
    }

    @Test
    void reconstructionBeatsTheMeanTemperature() {
        // The trivial tokenizer returns the mean temperature of the training scenes everywhere.
        ModalityTokenizer<float[][]> t = tokenizer();
        double err = 0;
        double trivial = 0;
        int n = 0;
        double mean = 0;
        for (long s = 100; s < 108; s++) {
            for (float[] row : ThermalTokensProviderTest.scene(s)) {
                for (float v : row) {
                    mean += v;
                    n++;
                }
            }
        }
        mean /= n;
        for (long s = 100; s < 108; s++) {
            float[][] map = ThermalTokensProviderTest.scene(s);
            float[][] back = t.decode(t.encode(map));
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 64; x++) {
                    err += Math.abs(back[y][x] - map[y][x]);
                    trivial += Math.abs(mean - map[y][x]);
                }
            }
        }
        assertThat(err).as("L1 of the tokenizer against the mean map").isLessThan(trivial);
    }

    @Test
    void encodeRefusesAMapOfTheWrongShapeOrNotFinite() {
        ModalityTokenizer<float[][]> t = tokenizer();
        assertThatThrownBy(() -> t.encode(new float[31][64])).hasMessageContaining("32x64")
                .hasMessageContaining("31 rows");
        float[][] nan = new float[32][64];
        nan[7][9] = Float.NaN;
        assertThatThrownBy(() -> t.encode(nan)).hasMessageContaining("row 7, column 9");
        assertThatThrownBy(() -> t.decode(new int[] {0, 1, 2})).hasMessageContaining("expected 8 tokens");
        assertThatThrownBy(() -> t.decode(new int[] {0, 1, 2, 3, 4, 5, 6, 256}))
                .hasMessageContaining("token 256 at position 7");
    }

    @Test
    void theFormatRoundTripsAMapAndRefusesAnotherShapeNamingTheFile() throws Exception {
        ThermalFormat f = new ThermalFormat(32, 64, 173.15, 373.15);
        float[][] map = ThermalTokensProviderTest.scene(5);
        Path file = dir.resolve("map.npy");
        f.write(map, file);
        assertThat(f.read(file)).isDeepEqualTo(map);
        Path shown = f.show(map, dir, "map");
        assertThat(Files.readString(shown)).startsWith("P2\n64 32\n255\n");

        new ThermalFormat(16, 64, 173.15, 373.15).write(new float[16][64], dir.resolve("small.npy"));
        assertThatThrownBy(() -> f.read(dir.resolve("small.npy"))).hasMessageContaining("small.npy")
                .hasMessageContaining("16x64");
    }
}
