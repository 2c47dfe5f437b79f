package fourm.modality.text;

import com.typesafe.config.Config;
import fourm.api.Modality;
import fourm.api.spi.ModalityProvider;

/**
 * {@code caption}: captions and C4 web text as WordPiece ids, at most 256.
 *
 * <p>The tokenizer is a {@link SequenceTokenizer} of {@link CaptionSerializer} over the text tokenizer the node's
 * {@code tokenizer} setting names (fourm's built-in one by default; see {@link TokenizerSetting}); with
 * {@code tokenizer = none} values arrive pre-tokenized.
 */
public final class CaptionProvider implements ModalityProvider {
    @Override
    public String key() {
        return "caption";
    }

    @Override
    public String configPath() {
        return "fourm.modality.text.caption";
    }

    @Override
    public Modality create(Config node) {
        return SequenceModalities.create(node, CaptionSerializer.INSTANCE);
    }
}
