package fourm.modality.text;

import fourm.api.ModalityTokenizer;
import fourm.api.TokenizerInfo;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * The tokenizer of a sequence modality: a {@link TextSerializer} (structured value to text) followed by the
 * {@link TextTokenizer} (text to ids), and back.
 *
 * <p>{@link #decode(int[])} is tolerant ({@link #decodeTolerant(int[])} also says what it skipped): it reads up to the
 * first {@code [EOS]}, ignores {@code [PAD]} and {@code [SOS]}, counts ids outside the vocabulary as skipped, decodes
 * the rest to text and lets the serializer keep the well-formed part. Stateless and thread-safe.
 *
 * @param <T> the structured value type
 */
public final class SequenceTokenizer<T> implements ModalityTokenizer<T> {
    /** The tokenizer type sequence modalities report. */
    public static final String WORDPIECE = "wordpiece";

    private final TextSerializer<T> serializer;
    private final TextTokenizer tokenizer;
    private final int pad;
    private final int sos;
    private final int eos;

    /**
     * @param serializer between values and text
     * @param tokenizer  between text and ids; must have {@code [PAD]}, {@code [SOS]} and {@code [EOS]}
     */
    public SequenceTokenizer(TextSerializer<T> serializer, TextTokenizer tokenizer) {
        this.serializer = Objects.requireNonNull(serializer, "serializer");
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.pad = tokenizer.padId();
        this.sos = tokenizer.sosId();
        this.eos = tokenizer.eosId();
    }

    @Override
    public Class<T> valueType() {
        return serializer.valueType();
    }

    /**
     * {@code wordpiece}, with the tokenizer file it was loaded from as its checkpoint, or none for the built-in
     * tokenizer.
     */
    @Override
    public TokenizerInfo info() {
        return TokenizerInfo.of(WORDPIECE, TokenizerBuilder.BUILTIN_NAME.equals(tokenizer.source()) ? Optional.empty()
                : Optional.of(tokenizer.source()));
    }

    /** Serialises the value to text and encodes the text; no {@code [EOS]} is appended (masking adds it). */
    @Override
    public int[] encode(T value) {
        return tokenizer.encode(serializer.toText(value));
    }

    /** The valid part of {@link #decodeTolerant(int[])}; never throws on malformed sequences. */
    @Override
    public T decode(int[] tokens) {
        return decodeTolerant(tokens).value();
    }

    /** Decodes ids to a value, returning the well-formed part and how much was skipped. */
    public Decoded<T> decodeTolerant(int[] tokens) {
        int[] kept = new int[tokens.length];
        int n = 0;
        int outside = 0;
        for (int id : tokens) {
            if (id == eos) {
                break;
            }
            if (id == pad || id == sos) {
                continue;
            }
            if (tokenizer.token(id).isEmpty()) {
                outside++;
                continue;
            }
            kept[n++] = id;
        }
        Decoded<T> d = serializer.fromText(tokenizer.decode(Arrays.copyOf(kept, n)));
        return new Decoded<>(d.value(), d.skipped() + outside);
    }

    /** The text a value serialises to. */
    public String text(T value) {
        return serializer.toText(value);
    }

    /** The serializer. */
    public TextSerializer<T> serializer() {
        return serializer;
    }

    /** The text tokenizer. */
    public TextTokenizer textTokenizer() {
        return tokenizer;
    }
}
