/**
 * Pretrained pseudo-labelers on TF.js graph models, discovered through {@link fourm.api.label.PseudoLabelerProvider}:
 * {@code det:nanodet} ({@link fourm.tfjs.label.NanoDetProvider}), {@code keypoints:movenet}
 * ({@link fourm.tfjs.label.MoveNetProvider}), {@code person-mask:selfie} ({@link fourm.tfjs.label.SelfieProvider})
 * and {@code features:movenet-backbone} ({@link fourm.tfjs.label.MoveNetBackboneProvider}); the generic
 * {@code features:savedmodel} ({@link fourm.tfjs.label.SavedModelProvider}, {@link fourm.tfjs.label.SavedModelLabeler}),
 * a dense map from any TensorFlow SavedModel; and
 * {@link fourm.tfjs.label.AwtLabelImages}, which reads photos and draws label overlays.
 */
package fourm.tfjs.label;
