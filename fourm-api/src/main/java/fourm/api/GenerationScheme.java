package fourm.api;

/** How a modality is generated when it is a target. */
public enum GenerationScheme {
    /** Parallel decoding, committing the most confident tokens first on a cosine or linear schedule. */
    MASKGIT("maskgit"),
    /** Parallel decoding in random order on a linear schedule. */
    ROAR("roar"),
    /** One token at a time, left to right, inside the sentinel spans. */
    AUTOREGRESSIVE("autoregressive");

    private final String configName;

    GenerationScheme(String configName) {
        this.configName = configName;
    }

    /** The name used in configuration files, in JSON output and in generation plans. */
    public String configName() {
        return configName;
    }

    /** Parses a configuration name, with an error that lists the accepted names. */
    public static GenerationScheme fromConfigName(String name) {
        return ConfigNames.parse(GenerationScheme.class, name, GenerationScheme::configName);
    }
}
