/**
 * Color palette for fourm: {@code color_palette}, up to seven RGB colours serialised as WordPiece ids, at most 23 (7x3
 * + EOS + sentinel). Values arrive pre-tokenized until the modality's tokenizer is ported.
 */
module fourm.modality.color.palette {
    requires fourm.api;

    provides fourm.api.spi.ModalityProvider with
            fourm.modality.color.palette.ColorPaletteProvider;
}
