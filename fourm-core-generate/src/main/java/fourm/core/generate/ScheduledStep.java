package fourm.core.generate;

import fourm.api.GenerationScheme;
import java.util.List;
import java.util.Objects;

/**
 * One entry of a flat generation schedule (the reference's chained schedule, spec section 4.2): a parallel step of a
 * grid target, or the whole autoregressive decoding of a sequence target.
 *
 * @param target        the modality decoded
 * @param targetIndex   position of the target in the plan
 * @param stepInTarget  index of this step among the target's steps
 * @param scheme        maskgit, roar or autoregressive
 * @param tokens        tokens committed by this step (0 for autoregressive decoding)
 * @param temperature   sampling temperature of this step
 * @param cfgScale      guidance scale over {@code cfgConditions} (1 = none)
 * @param cfgWeights    weighted guidance: one weight per entry of {@code cfgConditions}; empty = scale
 * @param cfgConditions the modalities guidance removes in the unconditional pass
 */
public record ScheduledStep(String target, int targetIndex, int stepInTarget, GenerationScheme scheme, int tokens,
                            double temperature, double cfgScale, List<Double> cfgWeights,
                            List<String> cfgConditions) {

    /** Freezes the lists. */
    public ScheduledStep {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(scheme, "scheme");
        cfgWeights = List.copyOf(cfgWeights);
        cfgConditions = List.copyOf(cfgConditions);
        if (!cfgWeights.isEmpty() && cfgWeights.size() != cfgConditions.size()) {
            throw new IllegalArgumentException("target " + target + ": " + cfgWeights.size()
                    + " guidance weights for " + cfgConditions.size() + " conditions " + cfgConditions);
        }
    }

    /** True when this step runs unconditional passes: weighted guidance, or a scale other than 1 with conditions. */
    public boolean isGuided() {
        return !cfgWeights.isEmpty() || cfgScale != 1.0 && !cfgConditions.isEmpty();
    }
}
