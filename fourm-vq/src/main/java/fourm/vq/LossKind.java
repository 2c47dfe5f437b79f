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
    COSINE,
    /**
     * The reference's {@code binary_cross_entropy} for binary masks (the SAM-instance tokenizer), exactly as it
     * computes it: {@code p = sigmoid(logit)}, then the soft-target cross-entropy of the two "logits"
     * {@code (p, 1 - p)} against {@code (t, 1 - t)}, averaged over pixels.
     */
    BINARY_CROSS_ENTROPY;

    /**
     * The configuration name: {@code mse}, {@code smooth-l1}, {@code cross-entropy}, {@code cosine},
     * {@code binary-cross-entropy}.
     */
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
        throw new IllegalArgumentException("unknown loss '" + name + "'; expected mse, smooth-l1, cross-entropy,"
                + " cosine or binary-cross-entropy");
    }
}
