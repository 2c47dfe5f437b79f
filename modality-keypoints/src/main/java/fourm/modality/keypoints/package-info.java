/**
 * The body keypoints modality: its provider ({@link fourm.modality.keypoints.KeypointsProvider}) and its text
 * serialisation ({@link fourm.modality.keypoints.KeypointsSerializer}).
 */
package fourm.modality.keypoints;
