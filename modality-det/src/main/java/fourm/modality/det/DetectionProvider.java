package fourm.modality.det;

import com.typesafe.config.Config;
import fourm.api.Modality;
import fourm.api.spi.ModalityProvider;
import fourm.modality.text.SequenceModalities;

/**
 * {@code det}: detected boxes serialised as text ({@link DetectionSerializer}) and encoded with the shared text
 * tokenizer, at most 256 ids. The tokenizer's value type is {@link Detections}. With {@code tokenizer = none}, values
 * arrive pre-tokenized.
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
        return SequenceModalities.create(node, DetectionSerializer.reference());
    }
}
