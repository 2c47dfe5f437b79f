package fourm.vq;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class CosineCodebookTest {
    static final VqConfig.QuantizerSpec SPEC = new VqConfig.QuantizerSpec(VqConfig.QuantizerType.LUCID, 4, 2, 1, 0.9,
            1.0, 1.0);

    static Params params(NDManager m, CosineCodebook q, float[] embed) {
        Params.Layout l = new Params.Layout();
        q.layout(l);
        Params p = Params.create(m.newSubManager(), l.specs(), 0, java.util.Map.of());
        p.get(CosineCodebook.EMBED).set(embed);
        return p;
    }

    @Test
    void assignsByCosineAndReturnsTheRawRow() {
        CosineCodebook q = new CosineCodebook(SPEC);
        float[] embed = {2, 0, 0, 3, -1, 0, 0, -0.5f};
        try (NDManager m = NDManager.newBaseManager(); Params p = params(m, q, embed);
             NDManager step = m.newSubManager()) {
            NDArray z = step.create(new float[] {0.1f, 0, 0, 10, -7, 0.1f, 0.1f, -0.2f}, new Shape(1, 4, 2));
            Quantizer.Quantized out = q.quantize(p.view(step), z, false, null);
            assertThat(out.ids()).containsExactly(0, 1, 2, 3);
            assertThat(out.quantized().toFloatArray()).containsExactly(embed);
            assertThat(out.update()).isNull();
        }
    }

    @Test
    void emaMovesUsedCodesAndDeadCodesAreReplaced() {
        CosineCodebook q = new CosineCodebook(SPEC);
        float[] embed = {1, 0, 0, 1, -1, 0, 0, -1};
        try (NDManager m = NDManager.newBaseManager(); Params p = params(m, q, embed);
             NDManager step = m.newSubManager()) {
            // Two latents near code 0 and one at 45 degrees between codes 0 and 1 (closer to 1 by a hair).
            NDArray z = step.create(new float[] {2, 0.2f, 3, -0.3f, 1, 1.01f}, new Shape(1, 3, 2));
            Quantizer.Quantized out = q.quantize(p.view(step), z, true, new SplittableRandom(1));
            assertThat(out.ids()).containsExactly(0, 0, 1);
            assertThat(out.codeLoss().getFloat()).isGreaterThan(0f);
            int replaced = out.update().apply(p, 0.05, new SplittableRandom(2));
            float[] cluster = p.get(CosineCodebook.CLUSTER_SIZE).toFloatArray();
            assertThat(cluster[0]).isCloseTo(0.2f, Offset.offset(1e-6f));
            assertThat(cluster[1]).isCloseTo(0.1f, Offset.offset(1e-6f));
            float[] e = p.get(CosineCodebook.EMBED).toFloatArray();
            // code 0: 0.9 (1, 0) + 0.1 normalise(mean of the normalised latents); it turns towards +y.
            double a = 2 / Math.hypot(2, 0.2) + 3 / Math.hypot(3, 0.3);
            double b = 0.2 / Math.hypot(2, 0.2) - 0.3 / Math.hypot(3, 0.3);
            double n = Math.hypot(a, b);
            assertThat((double) e[0]).isCloseTo(0.9 + 0.1 * a / n, Offset.offset(1e-5));
            assertThat((double) e[1]).isCloseTo(0.1 * b / n, Offset.offset(1e-5));
            // codes 2 and 3 were unused (EMA usage 0 < 0.05): replaced by normalised latents of the batch.
            assertThat(replaced).isEqualTo(2);
            for (int c = 2; c < 4; c++) {
                assertThat(Math.hypot(e[2 * c], e[2 * c + 1])).isCloseTo(1.0, Offset.offset(1e-5));
                assertThat(e[2 * c]).isPositive();
            }
        }
    }

    @Test
    void samplingPicksDistinctRowsWhenItCan() {
        int[] s = CosineCodebook.sample(10, 10, new SplittableRandom(3));
        assertThat(s).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(CosineCodebook.sample(2, 5, new SplittableRandom(3))).hasSize(5).containsOnly(0, 1);
    }
}
