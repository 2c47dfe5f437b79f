package fourm.core.generate;

import java.util.Arrays;
import java.util.Locale;

/**
 * How many tokens each step of a parallel decoder commits (spec section 4.2).
 *
 * <ul>
 *   <li>{@link #COSINE}: with {@code c_i = (1 + cos(pi i / steps)) / 2}, step i commits
 *       {@code round(n (c_i - c_{i+1}))} tokens (Python's round half to even) and the last step the remainder.</li>
 *   <li>{@link #LINEAR}: the differences of {@code floor(linspace(0, n, steps + 1))}, sorted in descending order, with
 *       trailing zeros trimmed (so a plan with more steps than tokens runs fewer steps). ROAR always uses it.</li>
 * </ul>
 */
public enum TokenSchedule {
    /** MaskGIT's cosine schedule: few tokens first, many at the end. */
    COSINE("cosine"),
    /** Equal shares, larger ones first. */
    LINEAR("linear");

    private final String configName;

    TokenSchedule(String configName) {
        this.configName = configName;
    }

    /** The name used in plans ({@code token_decoding_schedules}). */
    public String configName() {
        return configName;
    }

    /**
     * Parses {@code cosine} or {@code linear}.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static TokenSchedule fromConfigName(String name) {
        for (TokenSchedule s : values()) {
            if (s.configName.equals(name.trim().toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown token schedule '" + name + "'; expected cosine or linear");
    }

    /**
     * Tokens committed per step.
     *
     * @param steps decoding steps, at least 1
     * @param total tokens to decode, at least 0
     * @return one count per step (linear: trailing zero steps trimmed); the counts sum to {@code total}
     * @throws IllegalArgumentException if the arguments are out of range or the cosine rounding would leave a
     *                                  negative remainder
     */
    public int[] tokensPerStep(int steps, int total) {
        if (steps < 1 || total < 0) {
            throw new IllegalArgumentException("a token schedule needs steps >= 1 and tokens >= 0, got " + steps
                    + " steps for " + total + " tokens");
        }
        return this == COSINE ? cosine(steps, total) : linear(steps, total);
    }

    private static int[] cosine(int steps, int total) {
        double[] c = new double[steps];
        for (int i = 0; i < steps; i++) {
            c[i] = 0.5 * (1 + Math.cos(Math.PI * i / steps));
        }
        int[] out = new int[steps];
        int sum = 0;
        for (int i = 0; i < steps - 1; i++) {
            out[i] = (int) Math.rint(total * (c[i] - c[i + 1]));
            sum += out[i];
        }
        out[steps - 1] = total - sum;
        if (out[steps - 1] < 0) {
            throw new IllegalArgumentException("a cosine schedule of " + steps + " steps cannot split " + total
                    + " tokens (the rounded shares exceed the total); use fewer steps or the linear schedule");
        }
        return out;
    }

    private static int[] linear(int steps, int total) {
        long[] points = new long[steps + 1];
        double step = (double) total / steps;
        for (int i = 0; i <= steps; i++) {
            points[i] = i == steps ? total : (long) Math.floor(i * step);
        }
        int[] diffs = new int[steps];
        for (int i = 0; i < steps; i++) {
            diffs[i] = (int) (points[i + 1] - points[i]);
        }
        Arrays.sort(diffs);
        int n = 0;
        int[] desc = new int[steps];
        for (int i = steps - 1; i >= 0; i--) {
            desc[n++] = diffs[i];
        }
        int keep = steps;
        while (keep > 0 && desc[keep - 1] == 0) {
            keep--;
        }
        return Arrays.copyOf(desc, keep);
    }
}
