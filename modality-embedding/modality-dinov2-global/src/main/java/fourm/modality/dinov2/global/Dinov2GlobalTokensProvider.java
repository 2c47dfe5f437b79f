package fourm.modality.dinov2.global;

import com.typesafe.config.Config;
import fourm.api.Modality;
import fourm.api.spi.ModalityProvider;
import fourm.vq.modality.ImageTokenModality;
import fourm.vq.values.ImageValueKit;

/**
 * {@code tok_dinov2_global}: 16 Memcodes ids of the DINOv2-B/14 global embedding, on a 4x4 pseudo-grid with learned
 * positions.
 *
 * <p>The plugin owns its tokenizer. Raw values: one DINOv2 global embedding per image (kit values global-embedding).
 * They are tokenized by the fourm-vq tokenizer whose checkpoint {@code tokenizer.checkpoint} names (see
 * {@link ImageTokenModality}). Without a checkpoint pre-tokenized ids still load for training, and encoding
 * fails naming the key to set.
 */
public final class Dinov2GlobalTokensProvider implements ModalityProvider {
    @Override
    public String key() {
        return "tok_dinov2_global";
    }

    @Override
    public String configPath() {
        return "fourm.modality.dinov2-global.tokens";
    }

    @Override
    public Modality create(Config node) {
        return ImageTokenModality.create(node, configPath(), ImageValueKit.globalEmbedding());
    }
}
