/**
 * Text (captions and web text) for fourm: {@code caption}, captions and C4 web text as WordPiece ids, at most 256.
 * Values arrive pre-tokenized until the modality's tokenizer is ported.
 */
module fourm.modality.text {
    requires fourm.api;

    provides fourm.api.spi.ModalityProvider with
            fourm.modality.text.CaptionProvider;
}
