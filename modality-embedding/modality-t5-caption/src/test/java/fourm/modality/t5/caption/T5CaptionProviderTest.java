package fourm.modality.t5.caption;

import static org.assertj.core.api.Assertions.assertThat;

import fourm.api.MaskingPolicy;
import fourm.api.ModalityKind;
import fourm.api.ModalitySpec;
import fourm.api.PositionalScheme;
import fourm.api.spi.ModalityProvider;
import fourm.contract.ModalityEndToEndContract;
import fourm.testing.ReferenceFacts;
import org.junit.jupiter.api.Test;

class T5CaptionProviderTest extends ModalityEndToEndContract {
    @Override
    protected ModalityProvider provider() {
        return new T5CaptionProvider();
    }

    @Override
    protected ReferenceFacts expected() {
        return ReferenceFacts.inputOnly("t5_caption", ModalityKind.EMBEDDING_SEQUENCE, 77, PositionalScheme.SINCOS_1D);
    }

    @Test
    void defaultsStateTheRestOfTheReferenceFacts() {
        ModalitySpec spec = provider().create(node()).spec();
        assertThat(spec.modalityId()).as("reference modality id").isEqualTo(28551);
        assertThat(spec.masking()).isEqualTo(MaskingPolicy.SPAN);
        assertThat(spec.imageSize()).isEmpty();
        assertThat(spec.maxLength()).as("positional table rows").isEqualTo(77);
        assertThat(spec.valueDim()).hasValue(4096);
        assertThat(spec.generation()).isEmpty();
    }

    @Test
    void hasNoTokenizerBecauseVectorsEnterTheModelDirectly() {
        assertThat(provider().create(node()).tokenizer()).isEmpty();
    }
}
