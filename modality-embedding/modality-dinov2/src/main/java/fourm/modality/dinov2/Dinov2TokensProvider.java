package fourm.modality.dinov2;

import com.typesafe.config.Config;
import fourm.api.Modality;
import fourm.api.ModalitySpec;
import fourm.api.spi.ModalityProvider;

/**
 * {@code tok_dinov2@224}: a 16x16 grid (patch 14) of ids from the VQ-VAE on DINOv2-B/14 features (8192 codes).
 *
 * <p>Values arrive pre-tokenized: the modality's tokenizer checks ids against the vocabulary and
 * the token count until the modality's tokenizer is ported.
 */
public final class Dinov2TokensProvider implements ModalityProvider {
    @Override
    public String key() {
        return "tok_dinov2@224";
    }

    @Override
    public String configPath() {
        return "fourm.modality.dinov2.tokens";
    }

    @Override
    public Modality create(Config node) {
        return Modality.pretokenized(ModalitySpec.fromConfig(node));
    }
}
