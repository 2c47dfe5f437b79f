/**
 * CLIP feature map for fourm: {@code tok_clip@224}, a 14x14 grid of ids from the VQ-VAE on CLIP-B/16 features (8192
 * codes). Values arrive pre-tokenized until the modality's tokenizer is ported.
 */
module fourm.modality.clip {
    requires fourm.api;
    requires fourm.vq;
    requires fourm.vq.modality;

    provides fourm.api.spi.ModalityProvider with
            fourm.modality.clip.ClipTokensProvider;
}
