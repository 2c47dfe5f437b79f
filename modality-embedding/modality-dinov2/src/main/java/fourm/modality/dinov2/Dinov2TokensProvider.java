package fourm.modality.dinov2;

import com.typesafe.config.Config;
import fourm.api.Modality;
import fourm.api.spi.ModalityProvider;
import fourm.vq.modality.ImageTokenModality;
import fourm.vq.values.ImageValueKit;

/**
 * {@code tok_dinov2@224}: a 16x16 grid (patch 14) of ids from the VQ-VAE on DINOv2-B/14 features (8192 codes).
 *
 * <p>The plugin owns its tokenizer. Raw values: DINOv2 feature maps, one vector per token cell
 * (kit values feature-map).
 * They are tokenized by the fourm-vq tokenizer whose checkpoint {@code tokenizer.checkpoint} names (see
 * {@link ImageTokenModality}). Without a checkpoint pre-tokenized ids still load for training, and encoding
 * fails naming the key to set.
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
        return ImageTokenModality.create(node, configPath(), ImageValueKit.featureMap());
    }
}
