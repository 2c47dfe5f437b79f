package fourm.modality.rgb;

import fourm.api.GenerationScheme;
import fourm.api.ModalityKind;
import fourm.api.PositionalScheme;
import fourm.api.spi.ModalityProvider;
import fourm.contract.ModalityEndToEndContract;
import fourm.testing.ReferenceFacts;

class RgbTokensProviderTest extends ModalityEndToEndContract {
    @Override
    protected ModalityProvider provider() {
        return new RgbTokensProvider();
    }

    @Override
    protected ReferenceFacts expected() {
        return ReferenceFacts.discrete("tok_rgb@224", ModalityKind.IMAGE_TOKENS, 16384, 196,
                PositionalScheme.SINCOS_2D, GenerationScheme.ROAR);
    }
}
