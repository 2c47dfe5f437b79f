/**
 * Body keypoints for fourm: {@code keypoints}, the COCO-17 keypoints of each person serialised as text
 * ({@code person v2=<keypoint> v0=<x> v1=<y> ...}) and encoded with the shared 4M text tokenizer, at most 256 ids. A
 * modality beyond the reference's 21, plugged in with no change to the core; its pseudo-labeler is
 * {@code keypoints:movenet} (module {@code fourm.tfjs}).
 */
module fourm.modality.keypoints {
    requires fourm.api;
    requires fourm.modality.text;

    exports fourm.modality.keypoints;

    provides fourm.api.spi.ModalityProvider with
            fourm.modality.keypoints.KeypointsProvider;
}
