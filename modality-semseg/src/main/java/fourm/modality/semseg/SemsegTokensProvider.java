package fourm.modality.semseg;

import com.typesafe.config.Config;
import fourm.api.Modality;
import fourm.api.spi.ModalityProvider;
import fourm.vq.modality.ImageTokenModality;
import fourm.vq.values.ImageValueKit;

/**
 * {@code tok_semseg@224}: a 14x14 grid of ids from the semantic-segmentation VQ-VAE (4096 codes).
 *
 * <p>The plugin owns its tokenizer. Raw values: class ids, 255 for no class (kit values semseg).
 * They are tokenized by the fourm-vq tokenizer whose checkpoint {@code tokenizer.checkpoint} names (see
 * {@link ImageTokenModality}). Without a checkpoint pre-tokenized ids still load for training, and encoding
 * fails naming the key to set.
 */
public final class SemsegTokensProvider implements ModalityProvider {
    @Override
    public String key() {
        return "tok_semseg@224";
    }

    @Override
    public String configPath() {
        return "fourm.modality.semseg.tokens";
    }

    @Override
    public Modality create(Config node) {
        return ImageTokenModality.create(node, configPath(), ImageValueKit.semseg());
    }
}
