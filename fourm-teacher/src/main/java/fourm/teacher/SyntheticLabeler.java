package fourm.teacher;

import fourm.api.label.DenseMap;
import fourm.api.label.LabelResult;
import fourm.api.label.PseudoLabeler;
import fourm.api.label.Rgb8Image;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link SyntheticImageTeacher} as a pseudo-labeler: a {@code G x G x C} feature map, or a {@code 1 x 1 x C} global
 * embedding of unit length. Thread-safe.
 */
final class SyntheticLabeler implements PseudoLabeler {
    private final String name;
    private final String modalityKey;
    private final SyntheticImageTeacher teacher;
    private final boolean global;
    private final AtomicBoolean closed = new AtomicBoolean();

    SyntheticLabeler(String name, String modalityKey, SyntheticImageTeacher teacher, boolean global) {
        this.name = name;
        this.modalityKey = modalityKey;
        this.teacher = teacher;
        this.global = global;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String modalityKey() {
        return modalityKey;
    }

    /** The network behind the labels. */
    SyntheticImageTeacher teacher() {
        return teacher;
    }

    @Override
    public LabelResult label(Rgb8Image image) {
        Objects.requireNonNull(image, "image");
        if (closed.get()) {
            throw new IllegalStateException("labeler " + name + " is closed");
        }
        if (global) {
            return new DenseMap(name, 1, 1, teacher.channels(), teacher.globalEmbedding(image));
        }
        int g = teacher.gridSide();
        return new DenseMap(name, g, g, teacher.channels(), teacher.featureMap(image));
    }

    @Override
    public void close() {
        closed.set(true);
    }
}
