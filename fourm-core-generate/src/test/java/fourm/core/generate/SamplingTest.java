package fourm.core.generate;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Top-k / top-p filtering, temperature, argmax and seeded sampling. */
class SamplingTest {

    private static float[] logitsOf(double... probs) {
        float[] l = new float[probs.length];
        for (int i = 0; i < probs.length; i++) {
            l[i] = (float) Math.log(probs[i]);
        }
        return l;
    }

    @Test
    void topPKeepsTheFirstTokenOverTheThreshold() {
        try (NDManager m = NDManager.newBaseManager()) {
            // probabilities 0.05, 0.5, 0.15, 0.3: sorted 0.5, 0.3, 0.15, 0.05, cumulative 0.5, 0.8, 0.95, 1.0
            NDArray logits = m.create(logitsOf(0.05, 0.5, 0.15, 0.3), new Shape(1, 4));
            float[] f = Sampling.filter(logits, TopK.NONE, 0.6).toFloatArray();
            // over 0.6: ranks 1..3, shifted by one: ranks 2..3 removed -> tokens 1 (0.5) and 3 (0.3) stay
            assertThat(Float.isInfinite(f[0])).isTrue();
            assertThat(Float.isFinite(f[1])).isTrue();
            assertThat(Float.isInfinite(f[2])).isTrue();
            assertThat(Float.isFinite(f[3])).isTrue();
            // a threshold below the top probability keeps the top token only
            float[] g = Sampling.filter(logits, TopK.NONE, 0.4).toFloatArray();
            assertThat(g[1]).isFinite();
            assertThat(Float.isInfinite(g[0]) && Float.isInfinite(g[2]) && Float.isInfinite(g[3])).isTrue();
        }
    }

    @Test
    void topKKeepsTheKLargestPerRow() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(new float[] {1, 4, 2, 3, 9, 8, 7, 6}, new Shape(2, 4));
            float[] f = Sampling.filter(logits, TopK.count(2), 0).toFloatArray();
            assertThat(f).containsExactly(Float.NEGATIVE_INFINITY, 4, Float.NEGATIVE_INFINITY, 3,
                    9, 8, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY);
            float[] h = Sampling.filter(logits, TopK.fraction(0.75), 0).toFloatArray();
            assertThat(h[0]).isEqualTo(Float.NEGATIVE_INFINITY);
            assertThat(h[7]).isEqualTo(Float.NEGATIVE_INFINITY);
        }
    }

    @Test
    void zeroTemperatureIsArgmaxWithProbabilityOne() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(new float[] {1, 4, 2, 3, 9, 8, 7, 6}, new Shape(2, 4));
            Sampling.Samples s = Sampling.sample(logits, 0.0, TopK.NONE, 0.9, new SplittableRandom(1));
            assertThat(s.ids()).containsExactly(1, 0);
            assertThat(s.probs()).containsExactly(1f, 1f);
        }
    }

    @Test
    void samplingFollowsTheTemperedDistributionAndTheSeed() {
        try (NDManager m = NDManager.newBaseManager()) {
            int rows = 4000;
            float[] l = new float[rows * 3];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(logitsOf(0.2, 0.3, 0.5), 0, l, r * 3, 3);
            }
            NDArray logits = m.create(l, new Shape(rows, 3));
            Sampling.Samples a = Sampling.sample(logits, 1.0, TopK.NONE, 0, new SplittableRandom(7));
            Sampling.Samples b = Sampling.sample(logits, 1.0, TopK.NONE, 0, new SplittableRandom(7));
            assertThat(a.ids()).containsExactly(b.ids());
            int[] counts = new int[3];
            for (long id : a.ids()) {
                counts[(int) id]++;
            }
            assertThat(counts[0] / (double) rows).isBetween(0.17, 0.23);
            assertThat(counts[2] / (double) rows).isBetween(0.46, 0.54);
            assertThat(a.probs()[0]).isIn(0.2f, 0.3f, 0.5f);
            // T = 0.5 squares the probabilities before normalising: 0.04, 0.09, 0.25 -> 0.658 for the last
            Sampling.Samples c = Sampling.sample(logits, 0.5, TopK.NONE, 0, new SplittableRandom(7));
            int last = 0;
            for (long id : c.ids()) {
                last += id == 2 ? 1 : 0;
            }
            assertThat(last / (double) rows).isBetween(0.62, 0.70);
            // top-k 1 makes sampling deterministic
            Sampling.Samples d = Sampling.sample(logits, 1.0, TopK.count(1), 0, new SplittableRandom(3));
            assertThat(d.ids()).containsOnly(2L);
        }
    }

    @Test
    void theHostPathKeepsTheSameTokensAndSamplesTheSameIdsAsTheEnginePath() {
        SplittableRandom gen = new SplittableRandom(99);
        int rows = 40;
        int vocab = 500;
        float[] l = new float[rows * vocab];
        for (int i = 0; i < l.length; i++) {
            // peaked rows and flat rows
            l[i] = (float) (gen.nextGaussian() * (i / vocab % 2 == 0 ? 4.0 : 0.3));
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(l, new Shape(rows, vocab));
            for (TopK k : new TopK[] {TopK.NONE, TopK.count(37), TopK.fraction(0.5)}) {
                for (double p : new double[] {0, 0.05, 0.5, 0.8, 0.95, 1.0}) {
                    float[] device = Sampling.filter(logits, k, p).toFloatArray();
                    for (int r = 0; r < rows; r++) {
                        boolean[] host = Sampling.hostKeep(l, r * vocab, vocab, k, p);
                        for (int v = 0; v < vocab; v++) {
                            assertThat(host[v]).as("top-k %s, top-p %s, row %d, token %d", k, p, r, v)
                                    .isEqualTo(Float.isFinite(device[r * vocab + v]));
                        }
                    }
                    Sampling.Samples a = Sampling.sample(logits, 0.7, k, p, new SplittableRandom(5), true);
                    Sampling.Samples b = Sampling.sample(logits, 0.7, k, p, new SplittableRandom(5), false);
                    assertThat(a.ids()).as("top-k %s, top-p %s", k, p).containsExactly(b.ids());
                    for (int r = 0; r < rows; r++) {
                        assertThat(a.probs()[r]).isCloseTo(b.probs()[r], org.assertj.core.api.Assertions.within(1e-5f));
                    }
                }
            }
        }
    }
}
