/**
 * 3D human poses for fourm: {@code human_poses}, humans with SMPL pose, shape and camera serialised as WordPiece ids:
 * at most 275 tokens, a 263-row positional table. Encoded with the shared 4M text tokenizer; with a pose
 * tokenizer checkpoint, body poses go through it first.
 */
module fourm.modality.pose {
    requires fourm.api;
    requires fourm.modality.text;
    requires fourm.vq;
    requires fourm.vq.modality;
    requires com.google.gson;

    exports fourm.modality.pose;

    provides fourm.api.spi.ModalityProvider with
            fourm.modality.pose.HumanPosesProvider;
}
