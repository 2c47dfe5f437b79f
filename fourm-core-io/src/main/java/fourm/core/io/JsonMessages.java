package fourm.core.io;

/** Error messages of the JSON library, without its advice to the programmer (lenient parsing, troubleshooting URLs). */
public final class JsonMessages {
    private JsonMessages() {
    }

    /**
     * {@code message} without Gson's "Use JsonReader.setStrictness(...) to accept malformed JSON" and "See https://..."
     * sentences, which address the programmer, not the user whose file is malformed; the place ("at line 1 column 3
     * path $.a") stays.
     */
    public static String plain(String message) {
        if (message == null) {
            return "";
        }
        String m = message;
        int see = m.indexOf("See http");
        if (see >= 0) {
            m = m.substring(0, see);
        }
        // "Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON at line 1 column 2 path $":
        // keep what is wrong and where.
        m = m.replaceAll("Use JsonReader\\.set(Strictness|Lenient)\\([^)]*\\) to accept malformed JSON",
                "not well-formed JSON");
        return m.replaceAll("\\s+", " ").strip();
    }
}
