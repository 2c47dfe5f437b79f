package fourm.core.optim;

import java.util.Locale;

/**
 * The learning rate of each step (spec §5: {@code blr}, {@code min_blr}, {@code scheduler}, {@code warmup_*},
 * {@code cooldown_*}): the peak rate is {@code blr * total_batch / 256} and the floor {@code min_blr * total_batch /
 * 256}, where the total batch is batch size times accumulation steps.
 *
 * <ul>
 *   <li>Warm-up: steps {@code 0 .. warmup-1} rise linearly from 0, {@code lr(s) = peak * s / warmup}.</li>
 *   <li>{@link Type#COSINE}: then {@code min + (peak - min) * (1 + cos(pi * k / K)) / 2}, with {@code k} the steps since
 *       warm-up and {@code K = steps - warmup}; the last step is at {@code min} plus a hair.</li>
 *   <li>{@link Type#INVERSE_SQRT}: then {@code peak / sqrt(1 + k / timescale)}, and over the last {@code cooldown}
 *       steps a linear decay from there to {@code min}.</li>
 *   <li>{@link Type#CONSTANT}: then {@code peak}.</li>
 * </ul>
 *
 * @param type      shape after warm-up
 * @param peakLr    the rate after warm-up
 * @param minLr     the floor of cosine and cool-down
 * @param steps     total optimizer steps
 * @param warmup    warm-up steps
 * @param timescale inverse-sqrt time scale in steps
 * @param cooldown  inverse-sqrt cool-down steps at the end
 */
public record LrSchedule(Type type, double peakLr, double minLr, long steps, long warmup, long timescale,
                         long cooldown) {

    /** The schedule shapes. */
    public enum Type {
        /** Half-cosine from the peak to the floor. */
        COSINE,
        /** Inverse square root decay, optional linear cool-down. */
        INVERSE_SQRT,
        /** Constant after warm-up. */
        CONSTANT;

        /** The configuration name: {@code cosine}, {@code inverse-sqrt}, {@code constant}. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /**
         * The type of a configuration name.
         *
         * @throws IllegalArgumentException listing the names
         */
        public static Type fromConfigName(String s) {
            for (Type t : values()) {
                if (t.configName().equals(s)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unknown schedule '" + s + "'; expected cosine, inverse-sqrt or"
                    + " constant");
        }
    }

    /** Checks the ranges. */
    public LrSchedule {
        if (type == null) {
            throw new IllegalArgumentException("schedule type is required");
        }
        if (!(peakLr >= 0) || Double.isInfinite(peakLr) || !(minLr >= 0) || minLr > peakLr) {
            throw new IllegalArgumentException("learning rates need 0 <= min <= peak, got peak " + peakLr + ", min "
                    + minLr);
        }
        if (steps < 1 || warmup < 0 || warmup > steps) {
            throw new IllegalArgumentException("need steps >= 1 and 0 <= warmup <= steps, got steps " + steps
                    + ", warmup " + warmup);
        }
        if (timescale < 1) {
            throw new IllegalArgumentException("timescale must be >= 1, got " + timescale);
        }
        if (cooldown < 0 || warmup + cooldown > steps) {
            throw new IllegalArgumentException("need 0 <= cooldown and warmup + cooldown <= steps, got warmup "
                    + warmup + ", cooldown " + cooldown + ", steps " + steps);
        }
    }

    /** The learning rate of step {@code step} (0-based); steps past the end keep the last value. */
    public double lr(long step) {
        long s = Math.max(0, Math.min(step, steps - 1));
        if (s < warmup) {
            return peakLr * s / warmup;
        }
        long k = s - warmup;
        switch (type) {
            case COSINE: {
                long span = steps - warmup;
                return minLr + (peakLr - minLr) * 0.5 * (1 + Math.cos(Math.PI * k / span));
            }
            case INVERSE_SQRT: {
                long decayEnd = steps - cooldown;
                if (s < decayEnd || cooldown == 0) {
                    return peakLr / Math.sqrt(1.0 + (double) k / timescale);
                }
                double start = peakLr / Math.sqrt(1.0 + (double) (decayEnd - warmup) / timescale);
                double frac = (double) (s - decayEnd + 1) / cooldown;
                return start + (minLr - start) * frac;
            }
            default:
                return peakLr;
        }
    }
}
