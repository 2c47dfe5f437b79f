package fourm.core.masking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fourm.api.ModalitySpec;
import fourm.api.masking.ModalityInput;
import fourm.api.masking.ModalitySample;
import fourm.api.masking.SpecialTokens;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TransferMaskingTest {
    private static final SpecialTokens SP = SpecialTokens.REFERENCE;
    private static final Map<String, ModalitySpec> SMALL = Specs.small();

    @Test
    void inputsAreFullyVisibleTargetsFullyTargetOthersEmpty() {
        TransferMasking t = new TransferMasking(SMALL, Set.of("rgb@64", "caption", "t5_caption"),
                Set.of("tok_rgb@64", "metadata"), SP);
        Map<String, ModalityInput> sample = Samples.random(SMALL, new SplittableRandom(1));
        sample.put("caption", new ModalityInput.Tokens(new int[] {300, 301, 302}));
        sample.put("metadata", new ModalityInput.Chunks(List.of(new int[] {400, 401}, new int[] {402, 403})));
        MaskedSample m = t.mask(0, sample);

        ModalitySample rgb = m.get("rgb@64");
        assertThat(rgb.inputCount()).isEqualTo(16);
        assertThat(rgb.targetCount()).isZero();

        ModalitySample tok = m.get("tok_rgb@64");
        assertThat(tok.inputCount()).isZero();
        assertThat(tok.targetCount()).isEqualTo(64);
        assertThat(tok.decoderAttentionMask()[0]).isEqualTo(64);
        assertThat(java.util.Arrays.stream(tok.decoderAttentionMask()).sum()).isEqualTo(64);

        ModalitySample cap = m.get("caption");
        assertThat(cap.inputCount()).isEqualTo(4);
        assertThat(cap.targetCount()).isZero();
        assertThat(java.util.Arrays.copyOf(cap.ids(), 5)).containsExactly(300, 301, 302, 3, 0);

        ModalitySample meta = m.get("metadata");
        int max = SMALL.get("metadata").maxTokens();
        assertThat(meta.inputCount()).isZero();
        assertThat(meta.targetCount()).isEqualTo(7);
        assertThat(java.util.Arrays.copyOfRange(meta.ids(), max, max + 7))
                .containsExactly(5, 400, 401, 402, 403, 3, 6);
        for (int i = max; i < max + 7; i++) {
            assertThat(meta.targetMask()[i]).isFalse();
            assertThat(meta.decoderAttentionMask()[i]).isEqualTo(1);
        }

        ModalityInput.Embeddings e = (ModalityInput.Embeddings) sample.get("t5_caption");
        assertThat(m.get("t5_caption").inputCount()).isEqualTo(e.rows());

        for (String other : List.of("tok_depth@64", "tok_g")) {
            assertThat(m.get(other).inputCount()).isZero();
            assertThat(m.get(other).targetCount()).isZero();
        }
    }

    @Test
    void aLongTargetFitsTheTensor() {
        ModalitySpec cap = SMALL.get("caption");
        TransferMasking t = new TransferMasking(SMALL, Set.of(), Set.of("caption"), SP);
        Map<String, ModalityInput> sample = Map.of("caption", new ModalityInput.Tokens(
                new SplittableRandom(2).ints(500, 300, 30000).toArray()));
        ModalitySample m = t.mask(0, sample).get("caption");
        assertThat(m.targetCount()).isEqualTo(cap.maxTokens() + 2);
        assertThat(m.ids()[m.length() - 1]).isEqualTo(SP.sentinel(2));
    }

    @Test
    void refusesImpossibleTasks() {
        assertThatThrownBy(() -> new TransferMasking(SMALL, Set.of(), Set.of("rgb@64"), SP))
                .hasMessageContaining("rgb@64").hasMessageContaining("cannot be a target");
        assertThatThrownBy(() -> new TransferMasking(SMALL, Set.of("caption"), Set.of("caption"), SP))
                .hasMessageContaining("both");
        assertThatThrownBy(() -> new TransferMasking(SMALL, Set.of("thermal"), Set.of(), SP))
                .hasMessageContaining("unknown modality 'thermal'");
    }
}
