package fourm.core.generate;

/**
 * Observes generation, one call per scheduled step (progress reporting, inspection, tests). Called on the generating
 * thread after the step's tokens are chosen and before they are written back.
 */
@FunctionalInterface
public interface GenerationListener {
    /** A listener that does nothing. */
    GenerationListener NONE = r -> { };

    /** Called after each scheduled step. */
    void onStep(StepResult result);

    /** When true, {@link StepResult#logits()} is filled (a host copy of every sampled row's logits). */
    default boolean wantsLogits() {
        return false;
    }
}
