package fourm.core.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A checkpoint holds NaN or infinite weights: a user error unless loading was explicitly allowed to accept them
 * ({@code --allow-non-finite}, {@code fourm.train.allow-non-finite = true}). The message names every such tensor.
 */
public class NonFiniteCheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    private final List<String> tensors;

    /**
     * @param file    the checkpoint
     * @param tensors one line per tensor holding non-finite values
     */
    public NonFiniteCheckpointException(Path file, List<String> tensors) {
        super(file + ": " + tensors.size() + " tensor" + (tensors.size() == 1 ? " holds" : "s hold")
                + " NaN or infinite values (" + String.join("; ", tensors.subList(0, Math.min(5, tensors.size())))
                + (tensors.size() > 5 ? "; and " + (tensors.size() - 5) + " more" : "") + "); the weights are"
                + " corrupt or diverged. Load them anyway with --allow-non-finite (fourm.train.allow-non-finite = true"
                + " in fourm train)");
        this.tensors = List.copyOf(tensors);
    }

    /** One line per tensor holding non-finite values. */
    public List<String> tensors() {
        return tensors;
    }
}
