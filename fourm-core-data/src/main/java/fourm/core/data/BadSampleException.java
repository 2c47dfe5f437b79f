package fourm.core.data;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A sample or a shard that cannot be used: a corrupt shard, a key missing in one modality, a file that does not
 * decode, a token id outside the vocabulary. The message names the shard file, the key and the problem.
 */
public class BadSampleException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Path shard;
    private final String key;
    private final String modality;

    /**
     * @param shard    the shard file
     * @param key      the sample key, or null when the problem is the shard itself
     * @param modality the modality folder
     * @param problem  what is wrong and what was expected
     */
    public BadSampleException(Path shard, String key, String modality, String problem) {
        super(shard + (key == null ? "" : ": sample '" + key + "'") + " (" + modality + "): " + problem);
        this.shard = shard;
        this.key = key;
        this.modality = modality;
    }

    /** The shard file. */
    public Path shard() {
        return shard;
    }

    /** The sample key, when the problem is one sample. */
    public Optional<String> key() {
        return Optional.ofNullable(key);
    }

    /** The modality folder. */
    public String modality() {
        return modality;
    }
}
