/**
 * Metadata for fourm: {@code metadata}, semantic, geometric and image metadata as WordPiece ids of {@code v1=K v0=V}
 * chunks, at most 40. Values arrive pre-tokenized until the modality's tokenizer is ported.
 */
module fourm.modality.metadata {
    requires fourm.api;

    provides fourm.api.spi.ModalityProvider with
            fourm.modality.metadata.MetadataProvider;
}
