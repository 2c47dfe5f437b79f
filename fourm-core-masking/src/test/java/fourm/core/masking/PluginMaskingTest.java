package fourm.core.masking;

import static org.assertj.core.api.Assertions.assertThat;

import fourm.api.MaskingPolicy;
import fourm.api.ModalityKind;
import fourm.api.ModalitySpec;
import fourm.api.PositionalScheme;
import fourm.api.TokenLayout;
import fourm.api.masking.KeepScheme;
import fourm.api.masking.Maskings;
import fourm.api.masking.ModalityInput;
import fourm.api.masking.ModalitySample;
import fourm.api.masking.SpecialTokens;
import fourm.api.masking.TokenMasking;
import fourm.core.batch.MaskedBatch;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Masking is behaviour a modality brings: the core masks a modality with the plugin's own masking. */
class PluginMaskingTest {
    private static final String THERMAL = "tok_thermal";

    /**
     * A plugin's masking of a grid in reading order: the first cells are inputs, the last cells targets (no
     * randomness); everything else is the kit's random-tokens masking.
     */
    record ReadingOrder(TokenLayout layout) implements TokenMasking {
        private TokenMasking kit() {
            return Maskings.randomTokens(layout);
        }

        @Override
        public String name() {
            return "reading-order";
        }

        @Override
        public boolean usesKeepScheme() {
            return false;
        }

        @Override
        public int targetCap(int inputBudget) {
            return layout.maxTokens() - inputBudget;
        }

        @Override
        public void check(String key, ModalityInput value) {
            kit().check(key, value);
        }

        @Override
        public ModalitySample mask(String key, ModalityInput value, int inputBudget, int targetBudget,
                                   KeepScheme keep, SpecialTokens special, SplittableRandom rng) {
            int n = layout.maxTokens();
            int[] order = new int[n];
            for (int i = 0; i < inputBudget; i++) {
                order[i] = i;
            }
            for (int j = 0; j < targetBudget; j++) {
                order[inputBudget + j] = n - 1 - j;
            }
            return Maskings.grid(key, layout, value, order, inputBudget, targetBudget);
        }

        @Override
        public ModalitySample fullInput(String key, ModalityInput value, SpecialTokens special) {
            return kit().fullInput(key, value, special);
        }

        @Override
        public ModalitySample fullTarget(String key, ModalityInput value, SpecialTokens special) {
            return kit().fullTarget(key, value, special);
        }

        @Override
        public ModalitySample empty(String key) {
            return kit().empty(key);
        }
    }

    /** A 32x64 image as a 2x4 grid of ids, masked in reading order. */
    private static ModalitySpec thermal() {
        ModalitySpec.Builder b = ModalitySpec.builder(THERMAL, ModalityKind.IMAGE_TOKENS).optVocabSize(64)
                .optImageSize(32, 64).optPatchSize(16).setPositional(PositionalScheme.SINCOS_2D).setEncoder(true)
                .setDecoder(true).optGeneration(Specs.grid("x", 64, 32, 16).generation().orElseThrow())
                .setMasking(MaskingPolicy.RANDOM_TOKENS);
        TokenLayout layout = b.build().layout();
        return b.optTokenMasking(new ReadingOrder(layout)).build();
    }

    @Test
    void unifiedMaskingSpendsTheBudgetsThroughThePluginsMasking() {
        Map<String, ModalitySpec> specs = new LinkedHashMap<>();
        specs.put(THERMAL, thermal());
        specs.put("caption", Specs.text("caption", 16));
        assertThat(specs.get(THERMAL).layout().gridShape()).containsExactly(2, 4);
        assertThat(specs.get(THERMAL).withVocabSize(32).tokenMasking()).isEqualTo(specs.get(THERMAL).tokenMasking());
        UnifiedMasking masking = new UnifiedMasking(specs, new MaskingConfig(6, 1, 6, 0,
                AlphaMixture.uniform(specs, 1, 1, KeepScheme.RANDOM), SpecialTokens.REFERENCE, 9));
        SplittableRandom data = new SplittableRandom(4);
        int withTargets = 0;
        java.util.List<MaskedSample> samples = new java.util.ArrayList<>();
        for (long i = 0; i < 200; i++) {
            Map<String, ModalityInput> sample = Samples.random(specs, data);
            MaskedSample m = masking.mask(i, sample);
            samples.add(m);
            ModalitySample t = m.get(THERMAL);
            int in = m.inputBudgets().get(THERMAL);
            int tgt = m.targetBudgets().get(THERMAL);
            assertThat(in + tgt).isLessThanOrEqualTo(8);
            for (int p = 0; p < 8; p++) {
                assertThat(t.inputMask()[p]).as("sample %s cell %s", i, p).isEqualTo(p >= in);
                assertThat(t.targetMask()[p]).as("sample %s cell %s", i, p).isEqualTo(p < 8 - tgt);
            }
            withTargets += tgt > 0 ? 1 : 0;
        }
        assertThat(withTargets).isGreaterThan(50);
        MaskedBatch batch = new MaskingCollator(specs).collate(samples.subList(0, 4));
        assertThat(batch.modalities().get(THERMAL).length()).isEqualTo(8);
        assertThat(batch.batchSize()).isEqualTo(4);

        TransferMasking transfer = new TransferMasking(specs, Set.of(THERMAL), Set.of("caption"),
                SpecialTokens.REFERENCE);
        MaskedSample full = transfer.mask(0, Samples.random(specs, data));
        assertThat(full.get(THERMAL).inputCount()).isEqualTo(8);
    }
}
