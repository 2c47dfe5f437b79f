package fourm.examples.thermal;

import fourm.api.ModalityTokenizer;
import fourm.api.TokenizerInfo;
import fourm.vq.ImageTokenizer;
import fourm.vq.Raster;
import fourm.vq.TokenGrid;
import fourm.vq.VqConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The thermal modality's learned tokenizer: a VQ-VAE of fourm-vq (ViT encoder and decoder, cosine codebook) trained
 * on thermal maps by {@link ThermalTokenizerTraining}, between a {@code height x width} map in kelvin and a
 * {@code (height / patch) x (width / patch)} grid of codes (32x64 with 16-pixel patches: 2x4 = 8 tokens).
 *
 * <p>Temperatures are scaled from {@code [min-kelvin, max-kelvin]} to {@code [0, 1]} (clamped: a saturated sensor)
 * before encoding and back after decoding. The weights come from the checkpoint set at
 * {@code fourm.modality.thermal.tokenizer.checkpoint}, loaded on first use and kept for the life of the process;
 * without one the tokenizer still reports what it is ({@link #info()}) and refuses to encode or decode, naming the
 * setting. Thread-safe; returns fresh arrays.
 */
public final class ThermalTokenizer implements ModalityTokenizer<float[][]> {
    /** Tokenizer type reported in listings. */
    public static final String TYPE = "vq-vae";

    private final String key;
    private final String checkpointKey;
    private final Optional<Path> checkpoint;
    private final int height;
    private final int width;
    private final int patch;
    private final int vocab;
    private final double min;
    private final double max;
    private ImageTokenizer loaded;

    /**
     * @param key           the modality key, named in errors
     * @param checkpointKey the full configuration key of the checkpoint setting, named when it is missing
     * @param checkpoint    the tokenizer's weights, when configured
     * @param height        map height in pixels
     * @param width         map width in pixels
     * @param patch         pixels per token side
     * @param vocab         codebook size (the modality's vocabulary)
     * @param min           temperature mapped to 0
     * @param max           temperature mapped to 1
     */
    public ThermalTokenizer(String key, String checkpointKey, Optional<Path> checkpoint, int height, int width,
                            int patch, int vocab, double min, double max) {
        this.key = key;
        this.checkpointKey = checkpointKey;
        this.checkpoint = checkpoint;
        this.height = height;
        this.width = width;
        this.patch = patch;
        this.vocab = vocab;
        this.min = min;
        this.max = max;
    }

    @Override
    public Class<float[][]> valueType() {
        return float[][].class;
    }

    @Override
    public TokenizerInfo info() {
        return TokenizerInfo.of(TYPE, checkpoint.map(Path::toString));
    }

    @Override
    public int[] encode(float[][] map) {
        if (map.length != height) {
            throw new IllegalArgumentException(key + ": expected a " + height + "x" + width + " temperature map; it has "
                    + map.length + " rows");
        }
        float[] unit = new float[height * width];
        for (int y = 0; y < height; y++) {
            if (map[y] == null || map[y].length != width) {
                throw new IllegalArgumentException(key + ": expected a " + height + "x" + width + " temperature map;"
                        + " row " + y + " has " + (map[y] == null ? 0 : map[y].length) + " values");
            }
            for (int x = 0; x < width; x++) {
                float t = map[y][x];
                if (!Float.isFinite(t)) {
                    throw new IllegalArgumentException(key + ": temperature at row " + y + ", column " + x + " is "
                            + t);
                }
                unit[y * width + x] = (float) Math.max(0, Math.min(1, (t - min) / (max - min)));
            }
        }
        TokenGrid grid = tokenizer().encode(new Raster(1, height, width, unit));
        return grid.tokens().clone();
    }

    @Override
    public float[][] decode(int[] tokens) {
        int rows = height / patch;
        int cols = width / patch;
        if (tokens.length != rows * cols) {
            throw new IllegalArgumentException(key + ": expected " + rows * cols + " tokens (" + rows + "x" + cols
                    + "), got " + tokens.length);
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocab) {
                throw new IllegalArgumentException(key + ": token " + tokens[i] + " at position " + i
                        + " is outside the vocabulary [0, " + vocab + ")");
            }
        }
        Raster r = tokenizer().decode(new TokenGrid(rows, cols, tokens.clone()));
        float[][] map = new float[height][width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                map[y][x] = (float) (min + Math.max(0, Math.min(1, r.at(0, y, x))) * (max - min));
            }
        }
        return map;
    }

    private synchronized ImageTokenizer tokenizer() {
        if (loaded != null) {
            return loaded;
        }
        Path file = checkpoint.orElseThrow(() -> new IllegalStateException(key + ": no tokenizer checkpoint; set "
                + checkpointKey + " (train one with " + ThermalTokenizerTraining.class.getName() + ")"));
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(key + ": tokenizer checkpoint " + file + " (" + checkpointKey
                    + ") does not exist");
        }
        ImageTokenizer t;
        try {
            t = ImageTokenizer.load(file);
        } catch (IOException e) {
            throw new UncheckedIOException(key + ": cannot read tokenizer checkpoint " + file, e);
        }
        VqConfig c = t.config();
        if (c.channels() != 1 || c.patchSize() != patch || c.vocabSize() != vocab) {
            t.close();
            throw new IllegalStateException(key + ": tokenizer checkpoint " + file + " has " + c.channels()
                    + " channel(s), patch " + c.patchSize() + " and " + c.vocabSize() + " codes; the modality needs 1,"
                    + " " + patch + " and " + vocab);
        }
        loaded = t;
        return t;
    }
}
