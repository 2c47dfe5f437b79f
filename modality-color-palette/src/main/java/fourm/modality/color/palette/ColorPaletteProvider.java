package fourm.modality.color.palette;

import com.typesafe.config.Config;
import fourm.api.Modality;
import fourm.api.spi.ModalityProvider;
import fourm.modality.text.SequenceModalities;

/**
 * {@code color_palette}: up to seven RGB colours serialised as WordPiece ids, at most 23 (7x3 + EOS + sentinel).
 *
 * <p>Written as text by {@link ColorPaletteSerializer} and encoded with the shared text tokenizer (see
 * {@code fourm.modality.text.tokenizer}); with {@code tokenizer = none} values arrive pre-tokenized.
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
        return SequenceModalities.create(node, ColorPaletteSerializer.INSTANCE);
    }
}
