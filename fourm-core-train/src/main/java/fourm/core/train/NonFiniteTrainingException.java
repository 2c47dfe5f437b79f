package fourm.core.train;

/**
 * Training stopped because the loss or the gradients were NaN or infinite in
 * {@code fourm.train.max-non-finite-steps} consecutive steps: the message names the step and what to change.
 */
public class NonFiniteTrainingException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** @param message the step, the count and what to change */
    public NonFiniteTrainingException(String message) {
        super(message);
    }
}
