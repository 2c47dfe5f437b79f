package fourm.modality.rgb;

import com.typesafe.config.Config;
import fourm.api.Modality;
import fourm.api.spi.ModalityProvider;
import fourm.vq.modality.ImageTokenModality;
import fourm.vq.values.ImageValueKit;

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
        return ImageTokenModality.create(node, configPath(), ImageValueKit.rgb());
    }
}
