/**
 * Pseudo-labelers: pretrained models that turn a photo into the structured value of one modality.
 *
 * <p>4M's training data is pseudo-labelled: detections, poses, masks and features are produced by pretrained networks
 * run over the photos (spec §9). This package is the engine-agnostic contract for such labelers:
 * <ul>
 *   <li>{@link fourm.api.label.Rgb8Image} - the photo a labeler reads;</li>
 *   <li>{@link fourm.api.label.PseudoLabeler} - labels one photo, returns a {@link fourm.api.label.LabelResult};</li>
 *   <li>{@link fourm.api.label.Detections}, {@link fourm.api.label.Keypoints}, {@link fourm.api.label.DenseMap} -
 *       the structured values the modalities serialise (boxes, body keypoints, masks and feature maps);</li>
 *   <li>{@link fourm.api.label.PseudoLabelerProvider} - the service an implementation module provides, found with
 *       {@link fourm.api.label.PseudoLabelerProvider#installed()};</li>
 *   <li>{@link fourm.api.label.LabelImages} - the service that decodes photos and draws labels over them;</li>
 *   <li>{@link fourm.api.label.ImageInput} - how a dense labeler turns a photo into its model's float input, the
 *       same on every engine;</li>
 *   <li>{@link fourm.api.label.Photo} - a photo, depth or label map as a file holds it, brought upright and to size:
 *       JPEG/PNG decoding with EXIF orientation, 8 or 16 bits (values in [0, 1], 16-bit depth as
 *       {@code value / 65535}), gray, alpha composited on black or dropped, resize and centre crop;</li>
 *   <li>{@link fourm.api.label.DepthStandardization} - the reference's truncated depth standardisation.</li>
 * </ul>
 * Coordinates are always normalised to the photo: x in [0, 1] from the left edge, y in [0, 1] from the top edge.
 */
package fourm.api.label;
