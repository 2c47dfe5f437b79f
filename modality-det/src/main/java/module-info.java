/**
 * Bounding boxes for fourm: {@code det}, detected boxes serialised as WordPiece ids, at most 256. Values arrive
 * pre-tokenized until the modality's tokenizer is ported.
 */
module fourm.modality.det {
    requires fourm.api;

    provides fourm.api.spi.ModalityProvider with
            fourm.modality.det.DetectionProvider;
}
