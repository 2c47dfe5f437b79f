package fourm.modality.sam.instance;

import static org.assertj.core.api.Assertions.assertThat;

import fourm.api.DecoderStrategy;
import fourm.api.GenerationScheme;
import fourm.api.MaskingPolicy;
import fourm.api.ModalityKind;
import fourm.api.ModalitySpec;
import fourm.api.PositionalScheme;
import fourm.api.spi.ModalityProvider;
import fourm.testing.ModalityProviderContract;
import fourm.testing.ReferenceFacts;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SamInstanceProviderTest extends ModalityProviderContract {
    @Override
    protected ModalityProvider provider() {
        return new SamInstanceProvider();
    }

    @Override
    protected ReferenceFacts expected() {
        return ReferenceFacts.discrete("sam_instance", ModalityKind.TOKEN_SEQUENCE, 30000, 290,
                PositionalScheme.SINCOS_1D, GenerationScheme.AUTOREGRESSIVE);
    }

    @Test
    void defaultsStateTheRestOfTheReferenceFacts() {
        ModalitySpec spec = provider().create(node()).spec();
        assertThat(spec.modalityId()).as("reference modality id").isEqualTo(1938);
        assertThat(spec.masking()).isEqualTo(MaskingPolicy.SPAN);
        assertThat(spec.imageSize()).isEmpty();
        assertThat(spec.maxLength()).as("positional table rows").isEqualTo(290);
        assertThat(spec.valueDim()).isEmpty();
        assertThat(spec.generation()).contains(new DecoderStrategy(
                GenerationScheme.AUTOREGRESSIVE, 0, 0.01, "constant", 2.0, 0.8));
    }

    /** Values the text keeps exactly (on the serializer's grid, in its canonical order). */
    @Override
    protected List<Object> sampleValues(ModalitySpec spec) {
        SplittableRandom r = new SplittableRandom(42);
        List<Object> values = new ArrayList<>();
        for (int n = 0; n < 6; n++) {
            values.add(SerializerSamples.exact(r));
        }
        return values;
    }

    @Test
    void theTokenizerIsARealOne() {
        assertThat(provider().create(node()).tokenizer()).hasValueSatisfying(t -> {
            assertThat(t.pretokenizedOnly()).isFalse();
            assertThat(t.valueType()).isEqualTo(SamInstances.class);
        });
    }
}
