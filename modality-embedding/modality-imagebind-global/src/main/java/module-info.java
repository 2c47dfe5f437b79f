/**
 * ImageBind global embedding for fourm: {@code tok_imagebind_global}, 16 Memcodes ids of the ImageBind-H/14 global
 * embedding, on a 4x4 pseudo-grid with learned positions. Values arrive pre-tokenized until the modality's tokenizer is
 * ported.
 */
module fourm.modality.imagebind.global {
    requires fourm.api;
    requires fourm.vq;
    requires fourm.vq.modality;

    provides fourm.api.spi.ModalityProvider with
            fourm.modality.imagebind.global.ImagebindGlobalTokensProvider;
}
