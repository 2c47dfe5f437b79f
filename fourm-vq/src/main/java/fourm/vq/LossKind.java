package fourm.vq;

import java.util.Locale;

/** The reconstruction losses of spec-4m.md §6.1; an {@link ImageValues} names the one its values are trained with. */
public enum LossKind {
    /** Mean squared error. */
    MSE,
    /** Smooth L1 (Huber with beta 1). */
    SMOOTH_L1,
    /** Cross-entropy over classes (class-id maps). */
    CROSS_ENTROPY,
    /** One minus the cosine similarity over channels, averaged over positions. */
    COSINE;

    /** The configuration name: {@code mse}, {@code smooth-l1}, {@code cross-entropy}, {@code cosine}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The loss of a configuration name.
     *
     * @throws IllegalArgumentException listing the names
     */
    public static LossKind fromConfigName(String name) {
        for (LossKind l : values()) {
            if (l.configName().equals(name)) {
                return l;
            }
        }
        throw new IllegalArgumentException("unknown loss '" + name + "'; expected mse, smooth-l1, cross-entropy"
                + " or cosine");
    }
}
