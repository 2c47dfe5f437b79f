package fourm.core.generate;

/**
 * Top-k filtering of logits before sampling: keep the k largest logits of each row, where k is a count or a fraction
 * of the vocabulary ({@code int(fraction * V)}, as the reference reads a float {@code top_k}); {@link #NONE} keeps
 * every token.
 *
 * @param count    k as a count, or 0
 * @param fraction k as a fraction of the vocabulary, or 0
 */
public record TopK(int count, double fraction) {
    /** No top-k filtering. */
    public static final TopK NONE = new TopK(0, 0);

    /** Checks that at most one form is set and it is in range. */
    public TopK {
        if (count < 0 || !(fraction >= 0 && fraction <= 1) || count > 0 && fraction > 0) {
            throw new IllegalArgumentException("top-k is a count >= 0 or a fraction in [0, 1], got count " + count
                    + ", fraction " + fraction);
        }
    }

    /** Keep the {@code k} largest logits (0 = all). */
    public static TopK count(int k) {
        return new TopK(k, 0);
    }

    /** Keep the largest {@code int(f * V)} logits (0 = all). */
    public static TopK fraction(double f) {
        return new TopK(0, f);
    }

    /**
     * Reads a plan's {@code top_k}: 0 means off, a whole number above 1 is a count, anything else in (0, 1] a
     * fraction.
     *
     * @throws IllegalArgumentException if negative, or a non-whole number above 1
     */
    public static TopK parse(double value) {
        if (value == 0) {
            return NONE;
        }
        if (value > 1) {
            if (value != Math.rint(value) || value > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("top_k " + value + " must be a whole count or a fraction in (0, 1]");
            }
            return count((int) value);
        }
        return fraction(value);
    }

    /** True when this filter removes nothing. */
    public boolean isOff() {
        return count == 0 && fraction == 0;
    }

    /** k for a vocabulary of {@code vocab} ids: 0 when off, otherwise between 1 and {@code vocab}. */
    public int resolve(int vocab) {
        if (isOff()) {
            return 0;
        }
        int k = count > 0 ? count : (int) (fraction * vocab);
        return Math.max(1, Math.min(k, vocab));
    }
}
