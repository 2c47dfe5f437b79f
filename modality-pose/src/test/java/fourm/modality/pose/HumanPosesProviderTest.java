package fourm.modality.pose;

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

class HumanPosesProviderTest extends ModalityProviderContract {
    @Override
    protected ModalityProvider provider() {
        return new HumanPosesProvider();
    }

    @Override
    protected ReferenceFacts expected() {
        return ReferenceFacts.discrete("human_poses", ModalityKind.TOKEN_SEQUENCE, 30000, 275,
                PositionalScheme.SINCOS_1D, GenerationScheme.AUTOREGRESSIVE);
    }

    @Test
    void defaultsStateTheRestOfTheReferenceFacts() {
        ModalitySpec spec = provider().create(node()).spec();
        assertThat(spec.modalityId()).as("reference modality id").isEqualTo(30584);
        assertThat(spec.masking()).isEqualTo(MaskingPolicy.SPAN);
        assertThat(spec.imageSize()).isEmpty();
        assertThat(spec.maxLength()).as("positional table rows").isEqualTo(263);
        assertThat(spec.valueDim()).isEmpty();
        assertThat(spec.generation()).contains(new DecoderStrategy(
                GenerationScheme.AUTOREGRESSIVE, 0, 0.1, "constant", 2.0, 0.8));
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
            assertThat(t.valueType()).isEqualTo(HumanPoses.class);
        });
    }
}
