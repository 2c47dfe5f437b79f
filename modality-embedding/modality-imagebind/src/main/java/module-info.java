/**
 * ImageBind feature map for fourm: {@code tok_imagebind@224}, a 16x16 grid (patch 14) of ids from the VQ-VAE on
 * ImageBind-H/14 features (8192 codes). Values arrive pre-tokenized until the modality's tokenizer is ported.
 */
module fourm.modality.imagebind {
    requires fourm.api;
    requires fourm.vq;
    requires fourm.vq.modality;

    provides fourm.api.spi.ModalityProvider with
            fourm.modality.imagebind.ImagebindTokensProvider;
}
