package fourm.core.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import fourm.api.masking.SpecialTokens;
import fourm.core.batch.MaskedBatch;
import fourm.core.batch.ModalityTensors;
import fourm.core.io.MaskedBatchFiles;
import fourm.core.model.Checkpoints;
import fourm.core.model.DecoderQuery;
import fourm.core.model.EncoderOutput;
import fourm.core.model.FourMConfig;
import fourm.core.model.FourMModel;
import fourm.core.model.testing.TestModalities;
import fourm.testing.SharedFiles;
import fourm.testing.Tolerance;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sampler on the reference's golden swiglu_nobias model (tok_rgb@224 256 ids, tok_depth@224 128, caption 128):
 * ROAR, MaskGIT, autoregressive decoding with and without the key-value cache, guidance and chaining.
 */
class GenerationSamplerTest {
    static final String RGB = "tok_rgb@224";
    static final String DEPTH = "tok_depth@224";
    static final String CAPTION = "caption";

    private static FourMModel model;
    private static MaskedBatch golden;

    @BeforeAll
    static void load() throws IOException {
        model = Checkpoints.load(SharedFiles.require("reference/golden/swiglu_nobias/model.safetensors"),
                TestModalities.reference());
        golden = MaskedBatchFiles.read(SharedFiles.require("reference/golden/inputs.safetensors"));
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    /** rgb given in full (the golden batch's ids), depth given or an empty target, caption an empty target. */
    static MaskedBatch start(boolean depthGiven, int captionLength) {
        FourMConfig c = model.config();
        Map<String, ModalityTensors> mods = new LinkedHashMap<>();
        mods.put(RGB, GenerationInputs.fullGrid(c.modality(RGB), 2, golden.modalities().get(RGB).ids()));
        mods.put(DEPTH, depthGiven
                ? GenerationInputs.fullGrid(c.modality(DEPTH), 2, golden.modalities().get(DEPTH).ids())
                : GenerationInputs.emptyTarget(c.modality(DEPTH), 2, 0, SpecialTokens.REFERENCE));
        if (captionLength > 0) {
            mods.put(CAPTION, GenerationInputs.emptyTarget(c.modality(CAPTION), 2, captionLength,
                    SpecialTokens.REFERENCE));
        }
        return new MaskedBatch(mods);
    }

    static final class Recorder implements GenerationListener {
        final List<StepResult> steps = new ArrayList<>();

        @Override
        public void onStep(StepResult r) {
            steps.add(r);
        }

        @Override
        public boolean wantsLogits() {
            return true;
        }
    }

    static GenerationSampler sampler(Recorder r, boolean cache) {
        return GenerationSampler.builder(model).listener(r).kvCache(cache).build();
    }

    @Test
    void greedyRoarInOneStepIsTheArgmaxOfOneDecoderPassOverEveryTarget() {
        GenerationPlan plan = GenerationPlan.builder().condition(RGB)
                .target(DEPTH, Step.roar(1).temperature(0)).build();
        MaskedBatch in = start(false, 0);
        MaskedBatch out = sampler(new Recorder(), true).generate(in, plan, 5);

        long[] expected = new long[2 * 196];
        try (NDManager m = model.newStepManager()) {
            EncoderOutput eo = model.encode(model.embedEncoder(m, in, model.maxValidEncoderTokens(in)));
            long[] pos = new long[2 * 196];
            for (int i = 0; i < pos.length; i++) {
                pos[i] = i % 196;
            }
            DecoderQuery q = model.decoderQuery(m, DEPTH, 2, pos, null);
            NDArray logits = model.logits(DEPTH, model.decode(eo, q.tokens(), q.emb(), null));
            expected = logits.argMax(-1).toLongArray();
        }
        ModalityTensors depth = out.modalities().get(DEPTH);
        assertThat(depth.ids()).containsExactly(expected);
        for (int i = 0; i < 2 * 196; i++) {
            assertThat(depth.inputMask()[i]).isFalse();
            assertThat(depth.targetMask()[i]).isTrue();
        }
        assertThat(out.modalities().get(RGB)).isSameAs(in.modalities().get(RGB));
    }

    @Test
    void roarQueriesTheSameRandomOrderForEverySampleAndCommitsTheScheduledCounts() {
        Recorder rec = new Recorder();
        GenerationPlan plan = GenerationPlan.builder().condition(RGB).target(DEPTH, Step.roar(3)).build();
        MaskedBatch out = sampler(rec, true).generate(start(false, 0), plan, 11);
        assertThat(rec.steps).hasSize(3);
        int[] schedule = TokenSchedule.LINEAR.tokensPerStep(3, 196);
        boolean[] seen = new boolean[196];
        for (int i = 0; i < 3; i++) {
            StepResult r = rec.steps.get(i);
            assertThat(r.queried()[0]).containsExactly(r.queried()[1]);
            assertThat(r.committed()[0]).hasSize(schedule[i]).containsExactly(r.queried()[0]);
            for (int p : r.committed()[0]) {
                assertThat(seen[p]).as("position %d decoded twice", p).isFalse();
                seen[p] = true;
            }
        }
        assertThat(out.modalities().get(DEPTH).targetMask()).doesNotContain(false);
        assertThat(out.modalities().get(DEPTH).inputMask()).doesNotContain(true);
    }

    @Test
    void maskgitCommitsExactlyTheScheduledNumberOfMostConfidentTokensPerStep() {
        Recorder rec = new Recorder();
        GenerationPlan plan = GenerationPlan.builder().condition(RGB)
                .target(DEPTH, Step.maskgit(4).temperature(1.0)).build();
        MaskedBatch in = start(false, 0);
        MaskedBatch out = sampler(rec, true).generate(in, plan, 3);
        int[] schedule = TokenSchedule.COSINE.tokensPerStep(4, 196);
        assertThat(rec.steps).hasSize(4);
        int remaining = 196;
        for (int i = 0; i < 4; i++) {
            StepResult r = rec.steps.get(i);
            for (int b = 0; b < 2; b++) {
                assertThat(r.queried()[b]).as("step %d queries every still-masked position", i).hasSize(remaining);
                assertThat(r.committed()[b]).hasSize(schedule[i]);
                assertThat(Arrays.stream(r.queried()[b]).boxed().toList())
                        .containsAll(Arrays.stream(r.committed()[b]).boxed().toList());
            }
            remaining -= schedule[i];
        }
        // the committed tokens are the ones the step's sampled distribution found most likely: rerun the first step
        // greedily and check that the committed positions are those with the highest max-probability
        Recorder greedy = new Recorder();
        GenerationPlan one = GenerationPlan.builder().condition(RGB)
                .target(DEPTH, Step.maskgit(4).temperature(0)).build();
        sampler(greedy, true).generate(in, one, 3);
        StepResult first = greedy.steps.get(0);
        assertThat(first.committed()[0]).containsExactly(Arrays.copyOf(first.queried()[0], schedule[0]))
                .as("argmax gives every token probability 1: ties keep the lowest positions");
        assertThat(out.modalities().get(DEPTH).targetMask()).doesNotContain(false);
    }

    @Test
    void autoregressiveDecodingWithAndWithoutTheCacheGivesTheSameTokensAndLogits() {
        GenerationPlan plan = GenerationPlan.builder().condition(RGB, DEPTH)
                .target(CAPTION, Step.autoregressive().temperature(1.0)).topP(0.9).build();
        Recorder cached = new Recorder();
        Recorder plain = new Recorder();
        MaskedBatch a = sampler(cached, true).generate(start(true, 24), plan, 2024);
        MaskedBatch b = sampler(plain, false).generate(start(true, 24), plan, 2024);
        Recorder prefix = new Recorder();
        GenerationSampler.builder(model).listener(prefix).kvCache(false).prefixHead(true).build()
                .generate(start(true, 24), plan, 2024);
        StepResult x = cached.steps.get(0);
        StepResult y = plain.steps.get(0);
        StepResult z = prefix.steps.get(0);
        assertThat(x.tokens()[0]).hasSizeGreaterThan(3);
        for (int s = 0; s < 2; s++) {
            assertThat(x.tokens()[s]).containsExactly(y.tokens()[s]);
            assertThat(x.tokens()[s][0]).isEqualTo(SpecialTokens.REFERENCE.sentinel(1));
            assertThat(Tolerance.maxAbsDiff(x.logits()[s], y.logits()[s])).isLessThanOrEqualTo(1e-5);
            assertThat(z.tokens()[s]).containsExactly(y.tokens()[s]);
            assertThat(Tolerance.maxAbsDiff(z.logits()[s], y.logits()[s])).isLessThanOrEqualTo(1e-5);
        }
        assertThat(a.modalities().get(CAPTION).ids()).containsExactly(b.modalities().get(CAPTION).ids());
    }

    @Test
    void autoregressiveDecodingStopsAtTheEndTokenAndMergesTheSpanIntoTheInput() {
        // greedy on this model: decode, then check the merge against the decoded sequence
        Recorder rec = new Recorder();
        GenerationPlan plan = GenerationPlan.builder().condition(RGB, DEPTH)
                .target(CAPTION, Step.autoregressive().temperature(0)).build();
        MaskedBatch out = sampler(rec, true).generate(start(true, 12), plan, 1);
        StepResult r = rec.steps.get(0);
        ModalityTensors cap = out.modalities().get(CAPTION);
        for (int s = 0; s < 2; s++) {
            long[] dec = r.tokens()[s];
            assertThat(dec.length).isLessThanOrEqualTo(12);
            // expected merge: the input [S_1] replaced by the decoded tokens after [S_1] up to the next sentinel
            List<Long> span = new ArrayList<>();
            for (int j = 1; j < dec.length && !SpecialTokens.REFERENCE.isSentinel((int) dec[j]); j++) {
                span.add(dec[j]);
            }
            List<Long> got = new ArrayList<>();
            for (int p = 0; p < cap.length(); p++) {
                if (!cap.inputMask()[s * cap.length() + p]) {
                    got.add(cap.ids()[s * cap.length() + p]);
                }
            }
            assertThat(got).containsExactlyElementsOf(span);
        }
        assertThat(cap.targetMask()).doesNotContain(false);
    }

    @Test
    void guidanceAtScaleOneEqualsNoGuidanceAndGuidanceIsLinearInTheScale() {
        MaskedBatch in = start(false, 0);
        Recorder plain = new Recorder();
        Recorder guided = new Recorder();
        GenerationPlan p1 = GenerationPlan.builder().condition(RGB).target(DEPTH, Step.roar(2).cfgScale(1.0)).build();
        MaskedBatch a = sampler(plain, true).generate(in, p1, 9);
        MaskedBatch b = GenerationSampler.builder(model).listener(guided).alwaysGuide(true).build().generate(in, p1, 9);
        assertThat(a.modalities().get(DEPTH).ids()).containsExactly(b.modalities().get(DEPTH).ids());
        for (int s = 0; s < 2; s++) {
            assertThat(Tolerance.maxAbsDiff(plain.steps.get(0).logits()[s], guided.steps.get(0).logits()[s]))
                    .isLessThanOrEqualTo(1e-5);
        }

        // the first step's logits at scales 0 (the unconditional pass: nothing visible at all), 1 and 3
        float[][] l0 = firstStepLogits(in, Step.roar(2).cfgScale(0.0));
        float[][] l3 = firstStepLogits(in, Step.roar(2).cfgScale(3.0));
        float[][] l1 = plain.steps.get(0).logits();
        for (int s = 0; s < 2; s++) {
            double worst = 0;
            for (int i = 0; i < l1[s].length; i++) {
                assertThat(Float.isFinite(l0[s][i])).as("empty encoder context gives finite logits").isTrue();
                worst = Math.max(worst, Math.abs(l3[s][i] - (l0[s][i] + 3 * (l1[s][i] - l0[s][i]))));
            }
            assertThat(worst).isLessThanOrEqualTo(1e-4);
            assertThat(Tolerance.maxAbsDiff(l0[s], l1[s])).as("the condition matters").isGreaterThan(1e-3);
        }
        // weighted guidance with one condition and weight w is guidance with scale w
        float[][] w3 = firstStepLogits(in, Step.roar(2).cfgWeights(3.0));
        for (int s = 0; s < 2; s++) {
            assertThat(Tolerance.maxAbsDiff(w3[s], l3[s])).isLessThanOrEqualTo(1e-5);
        }
    }

    private static float[][] firstStepLogits(MaskedBatch in, Step step) {
        Recorder r = new Recorder();
        sampler(r, true).generate(in, GenerationPlan.builder().condition(RGB).target(DEPTH, step).build(), 9);
        return r.steps.get(0).logits();
    }

    @Test
    void aChainedPlanConditionsTheSecondTargetOnTheFirst() {
        GenerationPlan greedy = GenerationPlan.builder().condition(RGB)
                .target(DEPTH, Step.roar(1).temperature(0))
                .target(CAPTION, Step.autoregressive().temperature(0)).growConditioning(true).build();
        GenerationPlan hot = GenerationPlan.builder().condition(RGB)
                .target(DEPTH, Step.roar(1).temperature(50))
                .target(CAPTION, Step.autoregressive().temperature(0)).growConditioning(true).build();
        Recorder a = new Recorder();
        Recorder a2 = new Recorder();
        Recorder b = new Recorder();
        sampler(a, true).generate(start(false, 8), greedy, 4);
        sampler(a2, true).generate(start(false, 8), greedy, 4);
        sampler(b, true).generate(start(false, 8), hot, 4);
        assertThat(a.steps.get(0).tokens()[0]).isNotEqualTo(b.steps.get(0).tokens()[0]);
        float[] capA = Arrays.copyOf(a.steps.get(1).logits()[0], 128);
        float[] capA2 = Arrays.copyOf(a2.steps.get(1).logits()[0], 128);
        float[] capB = Arrays.copyOf(b.steps.get(1).logits()[0], 128);
        assertThat(capA).containsExactly(capA2);
        assertThat(Tolerance.maxAbsDiff(capA, capB)).as("caption logits follow the decoded depth").isGreaterThan(1e-3);
        assertThat(a.steps.get(1).step().cfgConditions()).containsExactly(RGB, DEPTH);
    }

    @Test
    void plansThatDoNotFitTheModelOrTheBatchAreRefused() {
        GenerationSampler s = sampler(new Recorder(), true);
        assertThatIllegalArgumentException().isThrownBy(() -> s.generate(start(false, 0),
                GenerationPlan.builder().target(DEPTH, Step.autoregressive()).build(), 1))
                .withMessageContaining("a grid is decoded with maskgit or roar");
        assertThatIllegalArgumentException().isThrownBy(() -> s.generate(start(false, 0),
                GenerationPlan.builder().target(CAPTION, Step.autoregressive()).build(), 1))
                .withMessageContaining("'caption' is not in the batch");
        assertThatIllegalArgumentException().isThrownBy(() -> s.generate(start(false, 0),
                GenerationPlan.builder().condition("caption").target(DEPTH, Step.roar(2)).build(), 1))
                .withMessageContaining("condition 'caption' is not among the inputs");
        assertThatIllegalArgumentException().isThrownBy(() -> s.generate(start(false, 0),
                GenerationPlan.builder().target("tok_normal@224", Step.roar(2)).build(), 1))
                .withMessageContaining("not an output modality");
    }

    @Test
    void spanMergingReplacesEverySentinelByItsSpan() {
        SpecialTokens sp = SpecialTokens.REFERENCE;
        long s1 = sp.sentinel(1);
        long s2 = sp.sentinel(2);
        long s3 = sp.sentinel(3);
        // a [S_1] c [S_2] e  +  [S_1] b [S_2] d d [S_3]  ->  a b c d d e
        long[] merged = GenerationSampler.mergeSpans(List.of(300L, s1, 302L, s2, 304L),
                new long[] {s1, 301, s2, 303, 303, s3}, sp);
        assertThat(merged).containsExactly(300, 301, 302, 303, 303, 304);
        assertThat(GenerationSampler.mergeSpans(List.of(s1), new long[] {s1, s2}, sp)).isEmpty();
        assertThat(GenerationSampler.mergeSpans(List.of(300L, s2), new long[] {299, s1, 301}, sp))
                .containsExactly(300);
    }
}
