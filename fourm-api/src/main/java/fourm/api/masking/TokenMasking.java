package fourm.api.masking;

import java.util.SplittableRandom;

/**
 * How one modality is split into encoder inputs and decoder targets during training: the masking behaviour a modality
 * brings, engine-free.
 *
 * <p>The framework's masking draws, per sample, an input and a target token budget for every modality (from a
 * mixture of Dirichlet distributions) and then asks each modality's masking to spend them: {@link #mask} chooses which
 * tokens are inputs and which are targets and writes the modality's slice of the masked batch as a
 * {@link ModalitySample} of {@link fourm.api.TokenLayout#length()} positions. Deterministic fine-tuning asks for
 * {@link #fullInput} and {@link #fullTarget}; a modality that a sample does not use is {@link #empty}.
 *
 * <p>Ready-made maskings are in {@link Maskings}: random tokens over a grid, T5 span masking with sentinels, chunk
 * spans (metadata's key-value pairs) and embedding rows. {@link fourm.api.ModalitySpec#tokenMasking()} is the one its
 * settings describe unless the plugin brings its own ({@link fourm.api.ModalitySpec.Builder#optTokenMasking}).
 *
 * <p>Contract for an implementation:
 * <ul>
 *   <li>every random choice comes from the {@code rng} given (the same stream and arguments give the same sample);</li>
 *   <li>a masked sample holds at most {@code inputBudget} input and at most {@code targetBudget} target positions,
 *       and no position is both;</li>
 *   <li>the sample has the layout's length and holds ids for a discrete layout, values of the layout's value shape
 *       otherwise.</li>
 * </ul>
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface TokenMasking {

    /** A short kebab-case name for messages, for example {@code random-tokens} or {@code span}. */
    String name();

    /**
     * True when {@link #mask} draws a keep probability from the {@link KeepScheme} it is given (span maskings); the
     * masking recipe must then give the modality a keep scheme per mixture component.
     */
    boolean usesKeepScheme();

    /**
     * The most target tokens the modality takes when {@code inputBudget} of its tokens are inputs: the tokens left
     * for a grid (inputs and targets are disjoint cells), all of them for a sequence (targets are spans of their
     * own), 0 for a modality that is never a target.
     */
    int targetCap(int inputBudget);

    /**
     * Checks that a value fits this masking (its type and size).
     *
     * @param key   the modality key, for the message
     * @param value the value; null when the sample lacks the modality
     * @throws IllegalArgumentException naming the modality and what was expected
     */
    void check(String key, ModalityInput value);

    /**
     * Masks one sample's value.
     *
     * @param key          the modality key the sample is labelled with
     * @param value        the value, already {@linkplain #check checked}
     * @param inputBudget  the most input tokens
     * @param targetBudget the most target tokens
     * @param keep         the keep scheme of the sample's mixture component; null when {@link #usesKeepScheme()} is
     *                     false
     * @param special      PAD, EOS and sentinel ids of the text vocabulary
     * @param rng          the sample's random stream
     */
    ModalitySample mask(String key, ModalityInput value, int inputBudget, int targetBudget, KeepScheme keep,
                        SpecialTokens special, SplittableRandom rng);

    /** Every token of the value as input, nothing as target. */
    ModalitySample fullInput(String key, ModalityInput value, SpecialTokens special);

    /**
     * Every token of the value as target, nothing as input.
     *
     * @throws UnsupportedOperationException for a masking of values that cannot be targets
     */
    ModalitySample fullTarget(String key, ModalityInput value, SpecialTokens special);

    /** A modality that is neither input nor target: zeros, every mask true. */
    ModalitySample empty(String key);
}
