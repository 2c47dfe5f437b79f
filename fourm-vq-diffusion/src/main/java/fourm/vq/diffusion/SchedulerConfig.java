package fourm.vq.diffusion;

import java.util.Locale;

/**
 * A diffusion noise scheduler as the reference's DiVAE builds one ({@code fourm/vq/scheduling}): the sampler (DDPM or
 * DDIM), the training noise schedule and what the denoiser predicts.
 *
 * @param kind             DDPM (ancestral sampling, {@code variance_type = fixed_small}), DDIM or PNDM
 * @param trainSteps       diffusion steps of training (1000 in every released tokenizer)
 * @param betaSchedule     the betas over the training steps
 * @param betaStart        first beta of the linear schedules (1e-4)
 * @param betaEnd          last beta of the linear schedules (0.02)
 * @param prediction       what the denoiser outputs
 * @param clipSample       clamp the predicted x0 to [-1, 1] at each sampling step
 * @param thresholding     the reference's dynamic thresholding of x0; with its {@code sample_max_value = 1} the
 *                         threshold is clamped to 1, which makes it the same clamp to [-1, 1]
 * @param zeroTerminalSnr  rescale the betas so that the last step has zero signal (arXiv 2305.08891)
 * @param spacing          how DDIM spaces its inference timesteps; the reference's DDPM ignores it and always uses
 *                         {@code (arange(n) * (T // n))[::-1]}
 * @param eta              DDIM's noise weight (0: deterministic given the initial noise)
 */
public record SchedulerConfig(Kind kind, int trainSteps, BetaSchedule betaSchedule, double betaStart, double betaEnd,
                              Prediction prediction, boolean clipSample, boolean thresholding,
                              boolean zeroTerminalSnr, Spacing spacing, double eta) {

    /** The sampler. */
    public enum Kind {
        /** {@code DDPMScheduler}. */
        DDPM,
        /** {@code DDIMScheduler} ({@code set_alpha_to_one = True}, {@code steps_offset = 0}). */
        DDIM,
        /** {@code PNDMScheduler} ({@link PndmScheduler}: epsilon or v-prediction only, its own unrescaled betas). */
        PNDM;

        /** Parses {@code ddpm}, {@code ddim} or {@code pndm}. */
        public static Kind parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "ddpm" -> DDPM;
                case "ddim" -> DDIM;
                case "pndm" -> PNDM;
                default -> throw new IllegalArgumentException("unknown scheduler '" + s + "'; expected ddpm, ddim or"
                        + " pndm");
            };
        }
    }

    /** Beta schedules. */
    public enum BetaSchedule {
        /** {@code linear}: linspace(start, end, T) in float32. */
        LINEAR,
        /** {@code scaled_linear}: linspace(sqrt(start), sqrt(end), T) squared. */
        SCALED_LINEAR,
        /** {@code squaredcos_cap_v2}: the Glide cosine schedule, betas capped at 0.999. */
        SQUAREDCOS_CAP_V2;

        /** Parses the reference's name ({@code linear}, {@code scaled_linear}, {@code squaredcos_cap_v2}). */
        public static BetaSchedule parse(String s) {
            for (BetaSchedule b : values()) {
                if (b.name().toLowerCase(Locale.ROOT).equals(s)) {
                    return b;
                }
            }
            throw new IllegalArgumentException("unknown beta schedule '" + s + "'; expected linear, scaled_linear or"
                    + " squaredcos_cap_v2");
        }
    }

    /** What the denoiser predicts. */
    public enum Prediction {
        /** {@code sample}: x0 (the released {@code *_predx0} tokenizers). */
        SAMPLE,
        /** {@code epsilon}: the noise. */
        EPSILON,
        /** {@code v_prediction}: {@code sqrt(a) eps - sqrt(1 - a) x0} (the DiVAE class default). */
        V_PREDICTION;

        /** Parses the reference's name. */
        public static Prediction parse(String s) {
            return switch (s) {
                case "sample" -> SAMPLE;
                case "epsilon" -> EPSILON;
                case "v_prediction" -> V_PREDICTION;
                default -> throw new IllegalArgumentException("unknown prediction type '" + s + "'; expected sample,"
                        + " epsilon or v_prediction");
            };
        }
    }

    /** DDIM timestep spacing (arXiv 2305.08891, table 2). */
    public enum Spacing {
        /** {@code (arange(n) * (T // n)).round()[::-1]}. */
        LEADING,
        /** {@code arange(T, 0, -(T // n)).round() - 1}: starts at T - 1 (may give more than n steps when n does not
         *  divide T, as the reference does). */
        TRAILING,
        /** {@code linspace(T, 1, n).round() - 1}. */
        LINSPACE
    }

    /** Checks the values. */
    public SchedulerConfig {
        if (kind == null || betaSchedule == null || prediction == null || spacing == null) {
            throw new IllegalArgumentException("scheduler kind, beta schedule, prediction and spacing are required");
        }
        if (trainSteps < 2) {
            throw new IllegalArgumentException("train steps must be >= 2, got " + trainSteps);
        }
        if (!(betaStart > 0 && betaEnd > betaStart && betaEnd < 1)) {
            throw new IllegalArgumentException("need 0 < beta-start < beta-end < 1, got " + betaStart + ", " + betaEnd);
        }
        if (!(eta >= 0) || Double.isInfinite(eta)) {
            throw new IllegalArgumentException("eta must be >= 0, got " + eta);
        }
    }

    /**
     * The released {@code *_predx0} DiVAE tokenizers as the reference loads them: DDPM over 1000 steps, linear betas,
     * x0 prediction, zero terminal SNR, dynamic thresholding on (the class default, a clamp to [-1, 1]).
     */
    public static SchedulerConfig releasedPredX0() {
        return new SchedulerConfig(Kind.DDPM, 1000, BetaSchedule.LINEAR, 1e-4, 0.02, Prediction.SAMPLE, false, true,
                true, Spacing.TRAILING, 0);
    }

    /** The DiVAE class defaults: DDPM, squared-cosine betas, v-prediction, thresholding, zero terminal SNR. */
    public static SchedulerConfig classDefaults() {
        return new SchedulerConfig(Kind.DDPM, 1000, BetaSchedule.SQUAREDCOS_CAP_V2, 1e-4, 0.02,
                Prediction.V_PREDICTION, false, true, true, Spacing.TRAILING, 0);
    }

    /** The same with another sampler. */
    public SchedulerConfig withKind(Kind k) {
        return new SchedulerConfig(k, trainSteps, betaSchedule, betaStart, betaEnd, prediction, clipSample,
                thresholding, zeroTerminalSnr, spacing, eta);
    }

    /** The same with clipping and thresholding of x0 set. */
    public SchedulerConfig withClipping(boolean clip, boolean threshold) {
        return new SchedulerConfig(kind, trainSteps, betaSchedule, betaStart, betaEnd, prediction, clip, threshold,
                zeroTerminalSnr, spacing, eta);
    }

    /** The same with another prediction type and beta schedule. */
    public SchedulerConfig withPrediction(Prediction p, BetaSchedule b) {
        return new SchedulerConfig(kind, trainSteps, b, betaStart, betaEnd, p, clipSample, thresholding,
                zeroTerminalSnr, spacing, eta);
    }

    /** The same with another DDIM spacing. */
    public SchedulerConfig withSpacing(Spacing s) {
        return new SchedulerConfig(kind, trainSteps, betaSchedule, betaStart, betaEnd, prediction, clipSample,
                thresholding, zeroTerminalSnr, s, eta);
    }

    /** True when x0 is clamped to [-1, 1] at each step (clipping or thresholding). */
    public boolean clampsX0() {
        return clipSample || thresholding;
    }
}
