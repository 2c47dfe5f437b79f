/**
 * Bounding boxes for fourm: {@code det}, detected boxes serialised as text ({@code v0=.. v1=.. v2=.. v3=.. class})
 * and encoded with the shared 4M text tokenizer, at most 256 ids.
 */
module fourm.modality.det {
    requires fourm.api;
    requires fourm.modality.text;

    exports fourm.modality.det;

    provides fourm.api.spi.ModalityProvider with
            fourm.modality.det.DetectionProvider;
}
