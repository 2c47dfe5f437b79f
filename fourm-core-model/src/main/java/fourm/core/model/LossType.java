package fourm.core.model;

/** How per-modality cross-entropies are combined (spec section 2.5). */
public enum LossType {
    /**
     * Mean over the decoder modalities of the batch of each one's mean cross-entropy; a modality with no target token
     * contributes 0 but stays in the divisor.
     */
    MOD("mod"),
    /** Mean of the per-modality means weighted by each one's logit count (rows x vocabulary), as the reference. */
    TOKEN("token");

    private final String configName;

    LossType(String configName) {
        this.configName = configName;
    }

    /** {@code mod} or {@code token}. */
    public String configName() {
        return configName;
    }

    /** Parses {@code mod} or {@code token}. */
    public static LossType fromConfigName(String name) {
        for (LossType t : values()) {
            if (t.configName.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown loss type '" + name + "'; expected mod or token");
    }
}
