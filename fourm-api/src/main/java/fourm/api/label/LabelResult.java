package fourm.api.label;

/**
 * What a {@link PseudoLabeler} returns for one photo: the structured value its modality serialises
 * ({@link Detections}, {@link Keypoints}, {@link DenseMap}, or a type of the implementation's own).
 *
 * <p>Implementations are immutable.
 */
public interface LabelResult {

    /**
     * The label as the JSON document a label file holds. For detections this is the reference's format (spec §9):
     * {@code {"instances":[{"boxes":[xmin,ymin,xmax,ymax],"class_name":"person","score":0.87}]}}.
     */
    String toJson();
}
