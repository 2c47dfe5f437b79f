package fourm.core.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A safetensors file (or a tensor in it) is not what it must be: truncated, a header that is too long or not JSON,
 * offsets out of range, an unsupported dtype, a missing key. Also thrown for torch checkpoints read by
 * {@link TorchCheckpointReader} (a broken zip, a missing storage record, foreign pickle content). The message names the file, the tensor key when there is
 * one, and what was expected.
 */
public class SafetensorsFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The file. */
    private final transient Path file;
    /** The tensor key, or null for a problem of the whole file. */
    private final String key;

    /**
     * @param file   the file
     * @param key    the tensor key, or null when the problem concerns the whole file
     * @param detail what is wrong and what was expected
     */
    public SafetensorsFormatException(Path file, String key, String detail) {
        super(file + (key == null ? "" : ", tensor '" + key + "'") + ": " + detail);
        this.file = file;
        this.key = key;
    }

    /** The file. */
    public Path file() {
        return file;
    }

    /** The tensor key, when the problem concerns one tensor. */
    public Optional<String> key() {
        return Optional.ofNullable(key);
    }
}
