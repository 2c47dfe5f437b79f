/**
 * The bounding boxes modality, {@code det}: {@link fourm.modality.det.Detections} of
 * {@link fourm.modality.det.Detection}s, written as text by {@link fourm.modality.det.DetectionSerializer} and
 * tokenized by the shared text tokenizer; the provider is {@link fourm.modality.det.DetectionProvider}.
 */
package fourm.modality.det;
