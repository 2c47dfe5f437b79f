package fourm.modality.text;

import fourm.api.ValueFormat;
import fourm.api.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The file format of a sequence modality: the value's 4M text serialization ({@link TextSerializer#toText}) in a
 * UTF-8 {@code .txt} file, one value per file. Reading is strict: text that the serializer cannot read in full is
 * refused, naming the file and how many words did not fit.
 *
 * @param <T> the value type
 */
public final class SerializedTextFormat<T> implements ValueFormat<T> {
    private final TextSerializer<T> serializer;

    /** A format over {@code serializer}. */
    public SerializedTextFormat(TextSerializer<T> serializer) {
        this.serializer = Objects.requireNonNull(serializer, "serializer");
    }

    @Override
    public Class<T> valueType() {
        return serializer.valueType();
    }

    @Override
    public String extension() {
        return "txt";
    }

    @Override
    public T read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("value file " + file + " does not exist", e);
        }
        Decoded<T> d = serializer.fromText(text.endsWith("\n") ? text.substring(0, text.length() - 1) : text);
        if (d.skipped() > 0) {
            throw new IllegalArgumentException(file + ": " + d.skipped() + " word(s) are not a well-formed "
                    + serializer.valueType().getSimpleName() + " in the 4M text form");
        }
        return d.value();
    }

    @Override
    public void write(T value, Path file) throws IOException {
        AtomicFiles.writeString(file, serializer.toText(value) + "\n");
    }

    @Override
    public Path show(T value, Path directory, String baseName) throws IOException {
        Path p = directory.resolve(baseName + ".txt");
        write(value, p);
        return p;
    }
}
