package fourm.modality.text;

import java.util.Objects;

/**
 * What tolerant decoding recovered from a possibly malformed sequence: the valid part and how much was left out.
 *
 * @param value   the structured value made of the well-formed parts, in sequence order
 * @param skipped how many units were left out: words of the decoded text that did not fit the modality's grammar,
 *                plus ids outside the vocabulary; 0 for a well-formed sequence
 * @param <T>     the structured value type
 */
public record Decoded<T>(T value, int skipped) {
    /** Checks that the value is present and the count is not negative. */
    public Decoded {
        Objects.requireNonNull(value, "value");
        if (skipped < 0) {
            throw new IllegalArgumentException("skipped must be >= 0, got " + skipped);
        }
    }

    /** True when nothing was skipped. */
    public boolean clean() {
        return skipped == 0;
    }
}
