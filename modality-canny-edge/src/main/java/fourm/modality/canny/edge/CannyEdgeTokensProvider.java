package fourm.modality.canny.edge;

import com.typesafe.config.Config;
import fourm.api.Modality;
import fourm.api.spi.ModalityProvider;
import fourm.vq.modality.ImageTokenModality;
import fourm.vq.values.ImageValueKit;

/**
 * {@code tok_canny_edge@224}: a 14x14 grid of ids from the shared edge DiVAE tokenizer (8192 codes).
 *
 * <p>The plugin owns its tokenizer. Raw values: Canny edges: one channel in [0, 1] (1 on edges), kit values edge.
 * They are tokenized by the fourm-vq tokenizer whose checkpoint {@code tokenizer.checkpoint} names (see
 * {@link ImageTokenModality}). Without a checkpoint pre-tokenized ids still load for training, and encoding
 * fails naming the key to set.
 */
public final class CannyEdgeTokensProvider implements ModalityProvider {
    @Override
    public String key() {
        return "tok_canny_edge@224";
    }

    @Override
    public String configPath() {
        return "fourm.modality.canny-edge.tokens";
    }

    @Override
    public Modality create(Config node) {
        return ImageTokenModality.create(node, configPath(), ImageValueKit.edge());
    }
}
