package fourm.core.data;

/**
 * A dataset that cannot be trusted as a whole: a modality folder without its {@link DatasetManifest} (a writer that
 * did not finish), a listed shard missing or of another size, shards the manifest does not list, or modalities with
 * different sample counts. A user error: the message names the folder and how to repair it.
 */
public class IncompleteDatasetException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** @param message names the folder or file and what is wrong */
    public IncompleteDatasetException(String message) {
        super(message);
    }
}
