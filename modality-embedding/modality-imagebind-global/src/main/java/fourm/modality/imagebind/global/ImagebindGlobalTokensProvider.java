package fourm.modality.imagebind.global;

import com.typesafe.config.Config;
import fourm.api.Modality;
import fourm.api.spi.ModalityProvider;
import fourm.vq.modality.ImageTokenModality;
import fourm.vq.values.ImageValueKit;

/**
 * {@code tok_imagebind_global}: 16 Memcodes ids of the ImageBind-H/14 global embedding, on a 4x4 pseudo-grid with
 * learned positions.
 *
 * <p>The plugin owns its tokenizer. Raw values: one ImageBind global embedding per image (kit values global-embedding).
 * They are tokenized by the fourm-vq tokenizer whose checkpoint {@code tokenizer.checkpoint} names (see
 * {@link ImageTokenModality}). Without a checkpoint pre-tokenized ids still load for training, and encoding
 * fails naming the key to set.
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
        return ImageTokenModality.create(node, configPath(), ImageValueKit.globalEmbedding());
    }
}
