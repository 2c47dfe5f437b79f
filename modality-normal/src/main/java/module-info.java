/**
 * Surface normals for fourm: {@code tok_normal@224}, a 14x14 grid of ids from the surface-normal DiVAE tokenizer (8192
 * codes). Values arrive pre-tokenized until the modality's tokenizer is ported.
 */
module fourm.modality.normal {
    requires fourm.api;
    requires fourm.vq;
    requires fourm.vq.modality;

    provides fourm.api.spi.ModalityProvider with
            fourm.modality.normal.NormalTokensProvider;
}
