package fourm.vq.modality;

import fourm.api.Modality;
import fourm.api.ModalitySpec;
import fourm.api.ModalityTokenizer;
import fourm.api.ValueFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * A modality with its own tokenizer and value format whose plugin also tokenizes arrays of one part of its values
 * ({@link ArrayTokens}), every array call going to {@code arrays}: what the pose and SAM-instance plugins give.
 *
 * @param spec           the modality's spec
 * @param modalityTokens the tokenizer of the modality's values
 * @param valueFormat    how its values are read, written and shown
 * @param arrays         the tokenizer of arrays every {@link ArrayTokens} call goes to
 */
public record ArrayTokenModality(ModalitySpec spec, ModalityTokenizer<?> modalityTokens, ValueFormat<?> valueFormat,
                                 ArrayTokens arrays) implements Modality, ArrayTokens.Delegating {
    /** Checks that every part is given. */
    public ArrayTokenModality {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(modalityTokens, "modalityTokens");
        Objects.requireNonNull(valueFormat, "valueFormat");
        Objects.requireNonNull(arrays, "arrays");
    }

    @Override
    public String key() {
        return spec.key();
    }

    @Override
    public Optional<ModalityTokenizer<?>> tokenizer() {
        return Optional.of(modalityTokens);
    }

    @Override
    public Optional<ValueFormat<?>> format() {
        return Optional.of(valueFormat);
    }
}
