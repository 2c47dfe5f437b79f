package fourm.tfjs;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A TF.js graph model that cannot be loaded or run: a missing or malformed file, a weight that does not fit, an
 * unsupported data type or an op TensorFlow does not have. The message names the file and, where there is one, the
 * node, and says what was expected.
 */
public final class TfjsModelException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** The file at fault, as a string (exceptions are serialisable; {@link Path} is not). */
    private final String file;
    private final String node;

    /**
     * @param file    the model file (the {@code .json} or a {@code .bin}) at fault
     * @param node    the node or weight at fault, or null when the problem is the whole file
     * @param message what is wrong and what was expected
     * @param cause   the underlying error, or null
     */
    public TfjsModelException(Path file, String node, String message, Throwable cause) {
        super(file + (node == null ? "" : ": node '" + node + "'") + ": " + message, cause);
        this.file = file.toString();
        this.node = node;
    }

    /** A problem with a whole file. */
    public TfjsModelException(Path file, String message) {
        this(file, null, message, null);
    }

    /** A problem with one node of a file. */
    public TfjsModelException(Path file, String node, String message) {
        this(file, node, message, null);
    }

    /** The file at fault. */
    public Path file() {
        return Path.of(file);
    }

    /** The node or weight at fault, when the problem is one node. */
    public Optional<String> node() {
        return Optional.ofNullable(node);
    }
}
