package fourm.modality.color.palette;

import com.typesafe.config.Config;
import fourm.api.Modality;
import fourm.api.ModalitySpec;
import fourm.api.spi.ModalityProvider;

/**
 * {@code color_palette}: up to seven RGB colours serialised as WordPiece ids, at most 23 (7x3 + EOS + sentinel).
 *
 * <p>Values arrive pre-tokenized: the modality's tokenizer checks ids against the vocabulary and
 * the token count until the modality's tokenizer is ported.
 */
public final class ColorPaletteProvider implements ModalityProvider {
    @Override
    public String key() {
        return "color_palette";
    }

    @Override
    public String configPath() {
        return "fourm.modality.color-palette.tokens";
    }

    @Override
    public Modality create(Config node) {
        return Modality.pretokenized(ModalitySpec.fromConfig(node));
    }
}
