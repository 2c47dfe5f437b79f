package fourm.modality.det;

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

class DetectionProviderTest extends ModalityProviderContract {
    @Override
    protected ModalityProvider provider() {
        return new DetectionProvider();
    }

    @Override
    protected ReferenceFacts expected() {
        return ReferenceFacts.discrete("det", ModalityKind.TOKEN_SEQUENCE, 30000, 256,
                PositionalScheme.SINCOS_1D, GenerationScheme.AUTOREGRESSIVE);
    }

    @Test
    void defaultsStateTheRestOfTheReferenceFacts() {
        ModalitySpec spec = provider().create(node()).spec();
        assertThat(spec.modalityId()).as("reference modality id").isEqualTo(30982);
        assertThat(spec.masking()).isEqualTo(MaskingPolicy.SPAN);
        assertThat(spec.imageSize()).isEmpty();
        assertThat(spec.maxLength()).as("positional table rows").isEqualTo(256);
        assertThat(spec.valueDim()).isEmpty();
        assertThat(spec.generation()).contains(new DecoderStrategy(
                GenerationScheme.AUTOREGRESSIVE, 0, 0.3, "constant", 2.0, 0.8));
    }

    /** Detections the text keeps exactly: boxes on the 1000-bin grid, in serialisation order, without scores. */
    @Override
    protected List<Object> sampleValues(ModalitySpec spec) {
        SplittableRandom r = new SplittableRandom(42);
        List<Object> values = new ArrayList<>();
        for (int n = 0; n < 5; n++) {
            values.add(DetectionSerializerTest.expected(DetectionSerializerTest.random(r)));
        }
        values.add(Detections.none());
        return values;
    }

    @Test
    void theTokenizerIsARealOneForDetections() {
        assertThat(provider().create(node()).tokenizer()).hasValueSatisfying(t -> {
            assertThat(t.pretokenizedOnly()).isFalse();
            assertThat(t.valueType()).isEqualTo(Detections.class);
        });
    }
}
