package fourm.modality.keypoints;

import com.typesafe.config.Config;
import fourm.api.Modality;
import fourm.api.spi.ModalityProvider;
import fourm.modality.text.SequenceModalities;

/**
 * {@code keypoints}: the COCO-17 body keypoints of each person, serialised as text ({@link KeypointsSerializer}) and
 * encoded with the shared text tokenizer, at most 256 ids. The tokenizer's value type is
 * {@link fourm.api.label.Keypoints}, what the {@code keypoints:movenet} pseudo-labeler returns. With
 * {@code tokenizer = none}, values arrive pre-tokenized.
 */
public final class KeypointsProvider implements ModalityProvider {
    /** Constructed by the service loader. */
    public KeypointsProvider() {
    }

    @Override
    public String key() {
        return "keypoints";
    }

    @Override
    public String configPath() {
        return "fourm.modality.keypoints.tokens";
    }

    @Override
    public Modality create(Config node) {
        return SequenceModalities.create(node, new KeypointsSerializer());
    }
}
