package fourm.modality.depth;

import com.typesafe.config.Config;
import fourm.api.Modality;
import fourm.api.ModalitySpec;
import fourm.api.spi.ModalityProvider;

/**
 * {@code tok_depth@224}: a 14x14 grid of ids from the depth DiVAE tokenizer (8192 codes).
 *
 * <p>Values arrive pre-tokenized: the modality's tokenizer checks ids against the vocabulary and
 * the token count until the modality's tokenizer is ported.
 */
public final class DepthTokensProvider implements ModalityProvider {
    @Override
    public String key() {
        return "tok_depth@224";
    }

    @Override
    public String configPath() {
        return "fourm.modality.depth.tokens";
    }

    @Override
    public Modality create(Config node) {
        return Modality.pretokenized(ModalitySpec.fromConfig(node));
    }
}
