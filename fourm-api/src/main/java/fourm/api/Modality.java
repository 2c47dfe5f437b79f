package fourm.api;

import java.util.Objects;
import java.util.Optional;

/**
 * A modality as the framework sees it: everything that makes it work, brought by its plugin.
 *
 * <ul>
 *   <li>{@link #spec()}: its settings (key, vocabulary, token budget, generation defaults), read from the plugin's
 *       configuration node;</li>
 *   <li>{@link #layout()}: how its tokens are embedded and positioned in the transformer (by default the layout
 *       its settings describe);</li>
 *   <li>{@link #tokenizer()}: raw value to token ids and back, for discrete modalities;</li>
 *   <li>{@link #format()}: how its raw values are read from files, written to files and shown to a person;</li>
 *   <li>{@link #tokenizerInfo()}: what its tokenizer is and where its weights come from.</li>
 * </ul>
 *
 * <p>Create one with {@link #of(ModalitySpec, ModalityTokenizer)}, {@link #pretokenized(ModalitySpec)} or
 * {@link #continuous(ModalitySpec)}, or implement it to bring more behaviour. The framework calls these methods; it
 * never asks which kind of modality it holds.
 */
public interface Modality {

    /** The modality's specification. */
    ModalitySpec spec();

    /**
     * The tokenizer between raw values and token ids; present for every discrete kind
     * ({@link ModalityKind#isDiscrete()}), empty for pixels and dense embeddings, which enter the model as values.
     */
    Optional<ModalityTokenizer<?>> tokenizer();

    /** How the modality's tokens are laid out, embedded and positioned; by default {@code spec().layout()}. */
    default TokenLayout layout() {
        return spec().layout();
    }

    /**
     * How raw values are read, written and shown; empty when the modality has no file format (its values are
     * produced and consumed in memory only). The format's value type is the tokenizer's.
     */
    default Optional<ValueFormat<?>> format() {
        return Optional.empty();
    }

    /**
     * What the tokenizer is ({@code wordpiece}, {@code vq-vae}, ...) and where its weights come from:
     * {@link TokenizerInfo#CONTINUOUS} for modalities without a tokenizer, otherwise the tokenizer's own
     * {@link ModalityTokenizer#info()}.
     */
    default TokenizerInfo tokenizerInfo() {
        return tokenizer().map(ModalityTokenizer::info).orElse(TokenizerInfo.of(TokenizerInfo.CONTINUOUS));
    }

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
