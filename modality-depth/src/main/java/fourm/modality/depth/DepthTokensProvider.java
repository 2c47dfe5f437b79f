package fourm.modality.depth;

import com.typesafe.config.Config;
import fourm.api.Modality;
import fourm.api.spi.ModalityProvider;
import fourm.vq.modality.ImageTokenModality;
import fourm.vq.values.ImageValueKit;

/**
 * {@code tok_depth@224}: a 14x14 grid of ids from the depth DiVAE tokenizer (8192 codes).
 *
 * <p>The plugin owns its tokenizer. Raw values: depth in any unit, standardised per map as the reference
 * does (kit values depth: {@code fourm.api.label.DepthStandardization}).
 * They are tokenized by the fourm-vq tokenizer whose checkpoint {@code tokenizer.checkpoint} names (see
 * {@link ImageTokenModality}). Without a checkpoint pre-tokenized ids still load for training, and encoding
 * fails naming the key to set.
 */
public final class DepthTokensProvider implements ModalityProvider {
    @Override
    public String key() {
        return "tok_depth@224";
    }

    @Override
    public String configPath() {
        return "fourm.modality.depth.tokens";
    }

    @Override
    public Modality create(Config node) {
        return ImageTokenModality.create(node, configPath(), ImageValueKit.depth());
    }
}
