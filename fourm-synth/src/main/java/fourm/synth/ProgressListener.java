package fourm.synth;

/**
 * Hears about progress while {@link SynthWorld#generate} writes samples. Calls come from the worker threads but are
 * serialised, and {@code done} rises by one with each call.
 */
@FunctionalInterface
public interface ProgressListener {
    /** A listener that ignores everything. */
    ProgressListener NONE = (done, total, key) -> { };

    /**
     * Sample {@code key} has been written.
     *
     * @param done  how many samples are written so far, this one included
     * @param total how many samples the run writes
     * @param key   the key of the sample just written
     */
    void sampleWritten(int done, int total, String key);
}
