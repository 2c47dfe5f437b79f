package fourm.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** AdamW against a double-precision transcription of PyTorch's update rule. */
class AdamWTest {

    /** PyTorch's AdamW on one tensor, in doubles. */
    static final class Reference {
        final double[] p;
        final double[] m;
        final double[] v;
        long t;

        Reference(float[] init) {
            p = new double[init.length];
            for (int i = 0; i < init.length; i++) {
                p[i] = init[i];
            }
            m = new double[init.length];
            v = new double[init.length];
        }

        void step(double[] g, double lr, double b1, double b2, double eps, double wd) {
            t++;
            double bc1 = 1 - Math.pow(b1, t);
            double bc2 = 1 - Math.pow(b2, t);
            for (int i = 0; i < p.length; i++) {
                p[i] *= 1 - lr * wd;
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                p[i] -= lr * (m[i] / bc1) / (Math.sqrt(v[i] / bc2) + eps);
            }
        }
    }

    private static float[] random(SplittableRandom rng, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rng.nextGaussian() * scale);
        }
        return v;
    }

    /** Loss sum(c * w) gives gradient c exactly, so the test controls the gradients. */
    private static void backward(Map<String, NDArray> params, Map<String, float[]> grads, NDManager m) {
        try (NDManager s = m.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray total = null;
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                NDArray c = s.create(grads.get(e.getKey()), e.getValue().getShape());
                NDArray term = e.getValue().mul(c).sum();
                term.attach(s);
                total = total == null ? term : total.add(term);
            }
            gc.backward(total);
        }
    }

    /** Segment sizes of the DJL-operation path; 0 stands for libtorch's fused kernel. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {0, AdamW.SEGMENT_ELEMENTS, 4, 1})
    void matchesTheReferenceRuleWithDecayOnlyWhereTheRuleSays(int segment) {
        SplittableRandom rng = new SplittableRandom(11);
        double lr = 3e-3;
        double b1 = 0.9;
        double b2 = 0.95;
        double eps = 1e-8;
        double wd = 0.1;
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> params = new LinkedHashMap<>();
            Map<String, Reference> ref = new LinkedHashMap<>();
            params.put("encoder.0.attn.qkv.weight", m.create(random(rng, 12, 1), new Shape(3, 4)));
            params.put("encoder.0.norm1.weight", m.create(random(rng, 4, 1), new Shape(4)));
            params.put("encoder_embeddings.caption.token_emb.weight", m.create(random(rng, 6, 1), new Shape(3, 2)));
            params.put("decoder.0.mlp.fc1.weight", m.create(random(rng, 35, 1), new Shape(7, 5)));
            params.forEach((k, v) -> ref.put(k, new Reference(v.toFloatArray())));
            AdamW.attachGradients(params);
            try (AdamW opt = new AdamW(params, new AdamW.Hyper(b1, b2, eps, wd, 0),
                    segment == 0 ? AdamW.SEGMENT_ELEMENTS : segment, segment == 0)) {
                for (int step = 0; step < 5; step++) {
                    Map<String, float[]> grads = new LinkedHashMap<>();
                    double scale = step == 2 ? 1e-6 : 0.5;
                    params.forEach((k, v) -> grads.put(k, random(rng, (int) v.size(), scale)));
                    backward(params, grads, m);
                    AdamW.StepStats st = opt.step(lr, 1.0);
                    assertThat(st.skipped()).isFalse();
                    assertThat(st.clipCoef()).isEqualTo(1.0);
                    for (String k : params.keySet()) {
                        float[] gf = grads.get(k);
                        double[] g = new double[gf.length];
                        for (int i = 0; i < g.length; i++) {
                            g[i] = gf[i];
                        }
                        ref.get(k).step(g, lr, b1, b2, eps, AdamW.decays(k, params.get(k).getShape().getShape())
                                ? wd : 0);
                        float[] actual = params.get(k).toFloatArray();
                        for (int i = 0; i < actual.length; i++) {
                            assertThat((double) actual[i]).as("%s[%d] after step %d", k, i, step)
                                    .isCloseTo(ref.get(k).p[i], org.assertj.core.data.Offset.offset(2e-6));
                        }
                    }
                }
                assertThat(opt.updates()).isEqualTo(5);
                assertThat(opt.usesFusedKernel()).as("libtorch's fused kernel in use").isEqualTo(segment == 0);
                assertThat(opt.decaysParameter("encoder.0.attn.qkv.weight")).isTrue();
                assertThat(opt.decaysParameter("encoder.0.norm1.weight")).isFalse();
                assertThat(opt.decaysParameter("encoder_embeddings.caption.token_emb.weight")).isFalse();
            }
        }
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "fused kernel {0}, foreach norm {1}")
    @org.junit.jupiter.params.provider.CsvSource({"true,true", "true,false", "false,true", "false,false"})
    void clipsByGlobalNormAndSkipsNonFiniteSteps(boolean fusedKernel, boolean foreachNorm) {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> params = new LinkedHashMap<>();
            params.put("a.weight", m.create(new float[] {1, 2, 3, 4}, new Shape(2, 2)));
            params.put("b.bias", m.create(new float[] {0, 0}, new Shape(2)));
            AdamW.attachGradients(params);
            try (AdamW opt = new AdamW(params, new AdamW.Hyper(0.9, 0.95, 1e-8, 0, 1.0), AdamW.SEGMENT_ELEMENTS,
                    fusedKernel, foreachNorm)) {
                // gradients 3,0,0,0 and 0,4: global norm 5, clipped to 1
                Map<String, float[]> g = Map.of("a.weight", new float[] {3, 0, 0, 0}, "b.bias", new float[] {0, 4});
                backward(params, g, m);
                AdamW.StepStats st = opt.step(0.1, 1.0);
                assertThat(st.gradNorm()).isCloseTo(5.0, org.assertj.core.data.Offset.offset(1e-5));
                assertThat(st.clipCoef()).isCloseTo(1 / (5 + AdamW.CLIP_EPS), org.assertj.core.data.Offset
                        .offset(1e-9));
                // first Adam step moves every parameter with a non-zero gradient by lr (sign of the gradient)
                assertThat(params.get("a.weight").toFloatArray()).containsExactly(new float[] {0.9f, 2, 3, 4},
                        org.assertj.core.data.Offset.offset(1e-5f));
                assertThat(params.get("b.bias").toFloatArray()).containsExactly(new float[] {0, -0.1f},
                        org.assertj.core.data.Offset.offset(1e-5f));
                // gradients were zeroed: a NaN gradient now skips the step and leaves everything as it was
                float[] before = params.get("a.weight").toFloatArray();
                backward(params, Map.of("a.weight", new float[] {Float.NaN, 0, 0, 0}, "b.bias", new float[] {0, 0}),
                        m);
                AdamW.StepStats skipped = opt.step(0.1, 1.0);
                assertThat(skipped.skipped()).isTrue();
                assertThat(skipped.nonFinite()).containsExactly("a.weight");
                assertThat(opt.updates()).isEqualTo(1);
                assertThat(params.get("a.weight").toFloatArray()).containsExactly(before);
                // and the next finite step works again
                backward(params, g, m);
                assertThat(opt.step(0.1, 1.0).skipped()).isFalse();
                assertThat(opt.updates()).isEqualTo(2);
                assertThat(opt.usesFusedKernel()).isEqualTo(fusedKernel);
            }
        }
    }

    @Test
    void foreachNormsEqualPerParameterNorms() {
        double[] norms = new double[2];
        for (int run = 0; run < 2; run++) {
            try (NDManager m = NDManager.newBaseManager()) {
                java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
                Map<String, NDArray> params = new LinkedHashMap<>();
                Map<String, float[]> g = new LinkedHashMap<>();
                int[] sizes = {3000, 1, 70000, 17, 256};
                for (int i = 0; i < sizes.length; i++) {
                    float[] v = new float[sizes[i]];
                    float[] gv = new float[sizes[i]];
                    for (int j = 0; j < v.length; j++) {
                        v[j] = (float) rng.nextGaussian();
                        gv[j] = (float) (rng.nextGaussian() * (i + 1));
                    }
                    params.put("p" + i + ".weight", m.create(v));
                    g.put("p" + i + ".weight", gv);
                }
                AdamW.attachGradients(params);
                try (AdamW opt = new AdamW(params, new AdamW.Hyper(0.9, 0.95, 1e-8, 0, 1.0),
                        AdamW.SEGMENT_ELEMENTS, true, run == 0)) {
                    backward(params, g, m);
                    norms[run] = opt.step(0.1, 1.0).gradNorm();
                }
            }
        }
        assertThat(norms[0]).isGreaterThan(100).isCloseTo(norms[1],
                org.assertj.core.data.Percentage.withPercentage(1e-4));
    }

    @Test
    void decayRuleByName() {
        assertThat(AdamW.decays("encoder.3.mlp.fc1.weight", new long[] {8, 4})).isTrue();
        assertThat(AdamW.decays("decoder_embeddings.caption.to_logits.weight", new long[] {30, 4})).isTrue();
        assertThat(AdamW.decays("encoder_embeddings.rgb@224.proj.weight", new long[] {4, 768})).isTrue();
        assertThat(AdamW.decays("encoder.3.mlp.fc1.bias", new long[] {8})).isFalse();
        assertThat(AdamW.decays("decoder_norm.weight", new long[] {4})).isFalse();
        assertThat(AdamW.decays("mask_token", new long[] {1, 1, 4})).isFalse();
        assertThat(AdamW.decays("encoder_embeddings.tok_rgb@224.mod_emb", new long[] {1, 1, 4})).isFalse();
        assertThat(AdamW.decays("encoder_embeddings.tok_dinov2_global.pos_emb", new long[] {1, 16, 4})).isFalse();
        assertThat(AdamW.decays("decoder_embeddings.caption.token_emb.weight", new long[] {30, 4})).isFalse();
    }

    @Test
    void restoreChecksNamesAndSizes() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> params = Map.of("w.weight", m.create(new float[] {1, 2}, new Shape(1, 2)));
            AdamW.attachGradients(params);
            try (AdamW opt = new AdamW(params, new AdamW.Hyper(0.9, 0.95, 1e-8, 0, 0))) {
                assertThatThrownBy(() -> opt.restore(Map.of("w.weight", new float[] {1}), Map.of("w.weight",
                        new float[] {1, 2}), 3)).hasMessageContaining("w.weight").hasMessageContaining("1 values");
                assertThatThrownBy(() -> opt.restore(Map.of("x", new float[] {1, 2}), Map.of("w.weight",
                        new float[] {1, 2}), 3)).hasMessageContaining("'x'");
                opt.restore(Map.of("w.weight", new float[] {0.5f, 0.25f}), Map.of("w.weight", new float[] {1, 4}), 3);
                assertThat(opt.updates()).isEqualTo(3);
                assertThat(opt.expAvg().get("w.weight").toFloatArray()).containsExactly(0.5f, 0.25f);
            }
        }
    }
}
