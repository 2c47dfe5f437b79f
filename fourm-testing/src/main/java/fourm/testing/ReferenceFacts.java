package fourm.testing;

import fourm.api.DecoderStrategy;
import fourm.api.GenerationScheme;
import fourm.api.MaskingPolicy;
import fourm.api.ModalityKind;
import fourm.api.PositionalScheme;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a modality's defaults must say, stated by the plugin's test (for reference modalities: the facts of the
 * reference's modality table). {@link ModalityProviderContract} checks the provider's default spec against them.
 *
 * @param key        modality key
 * @param kind       token layout
 * @param vocabSize  vocabulary size, empty for continuous kinds
 * @param maxTokens  token count or maximum length
 * @param positional positional scheme
 * @param encoder    usable as input
 * @param decoder    usable as target
 * @param scheme     default generation scheme, empty when not a target
 * @param sequence   the further defaults of a token-sequence modality, when the test states them
 *                   ({@link #withSequenceDefaults})
 */
public record ReferenceFacts(String key, ModalityKind kind, OptionalInt vocabSize, int maxTokens,
                             PositionalScheme positional, boolean encoder, boolean decoder,
                             Optional<GenerationScheme> scheme, Optional<SequenceDefaults> sequence) {

    /**
     * The rest of a token-sequence modality's defaults: its reference modality id, masking policy, positional table
     * and decoding defaults; it has no image size and no value dimension (its values are token ids); its default
     * tokenizer is a real one (it tokenizes values, not only pre-tokenized ids) for values of {@code valueType}.
     *
     * @param modalityId the reference's modality id
     * @param masking    masking policy
     * @param maxLength  rows of the positional table
     * @param generation the default decoding strategy
     * @param valueType  the type of value the default tokenizer encodes
     */
    public record SequenceDefaults(int modalityId, MaskingPolicy masking, int maxLength,
                                   DecoderStrategy generation, Class<?> valueType) {
        /** Checks that nothing is missing. */
        public SequenceDefaults {
            Objects.requireNonNull(masking, "masking");
            Objects.requireNonNull(generation, "generation");
            Objects.requireNonNull(valueType, "valueType");
        }
    }

    /** Facts of a discrete modality usable as input and target. */
    public static ReferenceFacts discrete(String key, ModalityKind kind, int vocabSize, int maxTokens,
                                          PositionalScheme positional, GenerationScheme scheme) {
        return new ReferenceFacts(key, kind, OptionalInt.of(vocabSize), maxTokens, positional, true, true,
                Optional.of(scheme), Optional.empty());
    }

    /** Facts of a continuous, input-only modality (pixels, dense embeddings). */
    public static ReferenceFacts inputOnly(String key, ModalityKind kind, int maxTokens,
                                           PositionalScheme positional) {
        return new ReferenceFacts(key, kind, OptionalInt.empty(), maxTokens, positional, true, false,
                Optional.empty(), Optional.empty());
    }

    /**
     * These facts and the rest of a token-sequence modality's defaults ({@link SequenceDefaults}), which the contract
     * then checks too.
     *
     * @param modalityId the reference's modality id
     * @param masking    masking policy
     * @param maxLength  rows of the positional table
     * @param generation the default decoding strategy
     * @param valueType  the type of value the default tokenizer encodes
     */
    public ReferenceFacts withSequenceDefaults(int modalityId, MaskingPolicy masking, int maxLength,
                                               DecoderStrategy generation, Class<?> valueType) {
        return new ReferenceFacts(key, kind, vocabSize, maxTokens, positional, encoder, decoder, scheme,
                Optional.of(new SequenceDefaults(modalityId, masking, maxLength, generation, valueType)));
    }
}
