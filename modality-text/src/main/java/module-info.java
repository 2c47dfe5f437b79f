/**
 * Text for fourm: {@code caption} (captions and C4 web text as WordPiece ids, at most 256), and the 4M text tokenizer
 * that every sequence modality shares ({@link fourm.modality.text.TextTokenizer}), fourm's own default tokenizer
 * ({@link fourm.modality.text.TokenizerBuilder}, {@link fourm.modality.text.WordPieceTrainer}) and the serialisation
 * support of the structured sequence modalities.
 *
 * <p>The other sequence modality modules {@code requires fourm.modality.text}.
 */
module fourm.modality.text {
    requires transitive fourm.api;
    requires ai.djl.tokenizers;
    requires com.google.gson;

    exports fourm.modality.text;

    provides fourm.api.spi.ModalityProvider with
            fourm.modality.text.CaptionProvider;
}
