/**
 * T5-XXL caption embeddings for fourm: {@code t5_caption}, up to 77 T5-XXL encoder vectors of 4096 values, projected
 * linearly; input only.
 */
module fourm.modality.t5.caption {
    requires fourm.api;

    provides fourm.api.spi.ModalityProvider with
            fourm.modality.t5.caption.T5CaptionProvider;
}
