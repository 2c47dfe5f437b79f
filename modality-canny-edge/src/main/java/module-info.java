/**
 * Canny edges for fourm: {@code tok_canny_edge@224}, a 14x14 grid of ids from the shared edge DiVAE tokenizer (8192
 * codes). Values arrive pre-tokenized until the modality's tokenizer is ported.
 */
module fourm.modality.canny.edge {
    requires fourm.api;
    requires fourm.vq;
    requires fourm.vq.modality;

    provides fourm.api.spi.ModalityProvider with
            fourm.modality.canny.edge.CannyEdgeTokensProvider;
}
