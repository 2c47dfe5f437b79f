package fourm.vq.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import fourm.api.ModalityTokenizer;
import fourm.api.TokenizerInfo;
import fourm.vq.ImageTokenizer;
import fourm.vq.ModalityImageTokenizer;
import fourm.vq.Normalization;
import fourm.vq.Raster;
import fourm.vq.TokenGrid;
import fourm.vq.VqConfig;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A modality's tokenizer over a DiVAE: encoding through the ViT encoder and codebook (as any fourm-vq tokenizer),
 * decoding through the diffusion decoder. Decoding is batched ({@link #batchSize()} grids per sampling loop),
 * deterministic for a seed (grid {@code i} of a call is sampled from noise seeded with {@code seed + i}, so a grid
 * decodes to the same image alone or in a batch of any size) and reports its progress on long decodes (after two
 * seconds, at most once a second, on the given stream).
 *
 * <p>Thread-safe; close it to free the network.
 */
public final class DivaeTokenizer implements ModalityTokenizer<Raster>, AutoCloseable {
    /** Grids per sampling loop unless set otherwise. */
    public static final int DEFAULT_BATCH_SIZE = 8;
    private static final long PROGRESS_AFTER_NANOS = 2_000_000_000L;
    private static final long PROGRESS_EVERY_NANOS = 1_000_000_000L;

    private final String key;
    private final DivaeModel model;
    private final ModalityImageTokenizer encoder;
    private final int steps;
    private final long seed;
    private final int batchSize;
    private final Optional<String> checkpoint;
    private final PrintStream progress;

    /**
     * A tokenizer over {@code model} (which it owns).
     *
     * @param key        the modality key, for messages
     * @param steps      sampling steps of a decode
     * @param seed       seed of the sampler's noise
     * @param batchSize  grids per sampling loop
     * @param checkpoint where the model came from (reported)
     * @param progress   where long decodes report progress (null: nowhere)
     */
    public DivaeTokenizer(String key, DivaeModel model, int steps, long seed, int batchSize,
                          Optional<String> checkpoint, PrintStream progress) {
        if (steps < 1) {
            throw new IllegalArgumentException(key + ": decoding steps must be >= 1, got " + steps);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException(key + ": batch size must be >= 1, got " + batchSize);
        }
        model.decoder().scheduler().timesteps(steps);
        this.key = key;
        this.model = Objects.requireNonNull(model, "model");
        this.encoder = ModalityImageTokenizer.of(key, ImageTokenizer.of(model.encoder()));
        this.steps = steps;
        this.seed = seed;
        this.batchSize = batchSize;
        this.checkpoint = checkpoint;
        this.progress = progress;
    }

    /** The network. */
    public DivaeModel model() {
        return model;
    }

    /** The encoder side as a fourm-vq tokenizer (batched encoding; it cannot decode). */
    public ModalityImageTokenizer encoder() {
        return encoder;
    }

    /** Sampling steps of a decode. */
    public int steps() {
        return steps;
    }

    /** Grids per sampling loop. */
    public int batchSize() {
        return batchSize;
    }

    @Override
    public Class<Raster> valueType() {
        return Raster.class;
    }

    @Override
    public TokenizerInfo info() {
        return TokenizerInfo.of(DivaeCheckpoints.TYPE, checkpoint);
    }

    @Override
    public int[] encode(Raster value) {
        return encoder.encode(value);
    }

    @Override
    public Raster decode(int[] tokens) {
        int side = model.encoder().config().gridSide();
        if (tokens.length != side * side) {
            throw new IllegalArgumentException(key + ": " + tokens.length + " tokens, expected " + side * side);
        }
        return decode(List.of(new TokenGrid(side, side, tokens))).get(0);
    }

    /**
     * Decodes token grids of one shape into values in natural units, {@link #batchSize()} at a time.
     *
     * @throws IllegalArgumentException for an id outside the vocabulary or grids of different shapes
     */
    public List<Raster> decode(List<TokenGrid> grids) {
        VqConfig c = model.encoder().config();
        List<Raster> out = new ArrayList<>(grids.size());
        if (grids.isEmpty()) {
            return out;
        }
        TokenGrid first = grids.get(0);
        for (int i = 0; i < grids.size(); i++) {
            TokenGrid g = Objects.requireNonNull(grids.get(i), "token grid " + i);
            if (g.rows() != first.rows() || g.cols() != first.cols()) {
                throw new IllegalArgumentException(key + ": token grid " + i + " is " + g.rows() + " x " + g.cols()
                        + " but grid 0 is " + first.rows() + " x " + first.cols());
            }
            for (int id : g.tokens()) {
                if (id < 0 || id >= c.vocabSize()) {
                    throw new IllegalArgumentException(key + ": token grid " + i + ": id " + id
                            + " is outside the vocabulary [0, " + c.vocabSize() + ")");
                }
            }
        }
        int side = model.unet().config().imageSize() * first.rows() / c.gridSide();
        Progress p = new Progress(grids.size());
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
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray decoded = model.decodeTokens(m, ids, chunk.size(), first.rows(), first.cols(), steps, side,
                        GaussianNoise.perSample(seed + from, chunk.size()), p.at(from, chunk.size()));
                values = decoded.toFloatArray();
            }
            int per = values.length / chunk.size();
            for (int i = 0; i < chunk.size(); i++) {
                float[] one = new float[per];
                System.arraycopy(values, i * per, one, 0, per);
                out.add(Normalization.fromModel(c, one, side, side));
            }
        }
        p.done();
        return out;
    }

    /** Frees the network. */
    @Override
    public void close() {
        model.close();
    }

    /** Progress of one decode call, shown once it has run for a while. */
    private final class Progress {
        private final int total;
        private final long start = System.nanoTime();
        private long last;
        private boolean shown;

        Progress(int total) {
            this.total = total;
        }

        DiffusionDecoder.StepListener at(int from, int count) {
            return (index, all, timestep) -> {
                long now = System.nanoTime();
                if (progress == null || now - start < PROGRESS_AFTER_NANOS || now - last < PROGRESS_EVERY_NANOS) {
                    return;
                }
                last = now;
                shown = true;
                progress.printf("%s: diffusion decode, images %d-%d of %d, step %d/%d (%.0f s)%n", key, from + 1,
                        from + count, total, index + 1, all, (now - start) / 1e9);
            };
        }

        void done() {
            if (shown) {
                progress.printf("%s: decoded %d image(s) in %.1f s%n", key, total,
                        (System.nanoTime() - start) / 1e9);
            }
        }
    }
}
