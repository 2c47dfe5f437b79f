package fourm.api.label;

/**
 * A pretrained model that labels photos for one modality, e.g. {@code det:nanodet} (COCO boxes for {@code det}).
 *
 * <p>Open one through its {@link PseudoLabelerProvider}; close it to free the model's native memory. Labelers read no
 * file and reach no network after they are opened. Unless an implementation says otherwise, one instance may be used
 * from several threads.
 */
public interface PseudoLabeler extends AutoCloseable {

    /** The labeler's name, {@code <modality>:<model>}, e.g. {@code det:nanodet}. */
    String name();

    /** The key of the modality whose values this labeler produces, e.g. {@code det}. */
    String modalityKey();

    /**
     * Labels one photo.
     *
     * @throws IllegalStateException if the labeler is closed or the model fails on this input
     */
    LabelResult label(Rgb8Image image);

    /** Frees the model; later calls to {@link #label(Rgb8Image)} fail. Idempotent. */
    @Override
    void close();
}
