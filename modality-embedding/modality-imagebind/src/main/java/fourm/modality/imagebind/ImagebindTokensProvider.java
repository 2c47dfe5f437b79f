package fourm.modality.imagebind;

import com.typesafe.config.Config;
import fourm.api.Modality;
import fourm.api.ModalitySpec;
import fourm.api.spi.ModalityProvider;

/**
 * {@code tok_imagebind@224}: a 16x16 grid (patch 14) of ids from the VQ-VAE on ImageBind-H/14 features (8192 codes).
 *
 * <p>Values arrive pre-tokenized: the modality's tokenizer checks ids against the vocabulary and
 * the token count until the modality's tokenizer is ported.
 */
public final class ImagebindTokensProvider implements ModalityProvider {
    @Override
    public String key() {
        return "tok_imagebind@224";
    }

    @Override
    public String configPath() {
        return "fourm.modality.imagebind.tokens";
    }

    @Override
    public Modality create(Config node) {
        return Modality.pretokenized(ModalitySpec.fromConfig(node));
    }
}
