package fourm.modality.sam.instance;

import com.typesafe.config.Config;
import fourm.api.Modality;
import fourm.api.spi.ModalityProvider;
import fourm.modality.text.SequenceModalities;

/**
 * {@code sam_instance}: SAM instances serialised as WordPiece ids, at most 290.
 *
 * <p>Written as text by {@link SamInstancesSerializer} and encoded with the shared text tokenizer (see
 * {@code fourm.modality.text.tokenizer}); with {@code tokenizer = none} values arrive pre-tokenized.
 */
public final class SamInstanceProvider implements ModalityProvider {
    @Override
    public String key() {
        return "sam_instance";
    }

    @Override
    public String configPath() {
        return "fourm.modality.sam-instance.tokens";
    }

    @Override
    public Modality create(Config node) {
        return SequenceModalities.create(node, SamInstancesSerializer.INSTANCE);
    }
}
