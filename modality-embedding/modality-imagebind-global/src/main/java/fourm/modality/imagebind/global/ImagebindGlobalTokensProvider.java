package fourm.modality.imagebind.global;

import com.typesafe.config.Config;
import fourm.api.Modality;
import fourm.api.ModalitySpec;
import fourm.api.spi.ModalityProvider;

/**
 * {@code tok_imagebind_global}: 16 Memcodes ids of the ImageBind-H/14 global embedding, on a 4x4 pseudo-grid with
 * learned positions.
 *
 * <p>Values arrive pre-tokenized: the modality's tokenizer checks ids against the vocabulary and
 * the token count until the modality's tokenizer is ported.
 */
public final class ImagebindGlobalTokensProvider implements ModalityProvider {
    @Override
    public String key() {
        return "tok_imagebind_global";
    }

    @Override
    public String configPath() {
        return "fourm.modality.imagebind-global.tokens";
    }

    @Override
    public Modality create(Config node) {
        return Modality.pretokenized(ModalitySpec.fromConfig(node));
    }
}
