package fourm.modality.sam.instance;

import com.typesafe.config.Config;
import fourm.api.Modality;
import fourm.api.ModalitySpec;
import fourm.api.spi.ModalityProvider;

/**
 * {@code sam_instance}: SAM instances serialised as WordPiece ids, at most 290.
 *
 * <p>Values arrive pre-tokenized: the modality's tokenizer checks ids against the vocabulary and
 * the token count until the modality's tokenizer is ported.
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
        return Modality.pretokenized(ModalitySpec.fromConfig(node));
    }
}
