package fourm.vq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fourm.vq.testing.TinyConfigs;
import fourm.vq.values.ImageValueKit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The binary-mask values of the SAM-instance tokenizer (its loss: {@code LossesTest} in fourm-vq-train). */
class BinaryMaskValuesTest {
    @Test
    void masksGoInAsTheyAreAndComeBackWhereTheLogitIsPositive() {
        VqConfig c = TinyConfigs.vit("binary-mask", 16, 1, 8, "post-mlp = false, out-conv = true");
        ImageValues v = ImageValueKit.binaryMask();
        assertThat(c.values()).isSameAs(v);
        assertThat(ImageValueKit.all()).contains(v);
        assertThat(v.toModel(c, new Raster(1, 1, 2, new float[] {0, 1}))).containsExactly(0f, 1f);
        assertThat(v.fromModel(c, new float[] {-0.1f, 0f, 0.1f, 3f}, 2, 2).data()).containsExactly(0f, 0f, 1f, 1f);
        assertThat(v.problem(c, 0.5f)).contains("not 0 or 1");
        assertThat(v.problem(c, 1f)).isNull();
        assertThatThrownBy(() -> TinyConfigs.vit("binary-mask", 16, 3, 8, ""))
                .hasMessageContaining("binary-mask has 1 channel");
        try (VqModel model = VqModel.create(c, 1); ImageTokenizer tok = ImageTokenizer.of(model)) {
            float[] bits = new float[256];
            for (int i = 0; i < bits.length; i++) {
                bits[i] = (i / 16 + i % 16) % 3 == 0 ? 1f : 0f;
            }
            Raster back = tok.reconstruct(List.of(new Raster(1, 16, 16, bits))).get(0);
            for (float b : back.data()) {
                assertThat(b).isIn(0f, 1f);
            }
            float[] half = new float[256];
            half[5] = 0.5f;
            assertThatThrownBy(() -> tok.encode(List.of(new Raster(1, 16, 16, half))))
                    .hasMessageContaining("not 0 or 1");
        }
    }
}
