package fourm.modality.normal;

import static org.assertj.core.api.Assertions.assertThat;

import fourm.api.DecoderStrategy;
import fourm.api.GenerationScheme;
import fourm.api.MaskingPolicy;
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

class NormalTokensProviderTest extends ModalityEndToEndContract {
    @Override
    protected ModalityProvider provider() {
        return new NormalTokensProvider();
    }

    @Override
    protected ReferenceFacts expected() {
        return ReferenceFacts.discrete("tok_normal@224", ModalityKind.IMAGE_TOKENS, 8192, 196,
                PositionalScheme.SINCOS_2D, GenerationScheme.ROAR);
    }

    @Test
    void defaultsStateTheRestOfTheReferenceFacts() {
        ModalitySpec spec = provider().create(node()).spec();
        assertThat(spec.modalityId()).as("reference modality id").isEqualTo(16656);
        assertThat(spec.masking()).isEqualTo(MaskingPolicy.RANDOM_TOKENS);
        assertThat(spec.imageSize()).hasValue(224);
        assertThat(spec.patchSize()).hasValue(16);
        assertThat(spec.gridSide()).hasValue(14);
        assertThat(spec.valueDim()).isEmpty();
        assertThat(spec.generation()).contains(new DecoderStrategy(
                GenerationScheme.ROAR, 1, 0.01, "constant", 2.0, 0.8));
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
