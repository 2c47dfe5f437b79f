/**
 * DINOv2 feature map for fourm: {@code tok_dinov2@224}, a 16x16 grid (patch 14) of ids from the VQ-VAE on DINOv2-B/14
 * features (8192 codes). Values arrive pre-tokenized until the modality's tokenizer is ported.
 */
module fourm.modality.dinov2 {
    requires fourm.api;
    requires fourm.vq;
    requires fourm.vq.modality;

    provides fourm.api.spi.ModalityProvider with
            fourm.modality.dinov2.Dinov2TokensProvider;
}
