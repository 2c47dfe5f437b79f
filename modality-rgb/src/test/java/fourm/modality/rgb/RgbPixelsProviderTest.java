package fourm.modality.rgb;

import fourm.api.ModalityKind;
import fourm.api.PositionalScheme;
import fourm.api.spi.ModalityProvider;
import fourm.contract.ModalityEndToEndContract;
import fourm.testing.ReferenceFacts;

class RgbPixelsProviderTest extends ModalityEndToEndContract {
    @Override
    protected ModalityProvider provider() {
        return new RgbPixelsProvider();
    }

    @Override
    protected ReferenceFacts expected() {
        return ReferenceFacts.inputOnly("rgb@224", ModalityKind.PIXEL_PATCHES, 196, PositionalScheme.SINCOS_2D);
    }
}
