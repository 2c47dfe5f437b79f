package fourm.api;

/** How a modality is split into input and target tokens during training. */
public enum MaskingPolicy {
    /** A random permutation of the grid: the first tokens are inputs, the next ones targets (disjoint). */
    RANDOM_TOKENS("random-tokens"),
    /** T5-style span masking: dropped runs become sentinels in the input and spans in the target. */
    SPAN("span"),
    /** Span masking at the granularity of chunks (used for metadata's key-value pairs). */
    CHUNK_SPAN("chunk-span");

    private final String configName;

    MaskingPolicy(String configName) {
        this.configName = configName;
    }

    /** The kebab-case name used in configuration files and in JSON output. */
    public String configName() {
        return configName;
    }

    /** Parses a configuration name, with an error that lists the accepted names. */
    public static MaskingPolicy fromConfigName(String name) {
        return ConfigNames.parse(MaskingPolicy.class, name, MaskingPolicy::configName);
    }
}
