package fourm.modality.clip;

import com.typesafe.config.Config;
import fourm.api.Modality;
import fourm.api.ModalitySpec;
import fourm.api.spi.ModalityProvider;

/**
 * {@code tok_clip@224}: a 14x14 grid of ids from the VQ-VAE on CLIP-B/16 features (8192 codes).
 *
 * <p>Values arrive pre-tokenized: the modality's tokenizer checks ids against the vocabulary and
 * the token count until the modality's tokenizer is ported.
 */
public final class ClipTokensProvider implements ModalityProvider {
    @Override
    public String key() {
        return "tok_clip@224";
    }

    @Override
    public String configPath() {
        return "fourm.modality.clip.tokens";
    }

    @Override
    public Modality create(Config node) {
        return Modality.pretokenized(ModalitySpec.fromConfig(node));
    }
}
