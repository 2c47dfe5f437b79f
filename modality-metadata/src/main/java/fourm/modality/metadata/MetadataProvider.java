package fourm.modality.metadata;

import com.typesafe.config.Config;
import fourm.api.Modality;
import fourm.api.spi.ModalityProvider;
import fourm.modality.text.SequenceModalities;

/**
 * {@code metadata}: semantic, geometric and image metadata as WordPiece ids of {@code v1=K v0=V} chunks, at most 40.
 *
 * <p>Written as text by {@link MetadataSerializer} and encoded with the shared text tokenizer (see
 * {@code fourm.modality.text.tokenizer}); with {@code tokenizer = none} values arrive pre-tokenized.
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
        return SequenceModalities.create(node, MetadataSerializer.INSTANCE);
    }
}
