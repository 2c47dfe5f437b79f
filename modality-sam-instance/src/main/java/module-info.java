/**
 * SAM instances for fourm: {@code sam_instance}, SAM instances serialised as WordPiece ids, at most 290. Encoded with the shared 4M text tokenizer;
 * with a mask tokenizer checkpoint, instance masks go through it first.
 */
module fourm.modality.sam.instance {
    requires fourm.api;
    requires fourm.modality.text;
    requires fourm.vq;
    requires fourm.vq.modality;
    requires com.google.gson;

    exports fourm.modality.sam.instance;

    provides fourm.api.spi.ModalityProvider with
            fourm.modality.sam.instance.SamInstanceProvider;
}
