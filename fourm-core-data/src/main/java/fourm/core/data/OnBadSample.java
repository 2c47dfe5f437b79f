package fourm.core.data;

import java.util.Arrays;
import java.util.stream.Collectors;

/** What a reader does with a bad sample or a corrupt shard ({@code fourm.data.on-bad-sample}). */
public enum OnBadSample {
    /** Stop with a {@link BadSampleException} naming the shard file, the key and the problem. */
    FAIL("fail"),
    /** Log it, count it and go on with the next sample. */
    SKIP("skip");

    private final String configName;

    OnBadSample(String configName) {
        this.configName = configName;
    }

    /** The name used in configuration files. */
    public String configName() {
        return configName;
    }

    /**
     * Parses a configuration name.
     *
     * @throws IllegalArgumentException listing the accepted names
     */
    public static OnBadSample fromConfigName(String name) {
        for (OnBadSample v : values()) {
            if (v.configName.equals(name)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown on-bad-sample '" + name + "'; expected one of: "
                + Arrays.stream(values()).map(OnBadSample::configName).collect(Collectors.joining(", ")));
    }
}
