package fourm.vq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Encodes images and maps into token grids and decodes token grids back, in natural units (see
 * {@link ImageValues}): the user-facing side of a {@link VqModel}.
 *
 * <p>Batched (inputs are processed {@link #batchSize()} at a time) and deterministic: the same input always gives the
 * same tokens and the same tokens the same output (inference uses arg-max assignments only; the ViT and MLP decoders
 * are deterministic). Every input is checked first ({@link Normalization#validate}): a wrong channel count, a size that
 * does not fit the patches, a value outside the family's range or a NaN is an {@link IllegalArgumentException} naming
 * the input's index and what was expected. Inputs may have any size that is a multiple of the patch size (the
 * positional embeddings are resized bicubically, as in the reference); the images of one call must share a size.
 *
 * <p>Safe for concurrent use. Close it to free the model (unless it was made with {@link #of(VqModel)}, which leaves
 * the model to its owner).
 */
public final class ImageTokenizer implements AutoCloseable {
    /** Images per forward pass unless set otherwise. */
    public static final int DEFAULT_BATCH_SIZE = 16;

    private final VqModel model;
    private final boolean owner;
    private final int batchSize;

    private ImageTokenizer(VqModel model, boolean owner, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        this.model = Objects.requireNonNull(model, "model");
        this.owner = owner;
        this.batchSize = batchSize;
    }

    /** Loads a fourm-vq checkpoint (architecture from its metadata). */
    public static ImageTokenizer load(Path checkpoint) throws IOException {
        return new ImageTokenizer(VqCheckpoints.load(checkpoint), true, DEFAULT_BATCH_SIZE);
    }

    /** Loads weights with an explicit architecture, for example released reference weights. */
    public static ImageTokenizer load(Path checkpoint, VqConfig config, VqCheckpoints.Scope scope)
            throws IOException {
        return new ImageTokenizer(VqCheckpoints.load(checkpoint, config, scope), true, DEFAULT_BATCH_SIZE);
    }

    /**
     * Loads a tokenizer directory in the reference's published layout ({@code config.json} with the constructor
     * arguments of its {@code VQVAE}, and {@code model.safetensors} or a {@code .pth}/{@code .bin} state dict; see
     * {@link ReferenceTokenizer}) whose values are {@code values}, with the reference's architecture presets. A DiVAE
     * loads its encoder side only ({@link #canDecode()} is then false).
     *
     * @throws IllegalArgumentException naming {@code config.json}, every bad key and what was expected
     * @throws IOException              if a file is missing or the weights do not match the config (every key named)
     */
    public static ImageTokenizer loadReference(Path directory, ImageValues values) throws IOException {
        return loadReference(directory, values, ReferencePresets.builtIn());
    }

    /** As {@link #loadReference(Path, ImageValues)}, with architecture presets of the caller's. */
    public static ImageTokenizer loadReference(Path directory, ImageValues values, ReferencePresets presets)
            throws IOException {
        Path name = directory.toAbsolutePath().normalize().getFileName();
        ReferenceTokenizer ref = ReferenceTokenizer.read(directory, name == null ? "tokenizer" : name.toString(),
                values, presets);
        return new ImageTokenizer(ref.hasDiffusionDecoder() ? ref.loadEncoder() : ref.load(), true,
                DEFAULT_BATCH_SIZE);
    }

    /** Wraps a model owned elsewhere (closing this tokenizer leaves the model open). */
    public static ImageTokenizer of(VqModel model) {
        return new ImageTokenizer(model, false, DEFAULT_BATCH_SIZE);
    }

    /** This tokenizer's model, owned by the returned tokenizer (closing it closes the model). */
    ImageTokenizer owning() {
        return new ImageTokenizer(model, true, batchSize);
    }

    /**
     * The same tokenizer processing {@code n} images per forward pass. It shares this tokenizer's model: closing it
     * does not close the model, and it must not be used after this tokenizer is closed.
     */
    public ImageTokenizer withBatchSize(int n) {
        return new ImageTokenizer(model, false, n);
    }

    /** Images per forward pass. */
    public int batchSize() {
        return batchSize;
    }

    /** The architecture. */
    public VqConfig config() {
        return model.config();
    }

    /** The network. */
    public VqModel model() {
        return model;
    }

    /** True when the tokenizer can decode (it was not loaded encoder-only). */
    public boolean canDecode() {
        return model.hasDecoder();
    }

    /** Tokens of one image. */
    public TokenGrid encode(Raster image) {
        return encode(List.of(image)).get(0);
    }

    /**
     * Tokens of a batch of images of one size.
     *
     * @throws IllegalArgumentException naming the first bad image
     */
    public List<TokenGrid> encode(List<Raster> images) {
        check(images);
        return tokenize(images, true);
    }

    /**
     * Tokens of a batch of inputs already in the network's units, the reference's convention: what its tokenizer
     * module receives after the data pipeline (RGB, normals and edges in [-1, 1], depth standardised, class ids
     * shifted by +1 with 0 = no class, one channel; feature maps and embeddings as they are). Used to feed
     * pre-normalised data and to compare with the reference; only the shape and finiteness are checked.
     *
     * @throws IllegalArgumentException naming the first input of the wrong shape or with a non-finite value
     */
    public List<TokenGrid> encodeModelUnits(List<Raster> inputs) {
        VqConfig c = model.config();
        for (int i = 0; i < inputs.size(); i++) {
            Raster r = Objects.requireNonNull(inputs.get(i), "input " + i);
            if (r.channels() != c.valueChannels()) {
                throw new IllegalArgumentException("input " + i + ": " + r.channels() + " channels, but the " + c.name()
                        + " tokenizer's network takes " + c.valueChannels());
            }
            boolean sizeOk = c.values().global() ? r.height() == 1 && r.width() == 1
                    : r.height() % c.patchSize() == 0 && r.width() % c.patchSize() == 0;
            Raster first = inputs.get(0);
            if (!sizeOk || r.height() != first.height() || r.width() != first.width()) {
                throw new IllegalArgumentException("input " + i + ": size " + r.height() + " x " + r.width()
                        + ", but the " + c.name() + " tokenizer takes " + c.imageSize() + " x " + c.imageSize()
                        + (c.values().global() ? "" : " (or any multiple of its patch size " + c.patchSize() + ")")
                        + ", the same for every input of a call");
            }
            float[] d = r.data();
            for (int k = 0; k < d.length; k++) {
                if (!Float.isFinite(d[k])) {
                    throw new IllegalArgumentException("input " + i + ": value " + d[k] + " at index " + k
                            + "; expected finite numbers");
                }
            }
        }
        return tokenize(inputs, false);
    }

    private List<TokenGrid> tokenize(List<Raster> images, boolean natural) {
        VqConfig c = model.config();
        List<TokenGrid> out = new ArrayList<>(images.size());
        for (int from = 0; from < images.size(); from += batchSize) {
            List<Raster> chunk = images.subList(from, Math.min(images.size(), from + batchSize));
            Raster first = chunk.get(0);
            int h = first.height();
            int w = first.width();
            int per = first.size();
            float[] values = new float[chunk.size() * per];
            for (int i = 0; i < chunk.size(); i++) {
                float[] v = natural ? Normalization.toModel(c, chunk.get(i)) : chunk.get(i).data();
                System.arraycopy(v, 0, values, i * per, v.length);
            }
            long[] ids;
            try (NDManager m = model.manager().newSubManager()) {
                ids = model.tokenize(m, model.input(m, values, chunk.size(), h, w));
            }
            int rows;
            int cols;
            if (c.quantizer().type() == VqConfig.QuantizerType.MEMCODES) {
                rows = 1;
                cols = c.quantizer().heads();
            } else {
                // several lucid codebooks: one plane of the grid per codebook, stacked (the reference's b n_c h w)
                rows = c.quantizer().heads() * (h / c.patchSize());
                cols = w / c.patchSize();
            }
            int t = rows * cols;
            for (int i = 0; i < chunk.size(); i++) {
                int[] tokens = new int[t];
                for (int j = 0; j < t; j++) {
                    tokens[j] = (int) ids[i * t + j];
                }
                out.add(new TokenGrid(rows, cols, tokens));
            }
        }
        return out;
    }

    private void check(List<Raster> images) {
        if (images.isEmpty()) {
            return;
        }
        Raster first = images.get(0);
        for (int i = 0; i < images.size(); i++) {
            Raster r = Objects.requireNonNull(images.get(i), "image " + i);
            Normalization.validate(model.config(), r, "image " + i, false);
            if (r.height() != first.height() || r.width() != first.width()) {
                throw new IllegalArgumentException("image " + i + " is " + r.height() + " x " + r.width()
                        + " but image 0 is " + first.height() + " x " + first.width()
                        + "; the images of one call must share a size");
            }
        }
    }

    /** The decoded value of one token grid. */
    public Raster decode(TokenGrid tokens) {
        return decode(List.of(tokens)).get(0);
    }

    /**
     * Decoded values of token grids of one shape, in natural units.
     *
     * @throws IllegalArgumentException for an id outside the vocabulary or a grid of the wrong shape
     * @throws IllegalStateException    if the tokenizer was loaded without its decoder
     */
    public List<Raster> decode(List<TokenGrid> grids) {
        return decode(grids, true);
    }

    /**
     * The network's outputs for token grids, in its own units (the reference's {@code decode_tokens}): [-1, 1] for
     * RGB, normals and edges, standardised depth, one logit per label (classes + 1) for class ids.
     *
     * @throws IllegalArgumentException as {@link #decode(List)}
     * @throws IllegalStateException    if the tokenizer was loaded without its decoder
     */
    public List<Raster> decodeModelUnits(List<TokenGrid> grids) {
        return decode(grids, false);
    }

    private List<Raster> decode(List<TokenGrid> grids, boolean natural) {
        VqConfig c = model.config();
        if (!model.hasDecoder()) {
            throw new IllegalStateException("the " + c.name() + " tokenizer was loaded without its decoder; it can"
                    + " encode only");
        }
        List<Raster> out = new ArrayList<>(grids.size());
        if (grids.isEmpty()) {
            return out;
        }
        boolean memcodes = c.quantizer().type() == VqConfig.QuantizerType.MEMCODES;
        TokenGrid first = grids.get(0);
        for (int i = 0; i < grids.size(); i++) {
            TokenGrid g = Objects.requireNonNull(grids.get(i), "token grid " + i);
            if (memcodes && (g.rows() != 1 || g.cols() != c.quantizer().heads())) {
                throw new IllegalArgumentException("token grid " + i + " is " + g.rows() + " x " + g.cols()
                        + "; the " + c.name() + " tokenizer reads 1 x " + c.quantizer().heads() + " (one token per head)");
            }
            if (!memcodes && g.rows() % c.quantizer().heads() != 0) {
                throw new IllegalArgumentException("token grid " + i + " has " + g.rows() + " rows; the " + c.name()
                        + " tokenizer has " + c.quantizer().heads() + " codebooks, one stacked plane each");
            }
            if (g.rows() != first.rows() || g.cols() != first.cols()) {
                throw new IllegalArgumentException("token grid " + i + " is " + g.rows() + " x " + g.cols()
                        + " but grid 0 is " + first.rows() + " x " + first.cols() + "; the grids of one call must"
                        + " share a shape");
            }
            int[] t = g.tokens();
            for (int j = 0; j < t.length; j++) {
                if (t[j] < 0 || t[j] >= c.vocabSize()) {
                    throw new IllegalArgumentException("token grid " + i + ": id " + t[j] + " at position " + j
                            + " is outside the vocabulary [0, " + c.vocabSize() + ")");
                }
            }
        }
        int gh = memcodes ? 1 : first.rows() / c.quantizer().heads();
        int gw = memcodes ? 1 : first.cols();
        int outH = gh * c.patchSize();
        int outW = gw * c.patchSize();
        for (int from = 0; from < grids.size(); from += batchSize) {
            List<TokenGrid> chunk = grids.subList(from, Math.min(grids.size(), from + batchSize));
            int t = first.size();
            long[] ids = new long[chunk.size() * t];
            for (int i = 0; i < chunk.size(); i++) {
                int[] tokens = chunk.get(i).tokens();
                for (int j = 0; j < t; j++) {
                    ids[i * t + j] = tokens[j];
                }
            }
            float[] values;
            try (NDManager m = model.manager().newSubManager()) {
                NDArray decoded = model.decodeTokens(m, ids, chunk.size(), gh, gw);
                values = decoded.toFloatArray();
            }
            int per = values.length / chunk.size();
            for (int i = 0; i < chunk.size(); i++) {
                float[] one = new float[per];
                System.arraycopy(values, i * per, one, 0, per);
                out.add(natural ? Normalization.fromModel(c, one, outH, outW)
                        : new Raster(c.outputChannels(), outH, outW, one));
            }
        }
        return out;
    }

    /** Encodes and decodes: what the tokenizer keeps of each image. */
    public List<Raster> reconstruct(List<Raster> images) {
        return decode(encode(images));
    }

    /** Closes the model if this tokenizer owns it. */
    @Override
    public void close() {
        if (owner) {
            model.close();
        }
    }
}
