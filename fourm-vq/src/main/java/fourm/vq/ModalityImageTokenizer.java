package fourm.vq;

import fourm.api.ModalityTokenizer;
import java.util.List;

/**
 * A {@link ModalityTokenizer} of {@link Raster}s for one modality key, over an {@link ImageTokenizer}: an image of
 * exactly the tokenizer's {@code image-size} in, its token ids row-major out ({@code gridSide^2} ids, or one id per
 * Memcodes head), and back. Stateless and thread-safe; close it to free the model.
 */
public final class ModalityImageTokenizer implements ModalityTokenizer<Raster>, AutoCloseable {
    private final String key;
    private final ImageTokenizer tokenizer;

    ModalityImageTokenizer(String key, ImageTokenizer tokenizer) {
        this.key = key;
        this.tokenizer = tokenizer;
    }

    /** The modality key. */
    public String key() {
        return key;
    }

    /** The tokenizer underneath. */
    public ImageTokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public Class<Raster> valueType() {
        return Raster.class;
    }

    /**
     * Token ids of one image.
     *
     * @throws IllegalArgumentException for a value of the wrong shape or range (the message starts with the key)
     */
    @Override
    public int[] encode(Raster value) {
        try {
            Normalization.validate(tokenizer.config(), value, key, true);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return tokenizer.encode(value).tokens();
    }

    /**
     * The decoded value of token ids.
     *
     * @throws IllegalArgumentException for the wrong number of ids or an id outside the vocabulary
     */
    @Override
    public Raster decode(int[] tokens) {
        VqConfig c = tokenizer.config();
        int rows = c.quantizer().type() == VqConfig.QuantizerType.MEMCODES ? 1 : c.gridSide();
        int cols = c.quantizer().type() == VqConfig.QuantizerType.MEMCODES ? c.quantizer().heads() : c.gridSide();
        if (tokens.length != rows * cols) {
            throw new IllegalArgumentException(key + ": " + tokens.length + " tokens, expected " + rows * cols);
        }
        return tokenizer.decode(List.of(new TokenGrid(rows, cols, tokens))).get(0);
    }

    /** Frees the model. */
    @Override
    public void close() {
        tokenizer.close();
    }
}
