package fourm.api.masking;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/** How the keep probability of span masking is chosen per sample (the reference's {@code keep} setting). */
public enum KeepScheme {
    /** keep_prob ~ U(0, 1). */
    RANDOM("random"),
    /** keep_prob = 1: the whole sequence is input unless the budget forces it down. */
    ALL("all"),
    /** keep_prob is 0 or 1 with equal probability. */
    BINARY("binary");

    private final String configName;

    KeepScheme(String configName) {
        this.configName = configName;
    }

    /** The name used in configuration files. */
    public String configName() {
        return configName;
    }

    /** Draws a keep probability. */
    public double sample(SplittableRandom rng) {
        switch (this) {
            case RANDOM:
                return rng.nextDouble();
            case ALL:
                return 1.0;
            case BINARY:
                return rng.nextBoolean() ? 1.0 : 0.0;
            default:
                throw new AssertionError(this);
        }
    }

    /**
     * Parses a configuration name.
     *
     * @throws IllegalArgumentException listing the accepted names
     */
    public static KeepScheme fromConfigName(String name) {
        for (KeepScheme k : values()) {
            if (k.configName.equals(name)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown keep scheme '" + name + "'; expected one of: "
                + Arrays.stream(values()).map(KeepScheme::configName).collect(Collectors.joining(", ")));
    }
}
