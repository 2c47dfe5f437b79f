package fourm.core.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A checkpoint does not match the model it should fill: every missing, unexpected, mis-shaped or mistyped key is
 * listed, in one exception.
 */
public class CheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The problems, one line each. */
    private final List<String> problems;

    /**
     * @param file     the checkpoint
     * @param problems one line per problem
     */
    public CheckpointException(Path file, List<String> problems) {
        super(file + ": the checkpoint does not match the model (" + problems.size() + " problem"
                + (problems.size() == 1 ? "" : "s") + "):\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    /** Every problem, one line each. */
    public List<String> problems() {
        return problems;
    }
}
