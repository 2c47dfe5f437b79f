package fourm.api;

/** How token positions are embedded. */
public enum PositionalScheme {
    /** Fixed 2D sine-cosine table over the token grid (first half of the channels: row, second half: column). */
    SINCOS_2D("sincos-2d"),
    /** Fixed 1D sine-cosine table (all sines, then all cosines), temperature 10000. */
    SINCOS_1D("sincos-1d"),
    /** A learned table, initialised N(0, 0.02). */
    LEARNED("learned");

    private final String configName;

    PositionalScheme(String configName) {
        this.configName = configName;
    }

    /** The kebab-case name used in configuration files and in JSON output. */
    public String configName() {
        return configName;
    }

    /** Parses a configuration name, with an error that lists the accepted names. */
    public static PositionalScheme fromConfigName(String name) {
        return ConfigNames.parse(PositionalScheme.class, name, PositionalScheme::configName);
    }
}
