package fourm.modality.det;

import com.typesafe.config.Config;
import fourm.api.Modality;
import fourm.api.ModalitySpec;
import fourm.api.spi.ModalityProvider;

/**
 * {@code det}: detected boxes serialised as WordPiece ids, at most 256.
 *
 * <p>Values arrive pre-tokenized: the modality's tokenizer checks ids against the vocabulary and
 * the token count until the modality's tokenizer is ported.
 */
public final class DetectionProvider implements ModalityProvider {
    @Override
    public String key() {
        return "det";
    }

    @Override
    public String configPath() {
        return "fourm.modality.det.tokens";
    }

    @Override
    public Modality create(Config node) {
        return Modality.pretokenized(ModalitySpec.fromConfig(node));
    }
}
