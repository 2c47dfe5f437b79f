/**
 * 3D human poses for fourm: {@code human_poses}, humans with SMPL pose, shape and camera serialised as WordPiece ids:
 * at most 275 tokens, a 263-row positional table. Values arrive pre-tokenized until the modality's tokenizer is ported.
 */
module fourm.modality.pose {
    requires fourm.api;

    provides fourm.api.spi.ModalityProvider with
            fourm.modality.pose.HumanPosesProvider;
}
