package fourm.api;

import java.io.IOException;
import java.nio.file.Path;

/**
 * How a modality's raw values are read from files, written to files, and shown to a person.
 *
 * <p>{@link #read(Path)} and {@link #write(Object, Path)} round-trip a value without loss in the modality's working
 * format (for example {@code .npy} for a depth map, {@code .txt} for a caption, {@code .json} for boxes);
 * {@link #show(Object, Path, String)} writes what a person opens: a PNG for maps, JSON for structured values, text
 * for text. Ready-made formats are in {@link fourm.api.format.Formats}.
 *
 * <p>Implementations write under a temporary name and rename, so a reader never sees half a file, and report bad
 * input with an {@link IOException} or {@link IllegalArgumentException} that names the file and what was expected.
 *
 * @param <V> the raw value type, the same as the modality's tokenizer's {@link ModalityTokenizer#valueType()}
 */
public interface ValueFormat<V> {

    /** The raw value type. */
    Class<V> valueType();

    /** The file extension {@link #write(Object, Path)} uses, without the dot ({@code npy}, {@code txt}, ...). */
    String extension();

    /** Reads one value. */
    V read(Path file) throws IOException;

    /** Writes one value so that {@link #read(Path)} gives it back. */
    void write(V value, Path file) throws IOException;

    /**
     * Writes a file a person can open into {@code directory}, named {@code baseName} plus the extension this
     * method chooses, and returns its path.
     */
    Path show(V value, Path directory, String baseName) throws IOException;
}
