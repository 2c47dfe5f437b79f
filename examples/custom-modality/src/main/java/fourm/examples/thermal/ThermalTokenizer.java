package fourm.examples.thermal;

import fourm.api.ModalityTokenizer;
import java.util.Arrays;

/**
 * A deterministic tokenizer for thermal images: one token per square patch, the patch's mean temperature binned
 * into equal bins over a fixed range.
 *
 * <p>A value is a square map of temperatures in kelvin, {@code float[side][side]}, row-major ({@code map[row][col]}).
 * {@link #encode} averages each {@code patch x patch} block and maps the mean {@code t} to bin
 * {@code floor((t - min) / (max - min) * bins)}, clamped to {@code [0, bins)}: temperatures below the range fall into
 * the first bin and above it into the last, as a sensor saturates. Tokens are in row-major patch order.
 * {@link #decode} fills each patch with its bin's centre, {@code min + (id + 0.5) * (max - min) / bins}, so a map that
 * is constant per patch at bin centres round-trips exactly.
 *
 * <p>Immutable and thread-safe; every call returns a fresh array.
 */
public final class ThermalTokenizer implements ModalityTokenizer<float[][]> {
    private final String key;
    private final int side;
    private final int patch;
    private final int bins;
    private final double minKelvin;
    private final double maxKelvin;

    /**
     * @param key       the modality key, used in error messages
     * @param side      pixels per image side
     * @param patch     pixels per patch side; must divide {@code side}
     * @param bins      number of temperature bins, which is the vocabulary size
     * @param minKelvin lower end of the binned range, finite and {@code >= 0}
     * @param maxKelvin upper end of the binned range, finite and {@code > minKelvin}
     * @throws IllegalArgumentException naming the first invalid argument
     */
    public ThermalTokenizer(String key, int side, int patch, int bins, double minKelvin, double maxKelvin) {
        if (side < 1 || patch < 1 || side % patch != 0) {
            throw new IllegalArgumentException(key + ": image side " + side + " must be a positive multiple of patch "
                    + patch);
        }
        if (bins < 2) {
            throw new IllegalArgumentException(key + ": bins must be >= 2, got " + bins);
        }
        if (!Double.isFinite(minKelvin) || minKelvin < 0) {
            throw new IllegalArgumentException(key + ": min-kelvin must be finite and >= 0, got " + minKelvin);
        }
        if (!Double.isFinite(maxKelvin) || maxKelvin <= minKelvin) {
            throw new IllegalArgumentException(key + ": max-kelvin must be finite and greater than min-kelvin "
                    + minKelvin + ", got " + maxKelvin);
        }
        this.key = key;
        this.side = side;
        this.patch = patch;
        this.bins = bins;
        this.minKelvin = minKelvin;
        this.maxKelvin = maxKelvin;
    }

    @Override
    public Class<float[][]> valueType() {
        return float[][].class;
    }

    /** The number of tokens of one image: {@code (side / patch)^2}. */
    public int tokenCount() {
        int perSide = side / patch;
        return perSide * perSide;
    }

    /**
     * Encodes a {@code side x side} temperature map into {@link #tokenCount()} bin ids.
     *
     * @throws IllegalArgumentException if the map is not {@code side x side} or holds a value that is not finite
     */
    @Override
    public int[] encode(float[][] kelvin) {
        checkShape(kelvin);
        int perSide = side / patch;
        int[] tokens = new int[perSide * perSide];
        for (int pr = 0; pr < perSide; pr++) {
            for (int pc = 0; pc < perSide; pc++) {
                double sum = 0;
                for (int r = pr * patch; r < (pr + 1) * patch; r++) {
                    for (int c = pc * patch; c < (pc + 1) * patch; c++) {
                        sum += kelvin[r][c];
                    }
                }
                tokens[pr * perSide + pc] = bin(sum / (patch * patch));
            }
        }
        return tokens;
    }

    /**
     * Decodes {@link #tokenCount()} bin ids into a {@code side x side} map of bin centres.
     *
     * @throws IllegalArgumentException if the count is wrong or an id lies outside {@code [0, bins)}
     */
    @Override
    public float[][] decode(int[] tokens) {
        if (tokens.length != tokenCount()) {
            throw new IllegalArgumentException(key + ": expected " + tokenCount() + " tokens (a " + side / patch + "x"
                    + side / patch + " grid), got " + tokens.length);
        }
        int perSide = side / patch;
        float[][] kelvin = new float[side][side];
        for (int i = 0; i < tokens.length; i++) {
            int id = tokens[i];
            if (id < 0 || id >= bins) {
                throw new IllegalArgumentException(key + ": token " + id + " at position " + i
                        + " is outside the vocabulary [0, " + bins + ")");
            }
            float centre = (float) binCentre(id);
            int pr = i / perSide;
            int pc = i % perSide;
            for (int r = pr * patch; r < (pr + 1) * patch; r++) {
                Arrays.fill(kelvin[r], pc * patch, (pc + 1) * patch, centre);
            }
        }
        return kelvin;
    }

    /** The temperature a bin decodes to: the centre of its interval. */
    public double binCentre(int id) {
        return minKelvin + (id + 0.5) * (maxKelvin - minKelvin) / bins;
    }

    private int bin(double meanKelvin) {
        double position = (meanKelvin - minKelvin) / (maxKelvin - minKelvin) * bins;
        return (int) Math.max(0, Math.min(bins - 1, Math.floor(position)));
    }

    private void checkShape(float[][] kelvin) {
        if (kelvin == null) {
            throw new IllegalArgumentException(key + ": expected a " + side + "x" + side + " temperature map, got null");
        }
        if (kelvin.length != side) {
            throw new IllegalArgumentException(key + ": expected a " + side + "x" + side + " temperature map, got "
                    + kelvin.length + " rows");
        }
        for (int r = 0; r < side; r++) {
            if (kelvin[r] == null || kelvin[r].length != side) {
                throw new IllegalArgumentException(key + ": expected a " + side + "x" + side + " temperature map; row "
                        + r + " has " + (kelvin[r] == null ? "no values" : kelvin[r].length + " values"));
            }
            for (int c = 0; c < side; c++) {
                if (!Float.isFinite(kelvin[r][c])) {
                    throw new IllegalArgumentException(key + ": temperature at row " + r + ", column " + c + " is "
                            + kelvin[r][c] + "; expected a finite value in kelvin");
                }
            }
        }
    }
}
