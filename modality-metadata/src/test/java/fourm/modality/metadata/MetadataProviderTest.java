package fourm.modality.metadata;

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

class MetadataProviderTest extends ModalityEndToEndContract {
    @Override
    protected ModalityProvider provider() {
        return new MetadataProvider();
    }

    @Override
    protected ReferenceFacts expected() {
        return ReferenceFacts.discrete("metadata", ModalityKind.TOKEN_SEQUENCE, 30000, 40,
                PositionalScheme.SINCOS_1D, GenerationScheme.AUTOREGRESSIVE)
                .withSequenceDefaults(1951, MaskingPolicy.CHUNK_SPAN, 40,
                        new DecoderStrategy(GenerationScheme.AUTOREGRESSIVE, 0, 0.1, "constant", 2.0, 0.8),
                        Metadata.class);
    }

    /** Values the text keeps exactly (on the serializer's grid, in its canonical order). */
    @Override
    protected List<Object> sampleValues(ModalitySpec spec) {
        return drawn(6, SerializerSamples::exact);
    }
}
