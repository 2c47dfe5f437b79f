package fourm.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import fourm.core.batch.MaskedBatch;
import fourm.core.batch.ModalityTensors;
import fourm.core.model.testing.TestModalities;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;

/**
 * The key-value cached decoder equals the full decoder's last row over the whole prefix (causal mask), for every block
 * family (biases and GELU, gated SiLU, QK norm) and with padded encoder slots (a batch whose samples see different
 * numbers of inputs).
 */
class IncrementalDecoderTest {

    enum Family {
        GELU, SWIGLU, SWIGLU_QKNORM,
        /** Head width 16: the attention scale 1/4 is a power of two, so the decoder folds it into the query weights. */
        SWIGLU_FOLDED_SCALE
    }

    static FourMConfig config(Family f) {
        boolean bias = f == Family.GELU;
        return FourMConfig.builder().dim(32).encoderDepth(2).decoderDepth(3)
                .numHeads(f == Family.SWIGLU_FOLDED_SCALE ? 2 : 4)
                .mlp(bias ? MlpKind.GELU : MlpKind.SWIGLU).qkvBias(bias).projBias(bias).mlpBias(bias).normBias(bias)
                .qkNorm(f == Family.SWIGLU_QKNORM)
                .modality(TestModalities.imageTokens("grid", 20, 3), true, false)
                .modality(TestModalities.tokenSequence("seq", 30, 16, 16), true, true)
                .build();
    }

    /** Sample 0 sees all 9 grid tokens, sample 1 only 4: the encoder has padded slots for sample 1. */
    static MaskedBatch batch() {
        SplittableRandom rng = new SplittableRandom(4);
        long[] ids = new long[18];
        boolean[] in = new boolean[18];
        for (int i = 0; i < 18; i++) {
            ids[i] = rng.nextInt(20);
            in[i] = i >= 9 + 4;
        }
        boolean[] tg = new boolean[18];
        java.util.Arrays.fill(tg, true);
        Map<String, ModalityTensors> mods = new LinkedHashMap<>();
        mods.put("grid", ModalityTensors.ofIds("grid", 2, 9, ids, in, tg, new int[18]));
        return new MaskedBatch(mods);
    }

    /** [batch, n, n] causal self-attention mask, true where query i may not see key j (j > i). */
    static boolean[] causal(int batch, int n) {
        boolean[] mask = new boolean[batch * n * n];
        for (int s = 0; s < batch; s++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    mask[(s * n + i) * n + j] = j > i;
                }
            }
        }
        return mask;
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> families() {
        return java.util.Arrays.stream(Family.values()).flatMap(f -> java.util.stream.Stream.of(
                org.junit.jupiter.params.provider.Arguments.of(f, true),
                org.junit.jupiter.params.provider.Arguments.of(f, false)));
    }

    @ParameterizedTest(name = "{0}, compiled {1}")
    @org.junit.jupiter.params.provider.MethodSource("families")
    void eachStepEqualsTheLastRowOfTheFullDecoder(Family family, boolean compiled) {
        try (FourMModel model = FourMModel.create(config(family), 11); NDManager m = model.newStepManager()) {
            MaskedBatch b = batch();
            EncoderOutput eo = model.encode(model.embedEncoder(m, b, model.maxValidEncoderTokens(b)));
            assertThat(eo.input().validCount(1)).isLessThan(eo.input().length());
            int steps = 7;
            long[][] ids = new long[2][steps];
            SplittableRandom rng = new SplittableRandom(5);
            for (int s = 0; s < 2; s++) {
                for (int j = 0; j < steps; j++) {
                    ids[s][j] = 1 + rng.nextInt(29);
                }
            }
            try (IncrementalDecoder dec = IncrementalDecoder.start(model, eo, steps, compiled)) {
                assertThat(dec.isCompiled()).isEqualTo(compiled);
                for (int n = 1; n <= steps; n++) {
                    long[] pos = new long[2 * n];
                    long[] tok = new long[2 * n];
                    for (int s = 0; s < 2; s++) {
                        for (int j = 0; j < n; j++) {
                            pos[s * n + j] = j;
                            tok[s * n + j] = ids[s][j];
                        }
                    }
                    boolean[] causal = causal(2, n);
                    DecoderQuery all = model.decoderQuery(m, "seq", 2, pos, tok);
                    NDArray full = model.decode(eo, all.tokens(), all.emb(),
                            m.create(causal, new ai.djl.ndarray.types.Shape(2, n, n))).get(":, -1, :");
                    DecoderQuery one = model.decoderQuery(m, "seq", 2, new long[] {n - 1, n - 1},
                            new long[] {ids[0][n - 1], ids[1][n - 1]});
                    NDArray step = dec.step(m, one.tokens(), one.emb()).reshape(2, 32);
                    float[] a = full.toFloatArray();
                    float[] c = step.toFloatArray();
                    double worst = 0;
                    for (int i = 0; i < a.length; i++) {
                        worst = Math.max(worst, Math.abs(a[i] - c[i]));
                    }
                    assertThat(worst).as("%s, step %d", family, n).isLessThanOrEqualTo(1e-5);
                    float[] headFull = model.logits("seq", full).toFloatArray();
                    float[] headStep = dec.logits(m, "seq", step).toFloatArray();
                    assertThat(headStep).hasSize(headFull.length);
                    double worstLogit = 0;
                    for (int i = 0; i < headFull.length; i++) {
                        worstLogit = Math.max(worstLogit, Math.abs(headFull[i] - headStep[i]));
                    }
                    assertThat(worstLogit).as("%s, logits of step %d", family, n).isLessThanOrEqualTo(1e-5);
                }
                assertThat(dec.length()).isEqualTo(steps);
                NDArray anyOutput = m.zeros(new ai.djl.ndarray.types.Shape(2, 32));
                assertThatIllegalArgumentException().isThrownBy(() -> dec.logits(m, "grid", anyOutput))
                        .withMessageContaining("not an output modality");
                DecoderQuery more = model.decoderQuery(m, "seq", 2, new long[] {0, 0}, new long[] {1, 1});
                assertThatIllegalStateException().isThrownBy(() -> dec.step(m, more.tokens(), more.emb()))
                        .withMessageContaining("full");
            }
        }
    }

    /**
     * The encoder and decoder stacks compiled to one TorchScript call each give the same floats as the same operations
     * called one by one (padded encoder slots, a causal decoder mask, every block family).
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(Family.class)
    void compiledStacksEqualTheOperations(Family family) {
        float[][] out = new float[2][];
        for (int run = 0; run < 2; run++) {
            try (FourMModel model = FourMModel.create(config(family), 11); NDManager m = model.newStepManager()) {
                model.compiledStacks(run == 0);
                MaskedBatch b = batch();
                EncoderOutput eo = model.encode(model.embedEncoder(m, b, model.maxValidEncoderTokens(b)));
                int n = 5;
                long[] pos = new long[2 * n];
                long[] tok = new long[2 * n];
                for (int s = 0; s < 2; s++) {
                    for (int j = 0; j < n; j++) {
                        pos[s * n + j] = j;
                        tok[s * n + j] = 1 + (7 * j + s) % 29;
                    }
                }
                boolean[] causal = causal(2, n);
                DecoderQuery q = model.decoderQuery(m, "seq", 2, pos, tok);
                NDArray dec = model.decode(eo, q.tokens(), q.emb(),
                        m.create(causal, new ai.djl.ndarray.types.Shape(2, n, n)));
                float[] e = eo.output().toFloatArray();
                float[] d = dec.toFloatArray();
                out[run] = new float[e.length + d.length];
                System.arraycopy(e, 0, out[run], 0, e.length);
                System.arraycopy(d, 0, out[run], e.length, d.length);
            }
        }
        assertThat(out[0]).as("%s: compiled stacks against DJL operations", family).containsExactly(out[1]);
    }

    /**
     * The compiled step that multiplies the query by a power-of-two scale gives the same floats, bit for bit, as the one
     * reading query weights with the scale folded in (head width 16; the other families have nothing to fold and must
     * agree as well).
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(Family.class)
    void scalingTheQueryInTheStepEqualsFoldedWeightsExactly(Family family) {
        compiledStepsAgreeExactly(family, false, false, true, false);
    }

    /**
     * The compiled step written with the fewest engine operations (mm and bmm on [B, D] and [B*H, ...] views) gives the
     * same floats, bit for bit, as the one written as the DJL step's operations, for every block family, with padded
     * encoder slots (the masked cross-attention), across steps.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(Family.class)
    void leanCompiledStepEqualsTheOperationsExactly(Family family) {
        compiledStepsAgreeExactly(family, false, true, false, false);
    }

    /**
     * Two forms of the compiled step ({@code prepared}: scale folded into the query weights; {@code lean}: the fewest
     * engine operations) give the same floats, bit for bit, over six steps of two sequences.
     */
    private static void compiledStepsAgreeExactly(Family family, boolean preparedA, boolean leanA, boolean preparedB,
                                                  boolean leanB) {
        try (FourMModel model = FourMModel.create(config(family), 11); NDManager m = model.newStepManager()) {
            MaskedBatch b = batch();
            EncoderOutput eo = model.encode(model.embedEncoder(m, b, model.maxValidEncoderTokens(b)));
            int steps = 6;
            try (IncrementalDecoder first = IncrementalDecoder.start(model, eo, steps, true, preparedA, leanA);
                 IncrementalDecoder second = IncrementalDecoder.start(model, eo, steps, true, preparedB, leanB)) {
                assertThat(first.isCompiled()).isTrue();
                assertThat(second.isCompiled()).isTrue();
                for (int n = 0; n < steps; n++) {
                    DecoderQuery q = model.decoderQuery(m, "seq", 2, new long[] {n, n},
                            new long[] {1 + (5 * n) % 29, 1 + (3 * n + 7) % 29});
                    float[] x = first.step(m, q.tokens(), q.emb()).toFloatArray();
                    float[] y = second.step(m, q.tokens(), q.emb()).toFloatArray();
                    assertThat(x).as("%s, step %d", family, n).containsExactly(y);
                }
            }
        }
    }

    /**
     * A step from token ids with the head applied ({@code stepLogits}: one call when compiled) gives the same floats, bit
     * for bit, as the head over a step from looked-up embeddings, compiled or not; bad ids counts and full caches are
     * refused.
     */
    @ParameterizedTest(name = "{0}, compiled {1}")
    @org.junit.jupiter.params.provider.MethodSource("families")
    void stepLogitsFromIdsEqualTheHeadOverAStepExactly(Family family, boolean compiled) {
        try (FourMModel model = FourMModel.create(config(family), 11); NDManager m = model.newStepManager()) {
            MaskedBatch b = batch();
            EncoderOutput eo = model.encode(model.embedEncoder(m, b, model.maxValidEncoderTokens(b)));
            int steps = 5;
            long[] allPos = new long[steps];
            for (int j = 0; j < steps; j++) {
                allPos[j] = j;
            }
            NDArray positions = model.decoderQuery(m, "seq", 1, allPos, new long[steps]).emb();
            NDArray table = model.parameters().get("decoder_embeddings.seq.token_emb.weight");
            try (IncrementalDecoder fused = IncrementalDecoder.start(model, eo, steps, compiled);
                 IncrementalDecoder split = IncrementalDecoder.start(model, eo, steps, compiled)) {
                for (int n = 0; n < steps; n++) {
                    long[] ids = {1 + (5 * n) % 29, 1 + (3 * n + 7) % 29};
                    float[] a = fused.stepLogits(m, ids, table, positions, "seq").toFloatArray();
                    NDArray tokens = Layers.rows(m.create(ids), table).reshape(2, 1, 32);
                    NDArray emb = positions.get(n == 0 ? ":, 0:1" : ":, " + n + ":" + (n + 1));
                    float[] c = split.logits(m, "seq", split.step(m, tokens, emb)).toFloatArray();
                    assertThat(a).as("%s, step %d", family, n).containsExactly(c);
                }
                assertThatIllegalStateException().isThrownBy(() -> fused.stepLogits(m, new long[] {1, 2}, table,
                        positions, "seq")).withMessageContaining("full");
                assertThatIllegalArgumentException().isThrownBy(() -> fused.stepLogits(m, new long[] {1}, table,
                        positions, "seq")).withMessageContaining("2 token ids");
                assertThatIllegalArgumentException().isThrownBy(() -> fused.stepLogits(m, new long[] {1, 2}, table,
                        positions, "grid")).withMessageContaining("not an output modality");
            }
        }
    }

    @Test
    void closingFreesTheCacheButNotTheEncoderOutput() {
        try (FourMModel model = FourMModel.create(config(Family.SWIGLU), 2); NDManager m = model.newStepManager()) {
            MaskedBatch b = batch();
            EncoderOutput eo = model.encode(model.embedEncoder(m, b, model.maxValidEncoderTokens(b)));
            IncrementalDecoder dec = IncrementalDecoder.start(model, eo, 3);
            DecoderQuery q = model.decoderQuery(m, "seq", 2, new long[] {0, 0}, new long[] {3, 4});
            dec.step(m, q.tokens(), q.emb());
            dec.close();
            assertThat(eo.context().isReleased()).isFalse();
            assertThat(eo.context().toFloatArray()).hasSize(2 * eo.input().length() * 32);
        }
    }
}
