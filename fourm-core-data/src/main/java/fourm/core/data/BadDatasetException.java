package fourm.core.data;

/**
 * A {@link DatasetCheck} found bad samples or corrupt shards: a user error whose message gives the counts and the
 * first problem (file, sample key, value, what was expected).
 */
public class BadDatasetException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** @param message the counts and the first problem */
    public BadDatasetException(String message) {
        super(message);
    }
}
