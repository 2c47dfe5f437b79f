package fourm.modality.normal;

import com.typesafe.config.Config;
import fourm.api.Modality;
import fourm.api.spi.ModalityProvider;
import fourm.vq.modality.ImageTokenModality;
import fourm.vq.values.ImageValueKit;

/**
 * {@code tok_normal@224}: a 14x14 grid of ids from the surface-normal DiVAE tokenizer (8192 codes).
 *
 * <p>The plugin owns its tokenizer. Raw values: surface normals as n * 0.5 + 0.5 in [0, 1] (kit values normal).
 * They are tokenized by the fourm-vq tokenizer whose checkpoint {@code tokenizer.checkpoint} names (see
 * {@link ImageTokenModality}). Without a checkpoint pre-tokenized ids still load for training, and encoding
 * fails naming the key to set.
 */
public final class NormalTokensProvider implements ModalityProvider {
    @Override
    public String key() {
        return "tok_normal@224";
    }

    @Override
    public String configPath() {
        return "fourm.modality.normal.tokens";
    }

    @Override
    public Modality create(Config node) {
        return ImageTokenModality.create(node, configPath(), ImageValueKit.normal());
    }
}
