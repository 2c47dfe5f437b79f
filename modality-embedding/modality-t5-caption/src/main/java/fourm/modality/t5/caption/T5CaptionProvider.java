package fourm.modality.t5.caption;

import com.typesafe.config.Config;
import fourm.api.Modality;
import fourm.api.ModalitySpec;
import fourm.api.spi.ModalityProvider;

/**
 * {@code t5_caption}: up to 77 T5-XXL encoder vectors of 4096 values, projected linearly; input only.
 */
public final class T5CaptionProvider implements ModalityProvider {
    @Override
    public String key() {
        return "t5_caption";
    }

    @Override
    public String configPath() {
        return "fourm.modality.t5-caption.embeddings";
    }

    @Override
    public Modality create(Config node) {
        return Modality.continuous(ModalitySpec.fromConfig(node));
    }
}
