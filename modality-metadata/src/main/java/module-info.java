/**
 * Metadata for fourm: {@code metadata}, semantic, geometric and image metadata as WordPiece ids of {@code v1=K v0=V}
 * chunks, at most 40. Encoded with the shared 4M text tokenizer.
 */
module fourm.modality.metadata {
    requires fourm.api;
    requires fourm.modality.text;

    exports fourm.modality.metadata;

    provides fourm.api.spi.ModalityProvider with
            fourm.modality.metadata.MetadataProvider;
}
