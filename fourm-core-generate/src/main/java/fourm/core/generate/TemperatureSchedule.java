package fourm.core.generate;

import java.util.Objects;

/**
 * The temperature of each step of a parallel decoder (spec section 4.2), from the target's starting temperature T
 * and its token schedule (n_i tokens at step i, N in total):
 *
 * <ul>
 *   <li>{@code constant}: T at every step.</li>
 *   <li>{@code linear}: T at the first step, then {@code T (N - (n_0 + ... + n_{i-1})) / N}: the share of tokens still
 *       to decode; clipped to at least 1e-9.</li>
 *   <li>{@code onex:<min>:<power>}: {@code y = x^-power} over {@code x = linspace(1, 100, N)}, min-max normalised;
 *       step i uses {@code y_i (1 - (n_0 + ... + n_i) / N)}, giving {@code min + (T - min) y}, clipped to at least
 *       1e-9. As in the reference, step i reads the i-th entry of the N-point curve (not a point spaced by
 *       tokens), and the last step always runs at {@code min}.</li>
 * </ul>
 *
 * <p>Autoregressive targets use their temperature as it is (no schedule).
 *
 * @param kind  which schedule
 * @param min   the final temperature of {@code onex}; 0 otherwise
 * @param power the exponent of {@code onex}; 0 otherwise
 */
public record TemperatureSchedule(Kind kind, double min, double power) {
    /** The smallest temperature a schedule produces (the reference clips to it). */
    public static final double MIN_TEMPERATURE = 1e-9;

    /** The schedule families. */
    public enum Kind {
        /** The same temperature at every step. */
        CONSTANT,
        /** Proportional to the share of tokens still to decode. */
        LINEAR,
        /** One over x to a power, normalised, decaying to a minimum. */
        ONEX
    }

    /** Checks the parameters. */
    public TemperatureSchedule {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.ONEX) {
            if (!(min >= 0) || Double.isInfinite(min) || !(power > 0) || Double.isInfinite(power)) {
                throw new IllegalArgumentException("onex needs a finite minimum temperature >= 0 and a finite power"
                        + " > 0, got onex:" + min + ":" + power);
            }
        } else if (min != 0 || power != 0) {
            throw new IllegalArgumentException(kind + " takes no parameters");
        }
    }

    /** {@code constant}. */
    public static TemperatureSchedule constant() {
        return new TemperatureSchedule(Kind.CONSTANT, 0, 0);
    }

    /** {@code linear}. */
    public static TemperatureSchedule linear() {
        return new TemperatureSchedule(Kind.LINEAR, 0, 0);
    }

    /** {@code onex:<min>:<power>}. */
    public static TemperatureSchedule onex(double min, double power) {
        return new TemperatureSchedule(Kind.ONEX, min, power);
    }

    /**
     * Parses {@code constant}, {@code linear} or {@code onex:<min>:<power>}.
     *
     * @throws IllegalArgumentException saying what is accepted
     */
    public static TemperatureSchedule parse(String text) {
        String s = text.trim();
        if (s.equals("constant")) {
            return constant();
        }
        if (s.equals("linear")) {
            return linear();
        }
        if (s.startsWith("onex:")) {
            String[] parts = s.split(":");
            if (parts.length == 3) {
                try {
                    return onex(Double.parseDouble(parts[1]), Double.parseDouble(parts[2]));
                } catch (NumberFormatException e) {
                    // reported below
                }
            }
        }
        throw new IllegalArgumentException("unknown temperature schedule '" + text
                + "'; expected constant, linear or onex:<min>:<power> (e.g. onex:0.5:0.5)");
    }

    /** The plan notation of this schedule. */
    public String configName() {
        return switch (kind) {
            case CONSTANT -> "constant";
            case LINEAR -> "linear";
            case ONEX -> "onex:" + min + ":" + power;
        };
    }

    /**
     * One temperature per step.
     *
     * @param temperature  T, the starting temperature
     * @param tokensPerStep the token schedule
     */
    public double[] temperatures(double temperature, int[] tokensPerStep) {
        int steps = tokensPerStep.length;
        double[] out = new double[steps];
        long total = 0;
        for (int n : tokensPerStep) {
            total += n;
        }
        switch (kind) {
            case CONSTANT -> java.util.Arrays.fill(out, temperature);
            case LINEAR -> {
                long cum = 0;
                for (int i = 0; i < steps; i++) {
                    double t = i == 0 ? temperature : total == 0 ? 0 : temperature * (total - cum) / total;
                    out[i] = Math.max(t, MIN_TEMPERATURE);
                    cum += tokensPerStep[i];
                }
            }
            case ONEX -> {
                double[] y = new double[(int) Math.max(total, 0)];
                double lo = Double.POSITIVE_INFINITY;
                double hi = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < y.length; i++) {
                    double x = y.length == 1 ? 1.0 : i == y.length - 1 ? 100.0 : 1.0 + i * (99.0 / (y.length - 1));
                    y[i] = 1.0 / Math.pow(x, power);
                    lo = Math.min(lo, y[i]);
                }
                for (int i = 0; i < y.length; i++) {
                    y[i] -= lo;
                    hi = Math.max(hi, y[i]);
                }
                long cum = 0;
                for (int i = 0; i < steps; i++) {
                    cum += tokensPerStep[i];
                    double curve = i < y.length && hi > 0 ? y[i] / hi : 0;
                    double s = total == 0 ? 0 : (1 - (double) cum / total) * curve;
                    out[i] = Math.max(min + (temperature - min) * s, MIN_TEMPERATURE);
                }
            }
            default -> throw new IllegalStateException(kind.toString());
        }
        return out;
    }
}
