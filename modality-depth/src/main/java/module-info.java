/**
 * Depth for fourm: {@code tok_depth@224}, a 14x14 grid of ids from the depth DiVAE tokenizer (8192 codes). Values
 * arrive pre-tokenized until the modality's tokenizer is ported.
 */
module fourm.modality.depth {
    requires fourm.api;

    provides fourm.api.spi.ModalityProvider with
            fourm.modality.depth.DepthTokensProvider;
}
