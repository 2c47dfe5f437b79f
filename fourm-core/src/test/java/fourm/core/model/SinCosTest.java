package fourm.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import fourm.core.Offline;
import fourm.core.io.SafetensorsReader;
import fourm.testing.SharedFiles;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The fixed positional tables: the formulas of spec section 2.3, and the golden buffers bit for bit. */
class SinCosTest {

    @Test
    void oneDimensionalTableFollowsTheFormula() {
        Offline.enforce();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray t = SinCos.table1d(m, 40, 8);
            assertThat(t.getShape().getShape()).containsExactly(1, 40, 8);
            float[] v = t.toFloatArray();
            for (int p = 0; p < 40; p++) {
                for (int k = 0; k < 4; k++) {
                    double omega = 1 / Math.pow(10000, k / 4.0);
                    assertThat(v[p * 8 + k]).isCloseTo((float) Math.sin(p * omega), within(2e-6f));
                    assertThat(v[p * 8 + 4 + k]).isCloseTo((float) Math.cos(p * omega), within(2e-6f));
                }
            }
        }
    }

    @Test
    void twoDimensionalTableEncodesRowThenColumn() {
        Offline.enforce();
        try (NDManager m = NDManager.newBaseManager()) {
            int side = 5;
            int d = 16;
            float[] v = SinCos.table2d(m, side, d).toFloatArray();
            for (int n = 0; n < side * side; n++) {
                int row = n / side;
                int col = n % side;
                for (int k = 0; k < d / 4; k++) {
                    double omega = 1 / Math.pow(10000, k / (d / 4.0));
                    int o = n * d;
                    assertThat(v[o + k]).isCloseTo((float) Math.sin(row * omega), within(2e-6f));
                    assertThat(v[o + d / 4 + k]).isCloseTo((float) Math.cos(row * omega), within(2e-6f));
                    assertThat(v[o + d / 2 + k]).isCloseTo((float) Math.sin(col * omega), within(2e-6f));
                    assertThat(v[o + 3 * d / 4 + k]).isCloseTo((float) Math.cos(col * omega), within(2e-6f));
                }
            }
        }
    }

    @Test
    void tablesEqualTheGoldenBuffersToOneUlp() throws IOException {
        Path model = SharedFiles.require("reference/golden/swiglu_nobias/model.safetensors");
        try (SafetensorsReader r = SafetensorsReader.open(model)) {
            assertWithinOneUlp(SinCos.values1d(512, 64), r.floats("encoder_embeddings.caption.pos_emb"));
            assertWithinOneUlp(SinCos.values2d(14, 64), r.floats("decoder_embeddings.tok_rgb@224.pos_emb"));
        }
    }

    @Test
    void engineTablesHoldTheHostValues() {
        Offline.enforce();
        try (NDManager m = NDManager.newBaseManager()) {
            assertThat(SinCos.table2d(m, 3, 8).toFloatArray()).containsExactly(SinCos.values2d(3, 8));
            assertThat(SinCos.table2d(m, 3, 8).getShape().getShape()).containsExactly(1, 9, 8);
        }
    }

    private static void assertWithinOneUlp(float[] ours, float[] golden) {
        assertThat(ours).hasSameSizeAs(golden);
        for (int i = 0; i < ours.length; i++) {
            assertThat(Math.abs(ours[i] - golden[i])).as("entry %d", i).isLessThanOrEqualTo(Math.ulp(golden[i]));
        }
    }
}
