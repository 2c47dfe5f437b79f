package fourm.api;

import java.util.Objects;

/**
 * A modality's default generation settings when it is a target (the reference's demo defaults, spec §4.4).
 *
 * @param scheme              parallel ({@link GenerationScheme#MASKGIT}, {@link GenerationScheme#ROAR}) or
 *                            {@link GenerationScheme#AUTOREGRESSIVE}
 * @param steps               decoding steps for parallel schemes; 0 for autoregressive decoding (one step per token)
 * @param temperature         sampling temperature; 0 means argmax
 * @param temperatureSchedule {@code constant}, {@code linear} or {@code onex:<min>:<power>}
 * @param cfgScale            classifier-free guidance scale; 1 means no guidance
 * @param topP                nucleus sampling threshold in (0, 1]; 1 keeps every token
 */
public record DecoderStrategy(GenerationScheme scheme, int steps, double temperature, String temperatureSchedule,
                              double cfgScale, double topP) {

    /** Checks the invariants; every violation names the field and the expected range. */
    public DecoderStrategy {
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(temperatureSchedule, "temperatureSchedule");
        if (scheme == GenerationScheme.AUTOREGRESSIVE ? steps != 0 : steps < 1) {
            throw new IllegalArgumentException("steps must be " + (scheme == GenerationScheme.AUTOREGRESSIVE
                    ? "0 for autoregressive decoding" : ">= 1 for " + scheme.configName()) + ", got " + steps);
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and >= 0, got " + temperature);
        }
        if (!(cfgScale >= 0) || Double.isInfinite(cfgScale)) {
            throw new IllegalArgumentException("cfg-scale must be finite and >= 0, got " + cfgScale);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        }
        if (!temperatureSchedule.equals("constant") && !temperatureSchedule.equals("linear")
                && !temperatureSchedule.matches("onex:[0-9.eE+-]+:[0-9.eE+-]+")) {
            throw new IllegalArgumentException("temperature-schedule must be constant, linear or onex:<min>:<power>, got '"
                    + temperatureSchedule + "'");
        }
    }
}
