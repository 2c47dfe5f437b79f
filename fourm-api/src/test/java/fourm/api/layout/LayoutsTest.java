package fourm.api.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import fourm.api.ModalitySpec;
import fourm.api.TokenLayout;
import org.junit.jupiter.api.Test;

class LayoutsTest {

    @Test
    void squareTwoDimensionalTableEncodesRowThenColumn() {
        int dim = 8;
        float[] t = SinCosTables.table2d(3, 3, dim);
        // token 5 of a 3x3 grid: row 1, column 2; omega_0 = 1, so the first channel of each half is sin(row), ...
        assertThat(t[5 * dim]).isEqualTo((float) StrictMath.sin(1f));
        assertThat(t[5 * dim + 2]).isEqualTo((float) StrictMath.cos(1f));
        assertThat(t[5 * dim + 4]).isEqualTo((float) StrictMath.sin(2f));
        assertThat(t[5 * dim + 6]).isEqualTo((float) StrictMath.cos(2f));
    }

    @Test
    void nonSquareTableFollowsTheReferenceMeshgrid() {
        int dim = 4;
        // h = 2, w = 4: token n has a = n / 2, b = n % 2 (the reference enumerates w x h before the reshape)
        float[] t = SinCosTables.table2d(2, 4, dim);
        assertThat(t.length).isEqualTo(8 * dim);
        assertThat(t[7 * dim]).isEqualTo((float) StrictMath.sin(3f));
        assertThat(t[7 * dim + 2]).isEqualTo((float) StrictMath.sin(1f));
    }

    @Test
    void pixelPatchVectorsAreInPatchRowColumnChannelOrder() {
        TokenLayout l = Layouts.pixelPatches(1, 2, 2, 2);
        assertThat(l.valueShape()).containsExactly(2, 2, 4);
        float[] values = new float[16];
        for (int i = 0; i < values.length; i++) {
            values[i] = i; // (c, y, x) -> c * 8 + y * 4 + x
        }
        float[] out = new float[8];
        l.tokenVector(values, 1, out, 0);
        // patch (0, 1): x in {2, 3}, y in {0, 1}; order (ph, pw, c)
        assertThat(out).containsExactly(2, 10, 3, 11, 6, 14, 7, 15);
    }

    @Test
    void sequencesHaveTheReferenceTableSizesAndTensorLengths() {
        TokenLayout caption = Layouts.tokenSequence(256, 256, false);
        assertThat(caption.length()).isEqualTo(514);
        assertThat(caption.positionRows()).isEqualTo(512);
        assertThat(caption.zeroIdIsPadding()).isTrue();
        TokenLayout t5 = Layouts.embeddingSequence(77, 4096);
        assertThat(t5.length()).isEqualTo(77);
        assertThat(t5.inputBias()).contains("emb_proj.bias");
        assertThat(t5.valueShape()).containsExactly(77, 4096);
    }

    @Test
    void specReadsANonSquareGridAndDescribesItsLayout() {
        ModalitySpec spec = ModalitySpec.fromConfig(ConfigFactory.parseString("key = tok_thermal, kind = image-tokens,"
                + " vocab-size = 64, image-size = [32, 64], patch-size = 16, positional = sincos-2d, encoder = true,"
                + " decoder = false, masking = random-tokens"));
        assertThat(spec.maxTokens()).isEqualTo(8);
        assertThat(spec.gridSide()).isEmpty();
        assertThat(spec.layout()).isEqualTo(Layouts.imageTokens(2, 4));
        assertThat(spec.layout().gridShape()).containsExactly(2, 4);
    }

    @Test
    void specRefusesALayoutThatDisagreesWithItsSettings() {
        assertThatThrownBy(() -> ModalitySpec.fromConfig(ConfigFactory.parseString("key = x, kind = image-tokens,"
                + " vocab-size = 64, image-size = [32, 64, 3], patch-size = 16, positional = sincos-2d,"
                + " encoder = true, decoder = false, masking = random-tokens")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("[height, width]");
    }
}
