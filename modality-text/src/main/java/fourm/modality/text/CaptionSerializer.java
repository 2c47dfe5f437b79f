package fourm.modality.text;

/**
 * Captions and web text (spec §6.3): the text is the value. C4's web text has no key of its own in the reference; it
 * is loaded as a caption and goes through this serializer too.
 *
 * <p>What comes back from ids is the tokenizer's normalised form: lower case, accents stripped, punctuation split off
 * and re-attached by the WordPiece decoder's cleanup ({@code "a dog."}); text already in that form round-trips.
 */
public final class CaptionSerializer implements TextSerializer<String> {
    /** The shared instance (stateless). */
    public static final CaptionSerializer INSTANCE = new CaptionSerializer();

    private CaptionSerializer() {
    }

    @Override
    public Class<String> valueType() {
        return String.class;
    }

    /** The caption itself. */
    @Override
    public String toText(String value) {
        if (value == null) {
            throw new IllegalArgumentException("caption: expected text, got null");
        }
        return value;
    }

    /** The text with surrounding white space removed; nothing is ever skipped. */
    @Override
    public Decoded<String> fromText(String text) {
        return new Decoded<>(text.strip(), 0);
    }
}
