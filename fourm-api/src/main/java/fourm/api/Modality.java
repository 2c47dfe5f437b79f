package fourm.api;

import java.util.Objects;
import java.util.Optional;

/**
 * A modality as the framework sees it: its specification and, for discrete kinds, its tokenizer.
 *
 * <p>Create one with {@link #of(ModalitySpec, ModalityTokenizer)}, {@link #pretokenized(ModalitySpec)} or
 * {@link #continuous(ModalitySpec)}; plugins may also implement it to add behaviour.
 */
public interface Modality {

    /** The modality's specification. */
    ModalitySpec spec();

    /**
     * The tokenizer between raw values and token ids; present for every discrete kind
     * ({@link ModalityKind#isDiscrete()}), empty for pixels and dense embeddings, which enter the model as values.
     */
    Optional<ModalityTokenizer<?>> tokenizer();

    /** Shorthand for {@code spec().key()}. */
    default String key() {
        return spec().key();
    }

    /**
     * A discrete modality made of a specification and a tokenizer.
     *
     * @throws IllegalArgumentException if the kind is not discrete
     */
    static Modality of(ModalitySpec spec, ModalityTokenizer<?> tokenizer) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(tokenizer, "tokenizer");
        if (!spec.kind().isDiscrete()) {
            throw new IllegalArgumentException(spec.key() + ": a " + spec.kind().configName()
                    + " modality takes values, not tokens; use Modality.continuous(spec)");
        }
        return new SimpleModality(spec, Optional.of(tokenizer));
    }

    /**
     * A discrete modality whose values arrive pre-tokenized: its tokenizer validates ids against the vocabulary and
     * the token count.
     */
    static Modality pretokenized(ModalitySpec spec) {
        return of(spec, new PretokenizedTokenizer(spec.key(), spec.vocabSize().orElse(0), spec.maxTokens()));
    }

    /**
     * A modality of pixels or dense embeddings, which enter the model as values and need no tokenizer.
     *
     * @throws IllegalArgumentException if the kind is discrete
     */
    static Modality continuous(ModalitySpec spec) {
        Objects.requireNonNull(spec, "spec");
        if (spec.kind().isDiscrete()) {
            throw new IllegalArgumentException(spec.key() + ": a " + spec.kind().configName()
                    + " modality needs a tokenizer; use Modality.of(spec, tokenizer) or Modality.pretokenized(spec)");
        }
        return new SimpleModality(spec, Optional.empty());
    }
}

/** The plain implementation behind the {@link Modality} factories. */
record SimpleModality(ModalitySpec spec, Optional<ModalityTokenizer<?>> tokenizer) implements Modality {
    @Override
    public String toString() {
        return "Modality[" + spec.key() + "]";
    }
}
