package fourm.testing;

import fourm.api.GenerationScheme;
import fourm.api.ModalityKind;
import fourm.api.PositionalScheme;
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
 */
public record ReferenceFacts(String key, ModalityKind kind, OptionalInt vocabSize, int maxTokens,
                             PositionalScheme positional, boolean encoder, boolean decoder,
                             Optional<GenerationScheme> scheme) {

    /** Facts of a discrete modality usable as input and target. */
    public static ReferenceFacts discrete(String key, ModalityKind kind, int vocabSize, int maxTokens,
                                          PositionalScheme positional, GenerationScheme scheme) {
        return new ReferenceFacts(key, kind, OptionalInt.of(vocabSize), maxTokens, positional, true, true,
                Optional.of(scheme));
    }

    /** Facts of a continuous, input-only modality (pixels, dense embeddings). */
    public static ReferenceFacts inputOnly(String key, ModalityKind kind, int maxTokens,
                                           PositionalScheme positional) {
        return new ReferenceFacts(key, kind, OptionalInt.empty(), maxTokens, positional, true, false,
                Optional.empty());
    }
}
