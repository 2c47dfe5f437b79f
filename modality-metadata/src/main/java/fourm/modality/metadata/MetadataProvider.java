package fourm.modality.metadata;

import com.typesafe.config.Config;
import fourm.api.Modality;
import fourm.api.ModalitySpec;
import fourm.api.spi.ModalityProvider;

/**
 * {@code metadata}: semantic, geometric and image metadata as WordPiece ids of {@code v1=K v0=V} chunks, at most 40.
 *
 * <p>Values arrive pre-tokenized: the modality's tokenizer checks ids against the vocabulary and
 * the token count until the modality's tokenizer is ported.
 */
public final class MetadataProvider implements ModalityProvider {
    @Override
    public String key() {
        return "metadata";
    }

    @Override
    public String configPath() {
        return "fourm.modality.metadata.tokens";
    }

    @Override
    public Modality create(Config node) {
        return Modality.pretokenized(ModalitySpec.fromConfig(node));
    }
}
