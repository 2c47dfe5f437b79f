package fourm.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import fourm.api.layout.SinCosTables;
import fourm.core.io.SafetensorsReader;
import fourm.core.model.testing.TestModalities;
import fourm.testing.SharedFiles;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The fixed positional tables ({@link SinCosTables}): the formulas of spec section 2.3, the golden buffers to one ulp,
 * and a new model's tables.
 */
class SinCosTest {

    @Test
    void oneDimensionalTableFollowsTheFormula() {
        {
            float[] v = SinCosTables.table1d(40, 8);
            assertThat(v).hasSize(40 * 8);
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
        {
            int side = 5;
            int d = 16;
            float[] v = SinCosTables.table2d(side, side, d);
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
            assertWithinOneUlp(SinCosTables.table1d(512, 64), r.floats("encoder_embeddings.caption.pos_emb"));
            assertWithinOneUlp(SinCosTables.table2d(14, 14, 64), r.floats("decoder_embeddings.tok_rgb@224.pos_emb"));
        }
    }

    @Test
    void newModelsHoldTheLayoutsTables() {
        FourMConfig c = FourMConfig.builder().dim(8).encoderDepth(1).decoderDepth(1).numHeads(2)
                .modality(TestModalities.imageTokens("grid", 10, 3), true, true)
                .modality(TestModalities.tokenSequence("seq", 12, 5, 5), true, false).build();
        try (FourMModel model = FourMModel.create(c, 1)) {
            assertThat(model.parameters().get("encoder_embeddings.grid.pos_emb").toFloatArray())
                    .containsExactly(SinCosTables.table2d(3, 3, 8));
            assertThat(model.parameters().get("encoder_embeddings.seq.pos_emb").toFloatArray())
                    .containsExactly(SinCosTables.table1d(512, 8));
            assertThat(model.parameters().get("encoder_embeddings.seq.pos_emb").getShape().getShape())
                    .containsExactly(1, 512, 8);
        }
    }

    private static void assertWithinOneUlp(float[] ours, float[] golden) {
        assertThat(ours).hasSameSizeAs(golden);
        for (int i = 0; i < ours.length; i++) {
            assertThat(Math.abs(ours[i] - golden[i])).as("entry %d", i).isLessThanOrEqualTo(Math.ulp(golden[i]));
        }
    }
}
