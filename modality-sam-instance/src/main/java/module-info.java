/**
 * SAM instances for fourm: {@code sam_instance}, SAM instances serialised as WordPiece ids, at most 290. Values arrive
 * pre-tokenized until the modality's tokenizer is ported.
 */
module fourm.modality.sam.instance {
    requires fourm.api;

    provides fourm.api.spi.ModalityProvider with
            fourm.modality.sam.instance.SamInstanceProvider;
}
