package fourm.modality.sam.instance;

import fourm.api.DecoderStrategy;
import fourm.api.GenerationScheme;
import fourm.api.MaskingPolicy;
import fourm.api.ModalityKind;
import fourm.api.ModalitySpec;
import fourm.api.PositionalScheme;
import fourm.api.spi.ModalityProvider;
import fourm.contract.ModalityEndToEndContract;
import fourm.testing.ReferenceFacts;
import java.util.List;

class SamInstanceProviderTest extends ModalityEndToEndContract {
    @Override
    protected ModalityProvider provider() {
        return new SamInstanceProvider();
    }

    @Override
    protected ReferenceFacts expected() {
        return ReferenceFacts.discrete("sam_instance", ModalityKind.TOKEN_SEQUENCE, 30000, 290,
                PositionalScheme.SINCOS_1D, GenerationScheme.AUTOREGRESSIVE)
                .withSequenceDefaults(1938, MaskingPolicy.SPAN, 290,
                        new DecoderStrategy(GenerationScheme.AUTOREGRESSIVE, 0, 0.01, "constant", 2.0, 0.8),
                        SamInstances.class);
    }

    /** Values the text keeps exactly (on the serializer's grid, in its canonical order). */
    @Override
    protected List<Object> sampleValues(ModalitySpec spec) {
        return drawn(6, SerializerSamples::exact);
    }
}
