package fourm.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import fourm.api.ModalityIds;
import fourm.core.batch.MaskedBatch;
import fourm.core.batch.ModalityTensors;
import fourm.core.model.testing.TestModalities;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The model on a small configuration with every modality kind: forward, separate encoder/decoder passes, gradients,
 * empty encoders, memory discipline, batch validation, initialisation.
 */
class FourMModelTest {

    /** dim 16, 2+2 blocks, 2 heads; pixels and embeddings as inputs, grid, global and sequence both ways. */
    static FourMConfig smallConfig(MlpKind mlp, boolean bias) {
        return FourMConfig.builder().dim(16).encoderDepth(2).decoderDepth(2).numHeads(2).mlp(mlp)
                .qkvBias(bias).projBias(bias).mlpBias(bias).normBias(bias)
                .modality(TestModalities.pixelPatches("rgb@8", 2, 4, 3), true, false)
                .modality(TestModalities.imageTokens("tok_x@8", 10, 2), true, true)
                .modality(TestModalities.globalTokens("glob", 7, 4), true, true)
                .modality(TestModalities.tokenSequence("cap", 12, 5, 5), true, true)
                .modality(TestModalities.embeddingSequence("emb", 5, 3), true, false)
                .build();
    }

    /** A batch of 2 for {@link #smallConfig}: some inputs and targets in every modality, or no inputs at all. */
    static MaskedBatch smallBatch(long seed, boolean noInputs) {
        SplittableRandom rng = new SplittableRandom(seed);
        int b = 2;
        Map<String, ModalityTensors> mods = new LinkedHashMap<>();
        float[] pixels = new float[b * 3 * 8 * 8];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) rng.nextGaussian();
        }
        boolean[] rgbIn = {false, true, true, false, true, false, false, false};
        mods.put("rgb@8", ModalityTensors.ofValues("rgb@8", b, 4, pixels, new int[] {b, 3, 8, 8},
                noInputs ? all(8, true) : rgbIn, all(8, true), new int[8]));
        mods.put("tok_x@8", grid("tok_x@8", 10, rng, new boolean[] {false, true, true, true, true, false, true, true},
                new boolean[] {true, false, false, true, true, true, false, true}, noInputs));
        mods.put("glob", grid("glob", 7, rng, new boolean[] {true, false, true, true, false, true, true, true},
                new boolean[] {false, true, true, false, true, false, true, false}, noInputs));
        long[] cap = new long[b * 12];
        boolean[] capIn = all(b * 12, true);
        boolean[] capTg = all(b * 12, true);
        int[] capDam = new int[b * 12];
        for (int s = 0; s < b; s++) {
            for (int p = 0; p < 12; p++) {
                cap[s * 12 + p] = p < 3 || (p >= 4 && p < 8) ? 1 + rng.nextInt(11) : 0;
                capIn[s * 12 + p] = noInputs || p >= 3;
                capTg[s * 12 + p] = p < 4 || p >= 8 - s;
                capDam[s * 12 + p] = capTg[s * 12 + p] ? 0 : 1;
            }
        }
        cap[5] = 0;
        mods.put("cap", ModalityTensors.ofIds("cap", b, 12, cap, capIn, capTg, capDam));
        float[] emb = new float[b * 3 * 5];
        for (int i = 0; i < emb.length; i++) {
            emb[i] = (float) rng.nextGaussian();
        }
        mods.put("emb", ModalityTensors.ofValues("emb", b, 3, emb, new int[] {b, 3, 5},
                noInputs ? all(6, true) : new boolean[] {false, false, true, false, true, true}, all(6, true),
                new int[6]));
        return new MaskedBatch(mods);
    }

    private static ModalityTensors grid(String key, int vocab, SplittableRandom rng, boolean[] in, boolean[] tg,
                                        boolean noInputs) {
        long[] ids = new long[8];
        for (int i = 0; i < 8; i++) {
            ids[i] = rng.nextInt(vocab);
        }
        int[] dam = new int[8];
        for (int s = 0; s < 2; s++) {
            int count = 0;
            int first = -1;
            for (int p = 0; p < 4; p++) {
                if (!tg[s * 4 + p]) {
                    count++;
                    first = first < 0 ? p : first;
                }
            }
            if (first >= 0) {
                dam[s * 4 + first] = count;
            }
        }
        return ModalityTensors.ofIds(key, 2, 4, ids, noInputs ? all(8, true) : in, tg, dam);
    }

    private static boolean[] all(int n, boolean v) {
        boolean[] a = new boolean[n];
        Arrays.fill(a, v);
        return a;
    }

    private static final List<String> ORDER = List.of("cap", "glob", "tok_x@8");

    private static boolean finite(float[] v) {
        for (float x : v) {
            if (!Float.isFinite(x)) {
                return false;
            }
        }
        return true;
    }

    @Test
    void forwardRunsEveryKindAndItsLossesFollowTheReferenceFormulas() {
        for (MlpKind mlp : MlpKind.values()) {
            try (FourMModel model = FourMModel.create(smallConfig(mlp, mlp == MlpKind.GELU), 3);
                 NDManager m = model.newStepManager()) {
                ForwardOutput out = model.forward(m, smallBatch(1, false),
                        ForwardOptions.defaults().withDecoderOrder(ORDER).withFullLogits(true));
                assertThat(out.encoderInput().length()).isEqualTo(9);
                assertThat(out.decoderInput().length()).isEqualTo(7);
                assertThat(out.logits().get("tok_x@8").getShape().getShape()).containsExactly(2, 7, 10);
                double sum = 0;
                double weighted = 0;
                long numel = 0;
                for (String k : List.of("tok_x@8", "glob", "cap")) {
                    float[] lg = out.lossLogits().get(k).toFloatArray();
                    long[] t = out.lossTargets().get(k).toLongArray();
                    int v = model.config().vocabSize(k);
                    double ce = 0;
                    for (int r = 0; r < t.length; r++) {
                        double max = Double.NEGATIVE_INFINITY;
                        for (int j = 0; j < v; j++) {
                            max = Math.max(max, lg[r * v + j]);
                        }
                        double z = 0;
                        for (int j = 0; j < v; j++) {
                            z += Math.exp(lg[r * v + j] - max);
                        }
                        ce += max + Math.log(z) - lg[r * v + (int) t[r]];
                    }
                    ce /= t.length;
                    assertThat(out.modLoss().get(k).getFloat()).as(k).isCloseTo((float) ce, within(1e-5f));
                    sum += ce;
                    weighted += ce * t.length * v;
                    numel += (long) t.length * v;
                }
                assertThat(out.lossMod().getFloat()).isCloseTo((float) (sum / 3), within(1e-5f));
                assertThat(out.lossToken().getFloat()).isCloseTo((float) (weighted / numel), within(1e-5f));
                assertThat(out.lossMod().getFloat()).isBetween(1f, 4f);
            }
        }
    }

    @Test
    void lossRowsAreTheSlotsOfTheirModalityAndFullLogitsAgreeThere() {
        try (FourMModel model = FourMModel.create(smallConfig(MlpKind.GELU, true), 3);
             NDManager m = model.newStepManager()) {
            ForwardOutput out = model.forward(m, smallBatch(1, false),
                    ForwardOptions.defaults().withDecoderOrder(ORDER).withFullLogits(true));
            DecoderInput di = out.decoderInput();
            int id = ModalityIds.of("glob");
            float[] full = out.logits().get("glob").toFloatArray();
            float[] rows = out.lossLogits().get("glob").toFloatArray();
            int r = 0;
            for (int s = 0; s < di.modIds().length; s++) {
                if (di.modIds()[s] == id) {
                    for (int j = 0; j < 7; j++) {
                        assertThat(rows[r * 7 + j]).isCloseTo(full[s * 7 + j], within(1e-6f));
                    }
                    r++;
                }
            }
            assertThat(r).isEqualTo(out.lossTargets().get("glob").size()).isPositive();
        }
    }

    @Test
    void aModalityWithoutTargetsCountsZeroButStaysInTheDivisor() {
        MaskedBatch b = smallBatch(1, false);
        Map<String, ModalityTensors> mods = new LinkedHashMap<>(b.modalities());
        ModalityTensors g = mods.get("glob");
        mods.put("glob", ModalityTensors.ofIds("glob", 2, 4, g.ids(), g.inputMask(), all(8, true), new int[8]));
        try (FourMModel model = FourMModel.create(smallConfig(MlpKind.SWIGLU, false), 3);
             NDManager m = model.newStepManager()) {
            ForwardOutput out = model.forward(m, new MaskedBatch(mods), ForwardOptions.defaults()
                    .withDecoderOrder(ORDER));
            assertThat(out.modLoss().get("glob").getFloat()).isZero();
            assertThat(out.lossLogits().get("glob").getShape().getShape()).containsExactly(0, 7);
            float expected = (out.modLoss().get("cap").getFloat() + out.modLoss().get("tok_x@8").getFloat()) / 3;
            assertThat(out.lossMod().getFloat()).isCloseTo(expected, within(1e-6f));
        }
    }

    @Test
    void encodeOnceDecodeManyTimesGivesTheForwardResult() {
        try (FourMModel model = FourMModel.create(smallConfig(MlpKind.SWIGLU, false), 4);
             NDManager m = model.newStepManager()) {
            MaskedBatch batch = smallBatch(2, false);
            ForwardOptions o = ForwardOptions.defaults().withDecoderOrder(ORDER).withNumEncoderTokens(12)
                    .withNumDecoderTokens(11);
            float[] whole = model.forward(m, batch, o).decoderOutput().toFloatArray();
            EncoderOutput enc = model.encode(model.embedEncoder(m, batch, 12));
            DecoderInput di = model.embedDecoder(m, batch, ORDER, 11);
            for (int round = 0; round < 2; round++) {
                try (NDManager step = m.newSubManager()) {
                    NDArray tokens = di.tokens().duplicate();
                    tokens.attach(step);
                    float[] y = model.decode(enc, tokens, di.emb(), di.attentionMask()).toFloatArray();
                    assertThat(y).containsExactly(whole);
                }
            }
            NDArray unmasked = model.decode(enc, di.tokens(), di.emb(), null);
            assertThat(finite(unmasked.toFloatArray())).isTrue();
        }
    }

    @Test
    void aReusedCrossProjectionGivesTheDecoderOutputOfThePerPassOneBitForBit() {
        for (boolean bias : new boolean[] {false, true}) {
            MlpKind mlp = bias ? MlpKind.GELU : MlpKind.SWIGLU;
            try (FourMModel model = FourMModel.create(smallConfig(mlp, bias), 4);
                 FourMModel other = FourMModel.create(smallConfig(mlp, bias), 4);
                 NDManager m = model.newStepManager()) {
                MaskedBatch batch = smallBatch(2, false);
                DecoderInput di = model.embedDecoder(m, batch, ORDER, 11);
                CrossProjection projection = model.crossProjection(m);
                for (int pass = 0; pass < 2; pass++) {
                    EncoderOutput perPass = model.encode(model.embedEncoder(m, batch, 12));
                    EncoderOutput reusing = model.encode(model.embedEncoder(m, batch, 12), projection);
                    float[] expected = model.decode(perPass, di.tokens(), di.emb(), di.attentionMask()).toFloatArray();
                    float[] got = model.decode(reusing, di.tokens(), di.emb(), di.attentionMask()).toFloatArray();
                    assertThat(got).as("bias %s, pass %d", bias, pass).containsExactly(expected);
                }
                assertThatThrownBy(() -> other.encode(other.embedEncoder(m, batch, 12), projection))
                        .hasMessageContaining("another model");
            }
        }
    }

    @Test
    void explicitQueriesEqualTheBatchEmbedding() {
        try (FourMModel model = FourMModel.create(smallConfig(MlpKind.GELU, true), 4);
             NDManager m = model.newStepManager()) {
            MaskedBatch batch = smallBatch(2, false);
            DecoderInput di = model.embedDecoder(m, batch, List.of("glob"), 3);
            // glob targets: sample 0 positions 0, 3; sample 1 positions 1, 3 (third slot of each is padding)
            DecoderQuery q = model.decoderQuery(m, "glob", 2, new long[] {0, 3, 1, 3}, null);
            float[] tokens = di.tokens().toFloatArray();
            float[] emb = di.emb().toFloatArray();
            float[] qt = q.tokens().toFloatArray();
            float[] qe = q.emb().toFloatArray();
            for (int s = 0; s < 2; s++) {
                for (int j = 0; j < 2; j++) {
                    assertThat(Arrays.copyOfRange(qt, (s * 2 + j) * 16, (s * 2 + j + 1) * 16))
                            .containsExactly(Arrays.copyOfRange(tokens, (s * 3 + j) * 16, (s * 3 + j + 1) * 16));
                    assertThat(Arrays.copyOfRange(qe, (s * 2 + j) * 16, (s * 2 + j + 1) * 16))
                            .containsExactly(Arrays.copyOfRange(emb, (s * 3 + j) * 16, (s * 3 + j + 1) * 16));
                }
            }
            DecoderQuery seq = model.decoderQuery(m, "cap", 1, new long[] {0, 1}, new long[] {5, 6});
            assertThat(seq.tokens().getShape().getShape()).containsExactly(1, 2, 16);
            assertThatThrownBy(() -> model.decoderQuery(m, "cap", 1, new long[] {0}, null))
                    .hasMessageContaining("input id");
        }
    }

    @Test
    void anEmptyEncoderGivesFiniteOutputs() {
        try (FourMModel model = FourMModel.create(smallConfig(MlpKind.SWIGLU, false), 5);
             NDManager m = model.newStepManager()) {
            MaskedBatch batch = smallBatch(3, true);
            assertThat(model.maxValidEncoderTokens(batch)).isZero();
            for (int n : new int[] {4, 0}) {
                ForwardOutput out = model.forward(m, batch, ForwardOptions.defaults().withDecoderOrder(ORDER)
                        .withNumEncoderTokens(n).withFullLogits(true));
                assertThat(out.encoderInput().validCount(0)).isZero();
                assertThat(finite(out.encoderOutput().output().toFloatArray())).as("encoder, N=%d", n).isTrue();
                assertThat(finite(out.decoderOutput().toFloatArray())).as("decoder, N=%d", n).isTrue();
                for (NDArray l : out.logits().values()) {
                    assertThat(finite(l.toFloatArray())).isTrue();
                }
                assertThat(Float.isFinite(out.lossMod().getFloat())).isTrue();
            }
        }
    }

    @Test
    void gradientsReachParametersButNotBuffersOrThePaddingRow() {
        try (FourMModel model = FourMModel.create(smallConfig(MlpKind.SWIGLU, false), 6)) {
            Map<String, NDArray> trainable = model.parameters().trainable();
            trainable.values().forEach(p -> p.setRequiresGradient(true));
            try (NDManager m = model.newStepManager();
                 GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                ForwardOutput out = model.forward(m, smallBatch(1, false),
                        ForwardOptions.defaults().withDecoderOrder(ORDER));
                gc.backward(out.lossMod());
            }
            for (String name : List.of("mask_token", "encoder.0.attn.qkv.weight", "decoder.1.cross_attn.kv.weight",
                    "decoder_embeddings.glob.to_logits.weight", "encoder_embeddings.rgb@8.proj.weight",
                    "encoder_embeddings.emb.emb_proj.weight", "encoder_embeddings.glob.pos_emb",
                    "encoder_embeddings.tok_x@8.mod_emb", "decoder_proj_context.bias", "decoder.0.context_norm.weight",
                    "decoder.1.mlp.fc3.weight", "encoder.1.mlp.fc1.weight")) {
                float[] g = trainable.get(name).getGradient().toFloatArray();
                assertThat(maxAbs(g)).as("gradient of %s", name).isPositive();
            }
            assertThat(trainable).doesNotContainKeys("encoder.0.norm1.bias", "encoder_embeddings.cap.pos_emb",
                    "decoder_embeddings.tok_x@8.mod_emb");
            float[] capGrad = trainable.get("encoder_embeddings.cap.token_emb.weight").getGradient().toFloatArray();
            assertThat(maxAbs(Arrays.copyOfRange(capGrad, 0, 16))).as("padding row 0").isZero();
            assertThat(maxAbs(capGrad)).isPositive();
        }
    }

    @Test
    void sparseTableGradientsEqualDenseOnes() {
        Map<String, float[]> dense = gradientsAfterOnePass(false);
        Map<String, float[]> sparse = gradientsAfterOnePass(true);
        assertThat(sparse.keySet()).isEqualTo(dense.keySet());
        for (String name : dense.keySet()) {
            assertThat(sparse.get(name)).as("gradient of %s", name).containsExactly(dense.get(name));
        }
        float[] cap = sparse.get("encoder_embeddings.cap.token_emb.weight");
        assertThat(maxAbs(Arrays.copyOfRange(cap, 0, 16))).as("padding row 0").isZero();
        assertThat(maxAbs(cap)).isPositive();
        assertThat(maxAbs(sparse.get("decoder_embeddings.cap.token_emb.weight"))).isPositive();
    }

    /** Every trainable gradient after one backward pass, the gradients defined (as zeros) beforehand. */
    private static Map<String, float[]> gradientsAfterOnePass(boolean sparse) {
        try (FourMModel model = FourMModel.create(smallConfig(MlpKind.SWIGLU, false), 6)) {
            Map<String, NDArray> trainable = model.parameters().trainable();
            try (NDManager m = model.newStepManager()) {
                trainable.values().forEach(p -> p.setRequiresGradient(true));
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray total = null;
                    for (NDArray p : trainable.values()) {
                        NDArray sum = p.sum();
                        sum.attach(m);
                        total = total == null ? sum : total.add(sum);
                    }
                    gc.backward(total.mul(m.create(0f)));
                }
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    ForwardOutput out = model.forward(m, smallBatch(1, false),
                            ForwardOptions.defaults().withDecoderOrder(ORDER).withSparseTableGradients(sparse));
                    gc.backward(out.lossMod());
                }
            }
            Map<String, float[]> out = new java.util.TreeMap<>();
            for (Map.Entry<String, NDArray> e : trainable.entrySet()) {
                try (NDArray g = e.getValue().getGradient()) {
                    out.put(e.getKey(), g.toFloatArray());
                }
            }
            return out;
        }
    }

    private static double maxAbs(float[] v) {
        double m = 0;
        for (float x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    @Test
    void aForwardLeavesNothingInTheModelsManager() {
        for (MlpKind mlp : MlpKind.values()) {
            for (boolean bias : new boolean[] {true, false}) {
                try (FourMModel model = FourMModel.create(smallConfig(mlp, bias), 7)) {
                    int before = model.manager().getManagedArrays().size();
                    model.manager().cap();
                    for (int i = 0; i < 2; i++) {
                        try (NDManager m = model.newStepManager()) {
                            model.forward(m, smallBatch(i, false), ForwardOptions.defaults().withFullLogits(true));
                            EncoderOutput enc = model.encode(model.embedEncoder(m, smallBatch(i, false), 5));
                            model.decoderQuery(m, "tok_x@8", 1, new long[] {2}, null);
                            assertThat(enc.context()).isNotNull();
                        }
                    }
                    assertThat(model.manager().getManagedArrays()).as("%s, bias %s", mlp, bias).hasSize(before);
                }
            }
        }
    }

    @Test
    void sameSeedSameModelAndDefaultOrderIsASeededShuffle() {
        FourMConfig c = smallConfig(MlpKind.GELU, true);
        try (FourMModel a = FourMModel.create(c, 9); FourMModel b = FourMModel.create(c, 9);
             FourMModel other = FourMModel.create(c, 10); NDManager m = a.newStepManager()) {
            for (String k : a.parameters().stateDictKeys()) {
                assertThat(b.parameters().get(k).toFloatArray()).as(k)
                        .containsExactly(a.parameters().get(k).toFloatArray());
            }
            assertThat(other.parameters().get("mask_token").toFloatArray())
                    .isNotEqualTo(a.parameters().get("mask_token").toFloatArray());
            ForwardOutput x = a.forward(m, smallBatch(1, false), ForwardOptions.defaults().withShuffleSeed(4));
            ForwardOutput y = b.forward(m, smallBatch(1, false), ForwardOptions.defaults().withShuffleSeed(4));
            assertThat(x.decoderInput().order()).containsExactlyInAnyOrderElementsOf(ORDER)
                    .isEqualTo(y.decoderInput().order());
            assertThat(x.lossMod().getFloat()).isEqualTo(y.lossMod().getFloat());
        }
    }

    @Test
    void badBatchesAreClearErrors() {
        try (FourMModel model = FourMModel.create(smallConfig(MlpKind.GELU, true), 1);
             NDManager m = model.newStepManager()) {
            MaskedBatch batch = smallBatch(1, false);
            assertThatThrownBy(() -> model.embedEncoder(m, batch, 99)).hasMessageContaining("num_encoder_tokens 99");
            assertThatThrownBy(() -> model.embedDecoder(m, batch, List.of("cap", "cap"), 3))
                    .hasMessageContaining("distinct output modalities");
            assertThatThrownBy(() -> model.forward(m, batch, ForwardOptions.defaults()
                    .withDecoderOrder(List.of("cap", "glob")))).hasMessageContaining("permutation");
            Map<String, ModalityTensors> mods = new LinkedHashMap<>(batch.modalities());
            ModalityTensors t = mods.get("tok_x@8");
            long[] ids = t.ids().clone();
            ids[0] = 10;
            mods.put("tok_x@8", ModalityTensors.ofIds("tok_x@8", 2, 4, ids, t.inputMask(), t.targetMask(),
                    t.decoderAttentionMask()));
            assertThatThrownBy(() -> model.embedEncoder(m, new MaskedBatch(mods), 9))
                    .hasMessageContaining("tok_x@8").hasMessageContaining("id 10")
                    .hasMessageContaining("[0, 10)");
            Map<String, ModalityTensors> stranger = new LinkedHashMap<>(batch.modalities());
            stranger.put("depth", ModalityTensors.ofIds("depth", 2, 1, new long[2], new boolean[2], new boolean[2],
                    new int[2]));
            assertThatThrownBy(() -> model.forward(m, new MaskedBatch(stranger), ForwardOptions.defaults()))
                    .hasMessageContaining("'depth' is not a domain");
        }
    }

    @Test
    void initialisationFollowsTheReference() {
        FourMConfig c = smallConfig(MlpKind.SWIGLU, false);
        try (FourMModel model = FourMModel.create(c, 11)) {
            ParameterStore p = model.parameters();
            double qkvBound = Math.sqrt(6.0 / (48 / 3 + 16));
            double kvBound = Math.sqrt(6.0 / (32 / 2 + 16));
            double fc1Bound = Math.sqrt(6.0 / (c.mlpHidden() + 16));
            assertThat(maxAbs(p.get("encoder.0.attn.qkv.weight").toFloatArray())).isLessThanOrEqualTo(qkvBound)
                    .isGreaterThan(0.9 * qkvBound);
            assertThat(maxAbs(p.get("decoder.0.cross_attn.kv.weight").toFloatArray())).isLessThanOrEqualTo(kvBound)
                    .isGreaterThan(0.9 * kvBound);
            assertThat(maxAbs(p.get("decoder.0.mlp.fc1.weight").toFloatArray())).isLessThanOrEqualTo(fc1Bound)
                    .isGreaterThan(0.9 * fc1Bound);
            assertThat(p.get("encoder_norm.weight").toFloatArray()).containsOnly(1f);
            assertThat(p.get("encoder_norm.bias").toFloatArray()).containsOnly(0f);
            assertThat(p.get("decoder_proj_context.bias").toFloatArray()).containsOnly(0f);
            float[] emb = p.get("decoder_embeddings.cap.token_emb.weight").toFloatArray();
            double var = 0;
            for (float x : emb) {
                var += x * x;
            }
            assertThat(Math.sqrt(var / emb.length)).isCloseTo(0.02, within(0.004));
            assertThat(p.get("decoder_embeddings.cap.mod_emb")).isSameAs(p.get("encoder_embeddings.cap.mod_emb"));
            assertThat(p.tiedTo("decoder_embeddings.glob.mod_emb")).contains("encoder_embeddings.glob.mod_emb");
            assertThat(p.get("encoder_embeddings.cap.pos_emb").toFloatArray()).containsExactly(
                    fourm.api.layout.SinCosTables.table1d(512, 16));
            assertThat(p.isBuffer("encoder_embeddings.glob.pos_emb")).isFalse();
            assertThat(p.isBuffer("encoder_embeddings.tok_x@8.pos_emb")).isTrue();
            assertThat(p.bufferNames()).contains("encoder.1.norm2.bias");
            assertThat(p.stateDictKeys()).contains("encoder.0.mlp.fc3.weight")
                    .doesNotContain("encoder.0.mlp.fc1.bias", "encoder.0.attn.qkv.bias");
        }
    }

    @Test
    void qkNormAddsPerHeadNormsEverywhereAndRuns() {
        FourMConfig c = smallConfig(MlpKind.SWIGLU, false).toBuilder().qkNorm(true).build();
        try (FourMModel model = FourMModel.create(c, 2); NDManager m = model.newStepManager()) {
            assertThat(model.parameters().stateDictKeys()).contains("encoder.0.attn.q_norm.weight",
                    "encoder.0.attn.k_norm.bias", "decoder.1.self_attn.q_norm.weight",
                    "decoder.1.cross_attn.k_norm.weight");
            assertThat(model.parameters().shape("decoder.1.cross_attn.q_norm.weight")).containsExactly(8);
            ForwardOutput out = model.forward(m, smallBatch(1, false), ForwardOptions.defaults());
            assertThat(Float.isFinite(out.lossMod().getFloat())).isTrue();
        }
    }

    @Test
    void selfAttentionMaskFollowsTheCumsumAndSeparationRules() {
        FourMConfig c = smallConfig(MlpKind.GELU, true);
        try (FourMModel model = FourMModel.create(c, 1)) {
            // slots: image modality 7 with 2 targets (2 at the first), sequence modality 9 with 2 causal targets,
            // then a padded slot whose id is still 9 before padding
            long[] dam = {2, 0, 1, 1, 0};
            int[] mods = {7, 7, 9, 9, 9};
            boolean[] mask = model.selfAttentionMask(dam, mods, 1, 5);
            boolean[][] expected = {
                {false, false, true, true, true},
                {false, false, true, true, true},
                {true, true, false, true, true},
                {true, true, false, false, true},
                {true, true, false, false, true}};
            for (int i = 0; i < 5; i++) {
                for (int j = 0; j < 5; j++) {
                    assertThat(mask[i * 5 + j]).as("query %d key %d", i, j).isEqualTo(expected[i][j]);
                }
            }
        }
        try (FourMModel causal = FourMModel.create(c.toBuilder().decoderCausalMask(true).decoderSepMask(false)
                .build(), 1)) {
            boolean[] mask = causal.selfAttentionMask(new long[] {4, 0, 0}, new int[] {1, 2, 3}, 1, 3);
            assertThat(mask).containsExactly(false, true, true, false, false, true, false, false, false);
        }
    }
}
