package fourm.api;

/**
 * Turns a modality's raw values into token ids and back.
 *
 * <p>Implementations are stateless and thread-safe, and return fresh arrays. Invalid input is reported with an
 * {@link IllegalArgumentException} whose message says what was expected.
 *
 * @param <V> the raw value type (a text, an image, a structured record, or {@code int[]} for pre-tokenized data)
 */
public interface ModalityTokenizer<V> {

    /** The raw value type this tokenizer accepts and returns. */
    Class<V> valueType();

    /** Encodes one raw value into token ids. */
    int[] encode(V value);

    /** Decodes token ids back into a raw value. */
    V decode(int[] tokens);

    /**
     * True when this tokenizer only validates token ids that were produced elsewhere (the modality's learned tokenizer
     * has not been plugged in); its value type is then {@code int[]}.
     */
    default boolean pretokenizedOnly() {
        return false;
    }

    /**
     * What this tokenizer is and where its weights come from; by default {@link TokenizerInfo#PRETOKENIZED} for a
     * tokenizer that only validates ids, otherwise its class's simple name. Tokenizers with learned weights report
     * their checkpoint (or its absence).
     */
    default TokenizerInfo info() {
        return TokenizerInfo.of(pretokenizedOnly() ? TokenizerInfo.PRETOKENIZED : getClass().getSimpleName());
    }
}
