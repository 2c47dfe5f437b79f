package fourm.modality.text;

import java.util.List;

/**
 * Writes a structured value as the text the 4M text tokenizer encodes (spec §6.3), and reads such text back.
 *
 * <p>{@link #toText(Object)} refuses invalid values with an {@link IllegalArgumentException} that names the field and
 * the expected range. {@link #fromText(String)} never throws: generated sequences can be malformed, so it returns the
 * well-formed part and counts the words it had to skip.
 *
 * @param <T> the structured value type
 */
public interface TextSerializer<T> {

    /** The structured value type. */
    Class<T> valueType();

    /** The value as text, for example {@code v0=12 v1=40 v2=310 v3=998 traffic light}. */
    String toText(T value);

    /** The value read from text, tolerant of malformed input. */
    Decoded<T> fromText(String text);

    /** The whitespace-separated words of {@code text}, without empty ones. */
    static List<String> words(String text) {
        String t = text.strip();
        return t.isEmpty() ? List.of() : List.of(t.split("\\s+"));
    }
}
