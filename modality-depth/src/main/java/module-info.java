/**
 * Depth for fourm: {@code tok_depth@224}, a 14x14 grid of ids from the depth DiVAE tokenizer (8192 codes).
 * The plugin owns its fourm-vq tokenizer ({@code tokenizer.checkpoint}).
 */
module fourm.modality.depth {
    requires fourm.api;
    requires fourm.vq;
    requires fourm.vq.modality;

    provides fourm.api.spi.ModalityProvider with
            fourm.modality.depth.DepthTokensProvider;
}
