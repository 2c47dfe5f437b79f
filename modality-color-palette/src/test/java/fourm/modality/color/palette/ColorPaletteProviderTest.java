package fourm.modality.color.palette;

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

class ColorPaletteProviderTest extends ModalityEndToEndContract {
    @Override
    protected ModalityProvider provider() {
        return new ColorPaletteProvider();
    }

    @Override
    protected ReferenceFacts expected() {
        return ReferenceFacts.discrete("color_palette", ModalityKind.TOKEN_SEQUENCE, 30000, 23,
                PositionalScheme.SINCOS_1D, GenerationScheme.AUTOREGRESSIVE)
                .withSequenceDefaults(12967, MaskingPolicy.SPAN, 23,
                        new DecoderStrategy(GenerationScheme.AUTOREGRESSIVE, 0, 0.1, "constant", 2.0, 0.8),
                        ColorPalette.class);
    }

    /** Values the text keeps exactly (on the serializer's grid, in its canonical order). */
    @Override
    protected List<Object> sampleValues(ModalitySpec spec) {
        return drawn(6, SerializerSamples::exact);
    }
}
