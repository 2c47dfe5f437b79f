package fourm.api.label;

import java.util.Locale;

/** The few JSON pieces the label values write: strings and finite numbers. */
final class Json {
    private Json() {
    }

    static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** A float with up to 6 significant decimals; the values are validated finite by their records. */
    static void number(StringBuilder out, float v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e7) {
            out.append((long) v);
        } else {
            out.append(Float.toString(v));
        }
    }

    static void finite(String what, float v) {
        if (!Float.isFinite(v)) {
            throw new IllegalArgumentException(what + " must be finite, got " + v);
        }
    }

    static void unit(String what, float v) {
        if (!(v >= 0f && v <= 1f)) {
            throw new IllegalArgumentException(what + " must be in [0, 1], got " + v);
        }
    }
}
