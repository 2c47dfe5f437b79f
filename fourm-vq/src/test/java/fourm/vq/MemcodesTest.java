package fourm.vq;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MemcodesTest {
    static final VqConfig.QuantizerSpec SPEC = new VqConfig.QuantizerSpec(VqConfig.QuantizerType.MEMCODES, 8, 6, 2,
            0.99, 1, 1);

    @Test
    void inferenceTakesTheArgMaxPerHeadAndEmbedsTheChosenValues() {
        Memcodes q = new Memcodes(SPEC);
        Params.Layout l = new Params.Layout();
        q.layout(l);
        try (NDManager m = NDManager.newBaseManager();
             Params p = Params.create(m.newSubManager(), l.specs(), 3, Map.of());
             NDManager step = m.newSubManager()) {
            NDArray z = step.create(new float[] {1, -2, 0.5f, 3, 0, -1, -1, 0, 2, 0.1f, 0.2f, 0.3f},
                    new Shape(2, 1, 6));
            Quantizer.Quantized out = q.quantize(p.view(step), z, false, null);
            assertThat(out.ids()).hasSize(4);
            // The ids computed by hand: head i of image b takes argmax_j (z_bi . (codes_i W_k,i)_j).
            float[] codes = p.get(Memcodes.CODES).toFloatArray();
            float[] wk = p.get(Memcodes.TO_K).toFloatArray();
            float[] zv = z.toFloatArray();
            for (int b = 0; b < 2; b++) {
                for (int h = 0; h < 2; h++) {
                    int best = -1;
                    double bestV = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < 8; j++) {
                        double s = 0;
                        for (int c = 0; c < 3; c++) {
                            double k = 0;
                            for (int d = 0; d < 3; d++) {
                                k += codes[(h * 8 + j) * 3 + d] * wk[(h * 3 + d) * 3 + c];
                            }
                            s += zv[b * 6 + h * 3 + c] * k;
                        }
                        if (s > bestV) {
                            bestV = s;
                            best = j;
                        }
                    }
                    assertThat(out.ids()[b * 2 + h]).as("image %d head %d", b, h).isEqualTo(best);
                }
            }
            NDArray again = q.embed(p.view(step), out.ids(), 2, 1);
            assertThat(again.toFloatArray()).containsExactly(out.quantized().toFloatArray());
        }
    }

    @Test
    void trainingPassesGradientsToTheCodesThroughTheGumbelSoftmax() {
        Memcodes q = new Memcodes(SPEC);
        Params.Layout l = new Params.Layout();
        q.layout(l);
        try (NDManager m = NDManager.newBaseManager();
             Params p = Params.create(m.newSubManager(), l.specs(), 3, Map.of())) {
            p.trainable().values().forEach(a -> a.setRequiresGradient(true));
            NDArray z = m.create(new float[] {1, -2, 0.5f, 3, 0, -1}, new Shape(1, 1, 6));
            z.setRequiresGradient(true);
            try (NDManager step = m.newSubManager(); GradientCollector gc = step.getEngine().newGradientCollector()) {
                Quantizer.Quantized out = q.quantize(p.view(step), z, true, new SplittableRandom(1));
                gc.backward(out.quantized().square().sum());
            }
            assertThat(p.get(Memcodes.TO_V).getGradient().abs().sum().getFloat()).isGreaterThan(0f);
            assertThat(p.get(Memcodes.TO_K).getGradient().abs().sum().getFloat()).isGreaterThan(0f);
            assertThat(z.getGradient().abs().sum().getFloat()).isGreaterThan(0f);
        }
    }
}
