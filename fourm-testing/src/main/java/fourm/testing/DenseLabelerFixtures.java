package fourm.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import fourm.api.label.DenseMap;
import fourm.api.label.PseudoLabeler;
import fourm.api.label.Rgb8Image;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The test bench of the engine-backed dense labelers (a TensorFlow SavedModel, a TorchScript module): each engine's
 * test builds the same tiny model - a 2x2 convolution of stride 2 over a 4x4 RGB input with the weights
 * {@link #WEIGHTS}, then relu, giving a 2x2x2 map - and compares its labels with the arithmetic done here by hand,
 * independently of the labelers' own preprocessing code.
 */
public final class DenseLabelerFixtures {
    /**
     * The 24 weights of the 2x2 convolution from 3 to 2 channels, mixed in sign so that relu both passes and clips.
     * Each engine's test lays them out in its own filter order and says which with a {@link Filter}.
     */
    public static final float[] WEIGHTS = {
        0.5f, -1f, 0.25f, 0.5f, -0.75f, 1f, 1f, 0.25f, -0.5f, -0.5f, 0.125f, 0.75f,
        -0.25f, 1f, 0.5f, -1f, 1f, 0.25f, 0.75f, -0.5f, -1f, 0.5f, 0.25f, -0.25f};

    private DenseLabelerFixtures() {
    }

    /** The weight of the convolution for an output channel, input channel and kernel position. */
    @FunctionalInterface
    public interface Filter {
        /**
         * The weight from input channel {@code ci} to output channel {@code co} at kernel row {@code kh}, column
         * {@code kw}.
         */
        float at(int co, int ci, int kh, int kw);
    }

    /** A {@code w x h} photo of varied pixels; different seeds give different photos. */
    public static Rgb8Image photo(int w, int h, int seed) {
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) ((i * 37 + seed * 11 + (i * i) % 7) % 256);
        }
        return new Rgb8Image(w, h, rgb);
    }

    /**
     * The model's input by hand for a 4x4 photo at range 1: {@code (rgb / 255 - mean[c]) / std[c]}, as
     * {@code x[row][column][channel]}.
     */
    public static float[][][] scaled(Rgb8Image photo, float[] mean, float[] std) {
        float[][][] x = new float[4][4][3];
        for (int y = 0; y < 4; y++) {
            for (int c = 0; c < 4; c++) {
                int[] rgb = {photo.red(c, y), photo.green(c, y), photo.blue(c, y)};
                for (int ch = 0; ch < 3; ch++) {
                    x[y][c][ch] = (rgb[ch] / 255f - mean[ch]) / std[ch];
                }
            }
        }
        return x;
    }

    /**
     * The model's input by hand for an 8x8 photo shrunk to 4x4 at range 255 with mean 128 and std 1: each input pixel
     * is the mean of the 2x2 photo pixels under it, minus 128; as {@code x[row][column][channel]}.
     */
    public static float[][][] halvedMinus128(Rgb8Image photo) {
        float[][][] x = new float[4][4][3];
        for (int y = 0; y < 4; y++) {
            for (int c = 0; c < 4; c++) {
                for (int ch = 0; ch < 3; ch++) {
                    float sum = 0;
                    for (int dy = 0; dy < 2; dy++) {
                        for (int dx = 0; dx < 2; dx++) {
                            int px = 2 * c + dx;
                            int py = 2 * y + dy;
                            sum += ch == 0 ? photo.red(px, py) : ch == 1 ? photo.green(px, py) : photo.blue(px, py);
                        }
                    }
                    x[y][c][ch] = sum / 4f - 128; // range 255, mean 128
                }
            }
        }
        return x;
    }

    /**
     * The model's arithmetic by hand over {@code x[row][column][channel]} (already scaled): the 2x2 stride-2
     * convolution with {@code filter}, then relu; the 2x2x2 result row-major, channels last.
     */
    public static float[] expected(float[][][] x, Filter filter) {
        float[] out = new float[2 * 2 * 2];
        for (int oy = 0; oy < 2; oy++) {
            for (int ox = 0; ox < 2; ox++) {
                for (int co = 0; co < 2; co++) {
                    double sum = 0;
                    for (int kh = 0; kh < 2; kh++) {
                        for (int kw = 0; kw < 2; kw++) {
                            for (int ci = 0; ci < 3; ci++) {
                                sum += x[2 * oy + kh][2 * ox + kw][ci] * filter.at(co, ci, kh, kw);
                            }
                        }
                    }
                    out[(oy * 2 + ox) * 2 + co] = (float) Math.max(0, sum);
                }
            }
        }
        return out;
    }

    /**
     * Checks a 2x2x2 map against values computed by hand, to 1e-5 (relative above 1: float32 sums of values in the
     * hundreds), and that the case is a real one: relu both passes and clips values.
     */
    public static void assertMap(DenseMap map, float[] expected) {
        assertThat(new int[] {map.height(), map.width(), map.channels()}).as("height, width, channels")
                .containsExactly(2, 2, 2);
        float[] v = map.values();
        for (int i = 0; i < v.length; i++) {
            assertThat(v[i]).as("value %d of %s", i, Arrays.toString(v)).isCloseTo(expected[i],
                    within(1e-5f * Math.max(1, Math.abs(expected[i]))));
        }
        long positive = 0;
        for (float e : expected) {
            positive += e > 0 ? 1 : 0;
        }
        assertThat(positive).as("relu both passes and clips values").isBetween(1L, (long) expected.length - 1);
    }

    /**
     * Labels 4x4 photos of four seeds 16 times from 4 threads with one labeler, which must give each photo the same
     * map every time and different photos different maps; then closes it twice (closing is idempotent) and checks
     * that a closed labeler refuses to label. Closes the labeler in any case.
     */
    public static void assertLabelsFromSeveralThreadsThenCloses(PseudoLabeler labeler) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<DenseMap>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                int seed = i % 4;
                results.add(pool.submit(() -> (DenseMap) labeler.label(photo(4, 4, seed))));
            }
            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).get()).isEqualTo(results.get(i % 4).get());
            }
            assertThat(results.get(0).get()).isNotEqualTo(results.get(1).get());
            labeler.close();
            labeler.close();
            assertThatThrownBy(() -> labeler.label(photo(4, 4, 0))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closed");
        } finally {
            labeler.close();
            pool.shutdownNow();
        }
    }
}
