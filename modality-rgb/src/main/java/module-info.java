/**
 * RGB for fourm: {@code rgb@224} (pixels in 16x16 patches, input only) and {@code tok_rgb@224} (a 14x14 grid of
 * tokens from a 16384-code VQ tokenizer).
 */
module fourm.modality.rgb {
    requires fourm.api;
    requires fourm.vq;
    requires fourm.vq.modality;

    provides fourm.api.spi.ModalityProvider with
            fourm.modality.rgb.RgbPixelsProvider,
            fourm.modality.rgb.RgbTokensProvider;
}
