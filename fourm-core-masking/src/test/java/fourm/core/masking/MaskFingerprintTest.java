package fourm.core.masking;

import static org.assertj.core.api.Assertions.assertThat;

import fourm.api.ModalitySpec;
import fourm.api.masking.KeepScheme;
import fourm.api.masking.ModalityInput;
import fourm.api.masking.ModalitySample;
import fourm.api.masking.SpecialTokens;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Pins the masks of fixed seeds: a change in what masking draws or writes changes the fingerprint. */
class MaskFingerprintTest {

    static long fingerprint() {
        Map<String, ModalitySpec> specs = Specs.fourM21();
        Map<String, ModalityAlphas> alphas = new LinkedHashMap<>();
        specs.forEach((key, spec) -> alphas.put(key, new ModalityAlphas(new double[] {0.2, 1},
                spec.decoder() ? new double[] {0.5, 1} : new double[] {0, 0},
                spec.kind().isSequence() ? List.of(KeepScheme.RANDOM, KeepScheme.BINARY) : List.of())));
        MaskingConfig config = new MaskingConfig(256, 16, 256, 0, AlphaMixture.of(new double[] {1, 2}, alphas),
                SpecialTokens.REFERENCE, 77);
        UnifiedMasking unified = new UnifiedMasking(specs, config);
        TransferMasking transfer = new TransferMasking(specs, Set.of("rgb@224", "caption", "t5_caption"),
                Set.of("tok_depth@224", "det", "metadata"), SpecialTokens.REFERENCE);
        SplittableRandom data = new SplittableRandom(5);
        long h = 17;
        for (long i = 0; i < 60; i++) {
            Map<String, ModalityInput> sample = Samples.random(specs, data);
            for (MaskedSample m : List.of(unified.mask(i, sample), transfer.mask(i, sample))) {
                h = h * 31 + m.component();
                for (ModalitySample s : m.modalities().values()) {
                    h = h * 31 + Arrays.hashCode(s.ids());
                    h = h * 31 + Arrays.hashCode(s.values());
                    h = h * 31 + Arrays.hashCode(s.valueShape());
                    h = h * 31 + Arrays.hashCode(s.inputMask());
                    h = h * 31 + Arrays.hashCode(s.targetMask());
                    h = h * 31 + Arrays.hashCode(s.decoderAttentionMask());
                }
                h = h * 31 + m.inputBudgets().hashCode();
                h = h * 31 + m.targetBudgets().hashCode();
            }
        }
        return h;
    }

    @Test
    void masksOfFixedSeedsAreUnchanged() {
        assertThat(fingerprint()).isEqualTo(-1290389499647159243L);
    }
}
