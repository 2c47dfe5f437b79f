package fourm.core.masking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import fourm.api.MaskingPolicy;
import fourm.api.ModalityKind;
import fourm.api.ModalitySpec;
import fourm.api.masking.KeepScheme;
import fourm.api.masking.ModalityInput;
import fourm.api.masking.ModalitySample;
import fourm.api.masking.SpanMasking;
import fourm.api.masking.SpecialTokens;
import fourm.core.batch.MaskedBatch;
import fourm.core.batch.ModalityTensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class UnifiedMaskingTest {
    private static final SpecialTokens SP = SpecialTokens.REFERENCE;
    private static final Map<String, ModalitySpec> SMALL = Specs.small();

    /** A 3-component mixture over the small specs with random budgets in [min, num]. */
    private static MaskingConfig smallConfig(long seed) {
        double[] w = {1, 2, 1};
        Map<String, ModalityAlphas> alphas = new LinkedHashMap<>();
        SMALL.forEach((key, spec) -> alphas.put(key, new ModalityAlphas(
                new double[] {0.1, 1, spec.kind() == ModalityKind.PIXEL_PATCHES ? 1000 : 0},
                spec.decoder() ? new double[] {0.1, 1, 0.5} : new double[] {0, 0, 0},
                spec.kind().isSequence() ? List.of(KeepScheme.RANDOM, KeepScheme.BINARY, KeepScheme.ALL)
                        : List.of())));
        return new MaskingConfig(64, 8, 64, 0, AlphaMixture.of(w, alphas), SP, seed);
    }

    @Test
    void everySampleRespectsBudgetsAndLayouts() {
        UnifiedMasking masking = new UnifiedMasking(SMALL, smallConfig(42));
        SplittableRandom data = new SplittableRandom(1);
        for (long index = 0; index < 600; index++) {
            Map<String, ModalityInput> sample = Samples.random(SMALL, data);
            MaskedSample masked = masking.mask(index, sample);
            assertWellFormed(masked, sample, masking.config(), SMALL);
        }
    }

    static void assertWellFormed(MaskedSample masked, Map<String, ? extends ModalityInput> sample,
                                 MaskingConfig config, Map<String, ModalitySpec> specs) {
        int inputs = 0;
        int targets = 0;
        for (Map.Entry<String, ModalitySample> e : masked.modalities().entrySet()) {
            ModalitySample m = e.getValue();
            ModalitySpec spec = specs.get(e.getKey());
            int inBudget = masked.inputBudgets().get(e.getKey());
            int tgtBudget = masked.targetBudgets().get(e.getKey());
            assertThat(m.inputCount()).as("%s inputs", e.getKey()).isLessThanOrEqualTo(inBudget);
            assertThat(m.targetCount()).as("%s targets", e.getKey()).isLessThanOrEqualTo(tgtBudget);
            inputs += m.inputCount();
            targets += m.targetCount();
            assertModality(spec, m, sample.get(spec.key()), inBudget, tgtBudget);
        }
        assertThat(masked.inputBudgets().values().stream().mapToInt(Integer::intValue).sum())
                .isLessThanOrEqualTo(config.numInputTokens());
        assertThat(inputs).isLessThanOrEqualTo(config.numInputTokens());
        assertThat(targets).isLessThanOrEqualTo(config.numTargetTokens());
    }

    /** Fails with the formatted message unless {@code ok}; cheap enough for per-position checks. */
    private static void check(boolean ok, String format, Object... args) {
        if (!ok) {
            org.assertj.core.api.Assertions.fail(String.format(format, args));
        }
    }

    static void assertModality(ModalitySpec spec, ModalitySample m, ModalityInput value, int inBudget,
                               int tgtBudget) {
        String key = spec.key();
        check(inBudget >= 0 && inBudget <= spec.maxTokens(), "%s input budget %s outside [0, %s]", key, inBudget,
                spec.maxTokens());
        check(spec.decoder() || m.targetCount() == 0, "%s cannot be a target", key);
        if (spec.kind().isImageLike()) {
            check(m.length() == spec.maxTokens(), "%s length %s", key, m.length());
            check(m.inputCount() == inBudget, "%s has %s inputs, budget %s", key, m.inputCount(), inBudget);
            check(m.targetCount() == tgtBudget, "%s has %s targets, budget %s", key, m.targetCount(), tgtBudget);
            check(inBudget + tgtBudget <= spec.maxTokens(), "%s budgets exceed the grid", key);
            int first = -1;
            for (int i = 0; i < m.length(); i++) {
                check(m.inputMask()[i] || m.targetMask()[i], "%s position %s is input and target", key, i);
                if (!m.targetMask()[i] && first < 0) {
                    first = i;
                }
            }
            for (int i = 0; i < m.length(); i++) {
                check(m.decoderAttentionMask()[i] == (i == first ? tgtBudget : 0),
                        "%s decoder attention %s at %s (first target %s, count %s)", key,
                        m.decoderAttentionMask()[i], i, first, tgtBudget);
            }
            if (spec.kind() == ModalityKind.PIXEL_PATCHES) {
                check(Arrays.equals(m.values(), ((ModalityInput.Pixels) value).values()), "%s pixels changed", key);
            } else {
                int[] ids = ((ModalityInput.Grid) value).ids();
                for (int i = 0; i < ids.length; i++) {
                    check(m.ids()[i] == ids[i], "%s id at %s changed", key, i);
                }
            }
            return;
        }
        if (spec.kind() == ModalityKind.EMBEDDING_SEQUENCE) {
            assertEmbeddings(spec, m, (ModalityInput.Embeddings) value, inBudget);
            return;
        }
        assertSequence(spec, m, value, inBudget, tgtBudget);
    }

    private static void assertEmbeddings(ModalitySpec spec, ModalitySample m, ModalityInput.Embeddings e,
                                         int inBudget) {
        int dim = e.dim();
        int n = m.inputCount();
        check(n <= inBudget, "%s: %s inputs over budget %s", spec.key(), n, inBudget);
        assertThat(m.valueShape()).containsExactly(spec.maxTokens(), dim);
        int nextRow = 0;
        boolean previousWasSentinel = false;
        for (int i = 0; i < m.length(); i++) {
            check(m.inputMask()[i] == (i >= n), "inputs are a prefix (row %s)", i);
            check(m.targetMask()[i], "row %s is not a target", i);
            float[] row = Arrays.copyOfRange(m.values(), i * dim, (i + 1) * dim);
            boolean zero = true;
            for (float v : row) {
                zero &= v == 0;
            }
            if (i >= n) {
                check(zero, "padding row %s is zero", i);
                continue;
            }
            if (zero) {
                check(!previousWasSentinel, "sentinel rows never follow each other (row %s)", i);
                previousWasSentinel = true;
                continue;
            }
            // A kept row: some later original row (rows keep their order).
            boolean found = false;
            while (nextRow < e.rows() && !found) {
                found = Arrays.equals(m.values(), i * dim, (i + 1) * dim, e.values(), nextRow * dim,
                        (nextRow + 1) * dim);
                nextRow++;
            }
            check(found, "row %s is an original row, in order", i);
            previousWasSentinel = false;
        }
    }

    private static void assertSequence(ModalitySpec spec, ModalitySample m, ModalityInput value, int inBudget,
                                       int tgtBudget) {
        String key = spec.key();
        int len = (spec.maxTokens() + 1) * 2;
        check(m.length() == len, "%s length %s", key, m.length());
        int nIn = m.inputCount();
        int nTgt = m.targetCount();
        int[] input = new int[nIn];
        int[] target = new int[nTgt];
        for (int i = 0; i < len; i++) {
            boolean isIn = i < nIn;
            boolean isTgt = i >= inBudget && i < inBudget + nTgt;
            check(!m.inputMask()[i] == isIn, "%s input flag at %s", key, i);
            check(!m.targetMask()[i] == isTgt, "%s target flag at %s (offset %s)", key, i, inBudget);
            check(m.decoderAttentionMask()[i] == (isTgt ? 1 : 0), "%s decoder attention at %s", key, i);
            if (isIn) {
                input[i] = (int) m.ids()[i];
            } else if (isTgt) {
                target[i - inBudget] = (int) m.ids()[i];
            } else {
                check(m.ids()[i] == SP.pad(), "%s padding at %s", key, i);
            }
        }
        int[] original = spec.masking() == MaskingPolicy.CHUNK_SPAN
                ? SpanMasking.flatten(SpanMasking.chunksWithEos(((ModalityInput.Chunks) value).chunks(), spec.maxTokens(), SP))
                : SpanMasking.withEos(((ModalityInput.Tokens) value).ids(), spec.maxTokens(), SP);
        check(nTgt <= tgtBudget, "%s: %s targets over budget %s", key, nTgt, tgtBudget);
        if (nTgt > 0) {
            check(SP.isSentinel(target[0]), "%s: the target starts with a sentinel", key);
        }
        int inputSentinels = (int) Arrays.stream(input).filter(SP::isSentinel).count();
        boolean untruncated = nTgt > 0 && target[0] == SP.sentinel(1)
                && target[nTgt - 1] == SP.sentinel(Math.max(inputSentinels, 1) + 1);
        if (inBudget == 0) {
            assertThat(input).isEmpty();
            if (untruncated) {
                assertThat(Arrays.copyOfRange(target, 1, nTgt - 1)).containsExactly(original);
            }
        } else if (untruncated) {
            assertThat(SpanMasking.merge(input, target, SP)).as("%s merges back", key).containsExactly(original);
        }
    }

    /**
     * For one Dirichlet(alpha) component with no binding cap, the expected input share of modality i is
     * p_i = alpha_i / alpha_0. The share's variance is p_i (1 - p_i) / (alpha_0 + 1), so the mean of S samples has
     * standard deviation sigma_i = sqrt(p_i (1 - p_i) / ((alpha_0 + 1) S)). Flooring and handing out the M - 1 or fewer
     * leftover tokens by argmax moves a share by less than M / N. The tolerance is 5 sigma_i + M / N.
     */
    @Test
    void meanInputShareMatchesTheDirichletExpectation() {
        double[] alpha = {0.5, 1.0, 2.0, 4.5};
        Map<String, ModalitySpec> specs = new LinkedHashMap<>();
        Map<String, ModalityAlphas> alphas = new LinkedHashMap<>();
        for (int i = 0; i < alpha.length; i++) {
            String key = "tok_m" + i;
            specs.put(key, Specs.grid(key, 64, 512, 16)); // 32 x 32 = 1024 tokens: no cap binds
            alphas.put(key, new ModalityAlphas(new double[] {alpha[i]}, new double[] {0.5}, List.of()));
        }
        int n = 1024;
        int samples = 3_000;
        UnifiedMasking masking = new UnifiedMasking(specs,
                new MaskingConfig(n, n, 0, 0, AlphaMixture.of(new double[] {1}, alphas), SP, 2024));
        Map<String, ModalityInput> sample = Samples.random(specs, new SplittableRandom(0));
        double[] share = new double[alpha.length];
        for (long s = 0; s < samples; s++) {
            MaskedSample masked = masking.mask(s, sample);
            for (int i = 0; i < alpha.length; i++) {
                share[i] += masked.get("tok_m" + i).inputCount() / (double) n / samples;
            }
        }
        double a0 = Arrays.stream(alpha).sum();
        for (int i = 0; i < alpha.length; i++) {
            double p = alpha[i] / a0;
            double tolerance = 5 * Math.sqrt(p * (1 - p) / ((a0 + 1) * samples)) + alpha.length / (double) n;
            assertThat(share[i]).as("mean input share of alpha %s (expected %s +- %s)", alpha[i], p, tolerance)
                    .isCloseTo(p, within(tolerance));
        }
    }

    /**
     * Components are drawn with probability weight / sum: with weights 1, 2, 1 over S samples the count of component
     * c has standard deviation sqrt(S p (1 - p)); checked within 5 of them. In the component where rgb has alpha 1000
     * and every other input alpha is 0, rgb takes the whole input budget (up to its cap).
     */
    @Test
    void componentsFollowTheWeightsAndAnRgbComponentGivesRgbEverything() {
        UnifiedMasking masking = new UnifiedMasking(SMALL, smallConfig(7));
        SplittableRandom data = new SplittableRandom(2);
        int samples = 2_000;
        int[] counts = new int[3];
        for (long index = 0; index < samples; index++) {
            MaskedSample m = masking.mask(index, Samples.random(SMALL, data));
            counts[m.component()]++;
            if (m.component() == 2) {
                // The input budget is in [8, 64]; rgb@64 has 16 patches.
                assertThat(m.inputBudgets().get("rgb@64")).isBetween(8, 16);
                m.inputBudgets().forEach((k, v) -> {
                    if (!k.equals("rgb@64")) {
                        assertThat(v).as("%s input in the rgb component", k).isZero();
                    }
                });
            }
        }
        double[] p = {0.25, 0.5, 0.25};
        for (int c = 0; c < 3; c++) {
            assertThat((double) counts[c]).isCloseTo(samples * p[c],
                    within(5 * Math.sqrt(samples * p[c] * (1 - p[c]))));
        }
    }

    @Test
    void sameSeedAndIndexGiveTheSameBatch() {
        SplittableRandom data = new SplittableRandom(3);
        List<Map<String, ModalityInput>> inputs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            inputs.add(Samples.random(SMALL, data));
        }
        MaskingCollator collator = new MaskingCollator(SMALL);
        MaskedBatch a = collator.collate(maskAll(new UnifiedMasking(SMALL, smallConfig(99)), inputs, 100));
        MaskedBatch b = collator.collate(maskAll(new UnifiedMasking(SMALL, smallConfig(99)), inputs, 100));
        assertSameBatch(a, b);
        // Masking in another order (as another worker thread would) gives the same samples.
        UnifiedMasking m = new UnifiedMasking(SMALL, smallConfig(99));
        List<MaskedSample> reversed = new ArrayList<>();
        for (int i = inputs.size() - 1; i >= 0; i--) {
            reversed.add(0, m.mask(100 + i, inputs.get(i)));
        }
        assertSameBatch(a, collator.collate(reversed));
    }

    @Test
    void anotherSampleIndexOrSeedGivesOtherMasks() {
        Map<String, ModalityInput> sample = Samples.random(SMALL, new SplittableRandom(4));
        UnifiedMasking m = new UnifiedMasking(SMALL, smallConfig(5));
        UnifiedMasking other = new UnifiedMasking(SMALL, smallConfig(6));
        for (long i = 0; i < 50; i++) {
            MaskedSample a = m.mask(i, sample);
            assertThat(sameMasks(a, m.mask(i + 1, sample))).as("index %s vs %s", i, i + 1).isFalse();
            assertThat(sameMasks(a, other.mask(i, sample))).as("seed 5 vs 6 at index %s", i).isFalse();
        }
    }

    private static boolean sameMasks(MaskedSample a, MaskedSample b) {
        for (String key : a.modalities().keySet()) {
            ModalitySample x = a.get(key);
            ModalitySample y = b.get(key);
            if (!Arrays.equals(x.inputMask(), y.inputMask()) || !Arrays.equals(x.targetMask(), y.targetMask())
                    || !Arrays.equals(x.ids(), y.ids())) {
                return false;
            }
        }
        return true;
    }

    static List<MaskedSample> maskAll(Masking masking, List<Map<String, ModalityInput>> inputs, long first) {
        List<MaskedSample> out = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            out.add(masking.mask(first + i, inputs.get(i)));
        }
        return out;
    }

    static void assertSameBatch(MaskedBatch a, MaskedBatch b) {
        assertThat(a.modalities().keySet()).containsExactlyElementsOf(b.modalities().keySet());
        for (String key : a.modalities().keySet()) {
            ModalityTensors x = a.modalities().get(key);
            ModalityTensors y = b.modalities().get(key);
            assertThat(Arrays.equals(x.ids(), y.ids())).as("%s ids", key).isTrue();
            assertThat(Arrays.equals(x.values(), y.values())).as("%s values", key).isTrue();
            assertThat(Arrays.equals(x.inputMask(), y.inputMask())).as("%s input mask", key).isTrue();
            assertThat(Arrays.equals(x.targetMask(), y.targetMask())).as("%s target mask", key).isTrue();
            assertThat(Arrays.equals(x.decoderAttentionMask(), y.decoderAttentionMask()))
                    .as("%s decoder attention mask", key).isTrue();
        }
    }
}
