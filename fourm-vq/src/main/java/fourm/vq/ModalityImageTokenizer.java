package fourm.vq;

import fourm.api.ModalityTokenizer;
import fourm.api.TokenizerInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A {@link ModalityTokenizer} of {@link Raster}s for one modality, over an {@link ImageTokenizer}: an image of
 * exactly the tokenizer's {@code image-size} in, its token ids row-major out ({@code gridSide^2} ids, one such grid per
 * codebook with several lucid codebooks, or one id per Memcodes head), and back. Stateless and thread-safe; close it
 * to free the model.
 *
 * <p>A modality plugin loads one with {@link #load(String, Path, ImageValues)} from the checkpoint its configuration
 * names; the checkpoint must have been trained on the values the plugin expects.
 */
public final class ModalityImageTokenizer implements ModalityTokenizer<Raster>, AutoCloseable {
    /** Tokenizer type of a ViT VQ-VAE with a codebook per token. */
    public static final String VQ_VAE = "vq-vae";
    /** Tokenizer type of a bottleneck MLP with multi-head Memcodes (global embeddings). */
    public static final String MEMCODES = "memcodes";

    private final String key;
    private final ImageTokenizer tokenizer;
    private final Optional<String> checkpoint;

    private ModalityImageTokenizer(String key, ImageTokenizer tokenizer, Optional<String> checkpoint) {
        this.key = key;
        this.tokenizer = tokenizer;
        this.checkpoint = checkpoint;
    }

    /**
     * Loads a tokenizer checkpoint for a modality.
     *
     * @param key      the modality key, for messages
     * @param expected the values the modality's raw values are; the checkpoint must record the same name
     * @throws IllegalArgumentException if the checkpoint was trained on other values
     * @throws IOException              if the checkpoint cannot be read or does not match its architecture
     */
    public static ModalityImageTokenizer load(String key, Path checkpoint, ImageValues expected) throws IOException {
        VqConfig c = VqCheckpoints.readConfig(checkpoint);
        if (!c.values().name().equals(expected.name())) {
            throw new IllegalArgumentException(checkpoint + ": a " + c.values().name() + " tokenizer cannot serve "
                    + key + ", whose values are " + expected.name());
        }
        return new ModalityImageTokenizer(key, ImageTokenizer.load(checkpoint), Optional.of(checkpoint.toString()));
    }

    /**
     * Loads a tokenizer directory in the reference's layout for a modality: the whole tokenizer, or a DiVAE's encoder
     * side (it then encodes only: its decoder is a diffusion model, see {@link ReferenceTokenizer}).
     *
     * @throws IOException if the weights cannot be read or do not match the directory's config
     */
    public static ModalityImageTokenizer load(String key, ReferenceTokenizer reference) throws IOException {
        VqModel model = reference.hasDiffusionDecoder() ? reference.loadEncoder() : reference.load();
        return new ModalityImageTokenizer(key, ImageTokenizer.of(model).owning(),
                Optional.of(reference.directory().toString()));
    }

    /** A tokenizer for a modality over a model held in memory (no checkpoint file). */
    public static ModalityImageTokenizer of(String key, ImageTokenizer tokenizer) {
        return new ModalityImageTokenizer(key, tokenizer, Optional.empty());
    }

    /** The tokenizer type of an architecture: {@value #MEMCODES} or {@value #VQ_VAE}. */
    public static String typeOf(VqConfig c) {
        return c.quantizer().type() == VqConfig.QuantizerType.MEMCODES ? MEMCODES : VQ_VAE;
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

    @Override
    public TokenizerInfo info() {
        return TokenizerInfo.of(typeOf(tokenizer.config()), checkpoint);
    }

    /**
     * Token ids of one image.
     *
     * @throws IllegalArgumentException for a value of the wrong shape or range (the message starts with the key)
     */
    @Override
    public int[] encode(Raster value) {
        Normalization.validate(tokenizer.config(), value, key, true);
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
        if (!tokenizer.canDecode()) {
            throw new IllegalStateException(key + ": the tokenizer " + checkpoint.orElse(c.name()) + " is loaded"
                    + " encoder-only (a DiVAE: its diffusion decoder is not run through the plugin); it encodes only");
        }
        boolean memcodes = c.quantizer().type() == VqConfig.QuantizerType.MEMCODES;
        int rows = memcodes ? 1 : c.quantizer().heads() * c.gridSide();
        int cols = memcodes ? c.quantizer().heads() : c.gridSide();
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
