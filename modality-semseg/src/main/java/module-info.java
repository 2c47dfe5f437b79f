/**
 * Semantic segmentation for fourm: {@code tok_semseg@224}, a 14x14 grid of ids from the semantic-segmentation VQ-VAE
 * (4096 codes), with its tokenizer (fourm.vq.modality.ImageTokenModality) and the names of its 133 COCO panoptic
 * classes.
 */
module fourm.modality.semseg {
    requires fourm.api;
    requires fourm.vq;
    requires fourm.vq.modality;

    provides fourm.api.spi.ModalityProvider with
            fourm.modality.semseg.SemsegTokensProvider;
}
