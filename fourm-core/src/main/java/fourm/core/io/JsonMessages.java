package fourm.core.io;

/** Error messages of the JSON library, without its advice to the programmer (lenient parsing, troubleshooting URLs). */
public final class JsonMessages {
    private JsonMessages() {
    }

    /**
     * {@code message} without Gson's "Use JsonReader.setStrictness(...) to accept malformed JSON" and "See https://..."
     * sentences, which address the programmer, not the user whose file is malformed.
     */
    public static String plain(String message) {
        if (message == null) {
            return "";
        }
        return message.replaceAll("\\s*Use JsonReader\\.setStrictness\\([^)]*\\) to accept malformed JSON[^.]*\\.?", "")
                .replaceAll("\\s*Use JsonReader\\.setLenient\\(true\\) to accept malformed JSON[^.]*\\.?", "")
                .replaceAll("\\s*See https?://\\S+", "").trim();
    }
}
