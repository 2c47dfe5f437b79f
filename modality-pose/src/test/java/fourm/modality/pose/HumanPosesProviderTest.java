package fourm.modality.pose;

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

class HumanPosesProviderTest extends ModalityEndToEndContract {
    @Override
    protected ModalityProvider provider() {
        return new HumanPosesProvider();
    }

    @Override
    protected ReferenceFacts expected() {
        return ReferenceFacts.discrete("human_poses", ModalityKind.TOKEN_SEQUENCE, 30000, 275,
                PositionalScheme.SINCOS_1D, GenerationScheme.AUTOREGRESSIVE)
                .withSequenceDefaults(30584, MaskingPolicy.SPAN, 263,
                        new DecoderStrategy(GenerationScheme.AUTOREGRESSIVE, 0, 0.1, "constant", 2.0, 0.8),
                        HumanPoses.class);
    }

    /** Values the text keeps exactly (on the serializer's grid, in its canonical order). */
    @Override
    protected List<Object> sampleValues(ModalitySpec spec) {
        return drawn(6, SerializerSamples::exact);
    }
}
