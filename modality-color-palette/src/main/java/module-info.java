/**
 * Color palette for fourm: {@code color_palette}, up to seven RGB colours serialised as WordPiece ids, at most 23 (7x3
 * + EOS + sentinel). Encoded with the shared 4M text tokenizer.
 */
module fourm.modality.color.palette {
    requires fourm.api;
    requires fourm.modality.text;

    exports fourm.modality.color.palette;

    provides fourm.api.spi.ModalityProvider with
            fourm.modality.color.palette.ColorPaletteProvider;
}
