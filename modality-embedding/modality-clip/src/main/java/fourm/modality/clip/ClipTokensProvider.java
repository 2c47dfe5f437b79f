package fourm.modality.clip;

import com.typesafe.config.Config;
import fourm.api.Modality;
import fourm.api.spi.ModalityProvider;
import fourm.vq.modality.ImageTokenModality;
import fourm.vq.values.ImageValueKit;

/**
 * {@code tok_clip@224}: a 14x14 grid of ids from the VQ-VAE on CLIP-B/16 features (8192 codes).
 *
 * <p>The plugin owns its tokenizer. Raw values: CLIP feature maps, one vector per token cell (kit values feature-map).
 * They are tokenized by the fourm-vq tokenizer whose checkpoint {@code tokenizer.checkpoint} names (see
 * {@link ImageTokenModality}). Without a checkpoint pre-tokenized ids still load for training, and encoding
 * fails naming the key to set.
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
        return ImageTokenModality.create(node, configPath(), ImageValueKit.featureMap());
    }
}
