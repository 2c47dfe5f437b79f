package fourm.core.generate;

import fourm.api.GenerationScheme;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * How one target modality is generated: the scheme, its steps and token schedule, the temperature and its schedule,
 * classifier-free guidance and, optionally, how many tokens to decode.
 *
 * <p>Start from {@link #roar(int)}, {@link #maskgit(int)} or {@link #autoregressive()} and refine with the
 * {@code with}-style methods, each of which returns a new step:
 * <pre>{@code
 * Step.roar(25).temperature(3.0).temperatureSchedule("onex:0.5:0.5").cfgScale(2.0)
 * Step.maskgit(8).tokenSchedule(TokenSchedule.COSINE)
 * Step.autoregressive().temperature(0.3)
 * }</pre>
 *
 * <p>Defaults: temperature 1 with a constant schedule, no guidance (scale 1), MaskGIT on the cosine schedule, ROAR on
 * the linear one (always), all still-masked tokens of a grid, and for a sequence target created empty the modality's
 * maximum token count.
 *
 * @param scheme              maskgit, roar or autoregressive
 * @param steps               decoding steps (parallel schemes, at least 1); 0 for autoregressive decoding
 * @param tokenSchedule       tokens per step of a parallel scheme (ROAR: linear only)
 * @param temperature         starting temperature, 0 for argmax
 * @param temperatureSchedule temperature per step of a parallel scheme (ignored by autoregressive decoding)
 * @param cfgScale            classifier-free guidance scale over the plan's conditions; 1 = none
 * @param cfgWeights          weighted guidance instead: one weight per condition (the plan's conditions in order,
 *                            then, with growing conditioning, the targets finished before this one); empty = use
 *                            {@code cfgScale}
 * @param tokens              tokens to decode (grids) or the length of a sequence target created empty; empty = default
 */
public record Step(GenerationScheme scheme, int steps, TokenSchedule tokenSchedule, double temperature,
                   TemperatureSchedule temperatureSchedule, double cfgScale, List<Double> cfgWeights,
                   OptionalInt tokens) {

    /** Checks every field; messages name the field and the accepted range. */
    public Step {
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(tokenSchedule, "tokenSchedule");
        Objects.requireNonNull(temperatureSchedule, "temperatureSchedule");
        Objects.requireNonNull(tokens, "tokens");
        cfgWeights = List.copyOf(cfgWeights);
        if (scheme == GenerationScheme.AUTOREGRESSIVE ? steps != 0 : steps < 1) {
            throw new IllegalArgumentException(scheme == GenerationScheme.AUTOREGRESSIVE
                    ? "autoregressive decoding takes one step per token; steps must be 0, got " + steps
                    : scheme.configName() + " needs a step count >= 1, got " + steps);
        }
        if (scheme == GenerationScheme.ROAR && tokenSchedule != TokenSchedule.LINEAR) {
            throw new IllegalArgumentException("roar decodes on the linear token schedule, got "
                    + tokenSchedule.configName());
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and >= 0, got " + temperature);
        }
        if (!Double.isFinite(cfgScale)) {
            throw new IllegalArgumentException("cfg scale must be finite, got " + cfgScale);
        }
        for (Double w : cfgWeights) {
            if (w == null || !Double.isFinite(w)) {
                throw new IllegalArgumentException("cfg weights must be finite numbers, got " + cfgWeights);
            }
        }
        if (tokens.isPresent() && tokens.getAsInt() < 1) {
            throw new IllegalArgumentException("tokens must be >= 1, got " + tokens.getAsInt());
        }
    }

    /** ROAR (random order, linear schedule) in {@code steps} steps. */
    public static Step roar(int steps) {
        return new Step(GenerationScheme.ROAR, steps, TokenSchedule.LINEAR, 1.0, TemperatureSchedule.constant(), 1.0,
                List.of(), OptionalInt.empty());
    }

    /** MaskGIT (most confident tokens first, cosine schedule) in {@code steps} steps. */
    public static Step maskgit(int steps) {
        return new Step(GenerationScheme.MASKGIT, steps, TokenSchedule.COSINE, 1.0, TemperatureSchedule.constant(),
                1.0, List.of(), OptionalInt.empty());
    }

    /** Autoregressive decoding of a sequence (until every sample produced its end token). */
    public static Step autoregressive() {
        return new Step(GenerationScheme.AUTOREGRESSIVE, 0, TokenSchedule.LINEAR, 1.0, TemperatureSchedule.constant(),
                1.0, List.of(), OptionalInt.empty());
    }

    /** This step with another starting temperature (0 = argmax). */
    public Step temperature(double t) {
        return new Step(scheme, steps, tokenSchedule, t, temperatureSchedule, cfgScale, cfgWeights, tokens);
    }

    /** This step with another temperature schedule. */
    public Step temperatureSchedule(TemperatureSchedule s) {
        return new Step(scheme, steps, tokenSchedule, temperature, s, cfgScale, cfgWeights, tokens);
    }

    /**
     * This step with a temperature schedule in plan notation: {@code constant}, {@code linear} or
     * {@code onex:0.5:0.5}.
     */
    public Step temperatureSchedule(String s) {
        return temperatureSchedule(TemperatureSchedule.parse(s));
    }

    /** This step with another token schedule (MaskGIT). */
    public Step tokenSchedule(TokenSchedule s) {
        return new Step(scheme, steps, s, temperature, temperatureSchedule, cfgScale, cfgWeights, tokens);
    }

    /** This step guided with {@code scale} over the plan's conditions (1 = no guidance). */
    public Step cfgScale(double scale) {
        return new Step(scheme, steps, tokenSchedule, temperature, temperatureSchedule, scale, List.of(), tokens);
    }

    /**
     * This step with weighted guidance: {@code uncond + sum_i w_i (cond_i - uncond)}, one weight per condition (see
     * {@link #cfgWeights()}).
     */
    public Step cfgWeights(double... weights) {
        List<Double> w = java.util.Arrays.stream(weights).boxed().toList();
        if (w.isEmpty()) {
            throw new IllegalArgumentException("weighted guidance needs at least one weight");
        }
        return new Step(scheme, steps, tokenSchedule, temperature, temperatureSchedule, 1.0, w, tokens);
    }

    /** This step decoding {@code n} tokens (grids), or creating an empty sequence target of length {@code n}. */
    public Step tokens(int n) {
        return new Step(scheme, steps, tokenSchedule, temperature, temperatureSchedule, cfgScale, cfgWeights,
                OptionalInt.of(n));
    }

    /** True for weighted guidance. */
    public boolean isWeighted() {
        return !cfgWeights.isEmpty();
    }
}
