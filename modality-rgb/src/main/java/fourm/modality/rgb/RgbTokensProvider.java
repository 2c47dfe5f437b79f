package fourm.modality.rgb;

import com.typesafe.config.Config;
import fourm.api.Modality;
import fourm.api.ModalitySpec;
import fourm.api.spi.ModalityProvider;

/** {@code tok_rgb@224}: a 14x14 grid of ids from the RGB VQ tokenizer (16384 codes). */
public final class RgbTokensProvider implements ModalityProvider {
    @Override
    public String key() {
        return "tok_rgb@224";
    }

    @Override
    public String configPath() {
        return "fourm.modality.rgb.tokens";
    }

    @Override
    public Modality create(Config node) {
        return Modality.pretokenized(ModalitySpec.fromConfig(node));
    }
}
