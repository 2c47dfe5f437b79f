package fourm.teacher;

/**
 * A text teacher: turns a caption into a sequence of embedding vectors, as the T5-XXL encoder does for the
 * {@code t5_caption} modality (at most 77 vectors of 4096 values, spec-4m.md §1.2, §9). Open one through its
 * {@link TextTeacherProvider}.
 */
public interface TextTeacher extends AutoCloseable {

    /** The teacher's name, {@code <modality>:<model>}, e.g. {@code t5-caption:synthetic}. */
    String name();

    /** The width {@code D} of every vector (4096 for T5-XXL). */
    int width();

    /** The most vectors {@link #embed(String)} returns, the end-of-sequence vector included (77 for t5_caption). */
    int maxTokens();

    /**
     * Embeds a caption: {@code L} rows of {@link #width()} values, {@code 1 <= L <= maxTokens()}, one per token of the
     * caption followed by the end-of-sequence token. Returns fresh arrays.
     *
     * @throws IllegalStateException if the teacher is closed
     */
    float[][] embed(String text);

    /** Frees the teacher; later calls to {@link #embed(String)} fail. Idempotent. */
    @Override
    void close();
}
