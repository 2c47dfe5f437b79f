package fourm.modality.det;

import fourm.api.DecoderStrategy;
import fourm.api.GenerationScheme;
import fourm.api.MaskingPolicy;
import fourm.api.ModalityKind;
import fourm.api.ModalitySpec;
import fourm.api.PositionalScheme;
import fourm.api.spi.ModalityProvider;
import fourm.contract.ModalityEndToEndContract;
import fourm.testing.ReferenceFacts;
import java.util.ArrayList;
import java.util.List;

class DetectionProviderTest extends ModalityEndToEndContract {
    @Override
    protected ModalityProvider provider() {
        return new DetectionProvider();
    }

    @Override
    protected ReferenceFacts expected() {
        return ReferenceFacts.discrete("det", ModalityKind.TOKEN_SEQUENCE, 30000, 256,
                PositionalScheme.SINCOS_1D, GenerationScheme.AUTOREGRESSIVE)
                .withSequenceDefaults(30982, MaskingPolicy.SPAN, 256,
                        new DecoderStrategy(GenerationScheme.AUTOREGRESSIVE, 0, 0.3, "constant", 2.0, 0.8),
                        Detections.class);
    }

    /** Detections the text keeps exactly: boxes on the 1000-bin grid, in serialisation order, without scores. */
    @Override
    protected List<Object> sampleValues(ModalitySpec spec) {
        List<Object> values = new ArrayList<>(
                drawn(5, r -> DetectionSerializerTest.expected(DetectionSerializerTest.random(r))));
        values.add(Detections.none());
        return values;
    }
}
