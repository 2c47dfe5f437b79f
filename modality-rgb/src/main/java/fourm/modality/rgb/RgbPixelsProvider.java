package fourm.modality.rgb;

import com.typesafe.config.Config;
import fourm.api.Modality;
import fourm.api.ModalitySpec;
import fourm.api.spi.ModalityProvider;

/**
 * {@code rgb@224}: ImageNet-standardised pixels, cut into 16x16 patches flattened as (ph pw c) and projected
 * linearly. Input only.
 */
public final class RgbPixelsProvider implements ModalityProvider {
    @Override
    public String key() {
        return "rgb@224";
    }

    @Override
    public String configPath() {
        return "fourm.modality.rgb.pixels";
    }

    @Override
    public Modality create(Config node) {
        return Modality.continuous(ModalitySpec.fromConfig(node));
    }
}
