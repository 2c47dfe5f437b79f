package fourm.modality.rgb;

import fourm.api.GenerationScheme;
import fourm.api.ModalityKind;
import fourm.api.ModalitySpec;
import fourm.api.PositionalScheme;
import fourm.api.spi.ModalityProvider;
import fourm.contract.ModalityEndToEndContract;
import fourm.testing.ReferenceFacts;
import fourm.vq.modality.ImageTokenChecks;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    @Override
    protected List<Object> sampleValues(ModalitySpec spec) {
        // A VQ tokenizer is lossy, so decode(encode(v)) is not v: ownsItsTokenizer checks encoding and decoding.
        return List.of();
    }

    @Test
    void ownsItsTokenizer(@TempDir Path dir) throws IOException {
        ImageTokenChecks.run(provider(), node(), "vq-vae", 3, 0, dir);
    }
}
