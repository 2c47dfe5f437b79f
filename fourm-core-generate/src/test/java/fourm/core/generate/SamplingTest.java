package fourm.core.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
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

    /**
     * The engine path's former rule, kept as the reference: copy the probabilities out, sum each row in double in
     * index order, take the first index whose cumulative weight exceeds {@code u * sum} (skipping zero weights), or
     * the last positive one if none does.
     */
    private static Sampling.Samples referenceDraw(float[] p, int rows, int vocab, double[] u) {
        long[] ids = new long[rows];
        float[] chosen = new float[rows];
        for (int r = 0; r < rows; r++) {
            double[] w = new double[vocab];
            double sum = 0;
            for (int v = 0; v < vocab; v++) {
                w[v] = p[r * vocab + v];
                sum += w[v];
            }
            double target = u[r] * sum;
            double acc = 0;
            int pick = -1;
            for (int v = 0; v < vocab; v++) {
                if (w[v] > 0) {
                    acc += w[v];
                    pick = v;
                    if (acc > target) {
                        break;
                    }
                }
            }
            if (pick < 0) {
                throw new IllegalStateException("row " + r + " has no mass");
            }
            ids[r] = pick;
            chosen[r] = p[r * vocab + pick];
        }
        return new Sampling.Samples(ids, chosen);
    }

    private static double[] draws(long seed, int rows) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] u = new double[rows];
        for (int r = 0; r < rows; r++) {
            u[r] = rng.nextDouble();
        }
        return u;
    }

    /**
     * Rows without top-k and top-p take the host's unfiltered path: the same ids and probabilities as the general host
     * path (keep masks), with -inf and NaN logits, at temperature 1 (where the division is left out) and others.
     */
    @Test
    void theUnfilteredHostPathDrawsTheSameIdsAndProbabilitiesAsTheFilteredOne() {
        java.util.Random g = new java.util.Random(17);
        int rows = 3;
        int vocab = 5000;
        float[] l = new float[rows * vocab];
        for (int i = 0; i < l.length; i++) {
            l[i] = (float) (3 * g.nextGaussian());
        }
        l[7] = Float.NEGATIVE_INFINITY;
        l[vocab + 11] = Float.NaN;
        l[2 * vocab] = Float.NEGATIVE_INFINITY;
        for (double t : new double[] {1.0, 0.7, 1.3}) {
            for (int trial = 0; trial < 40; trial++) {
                double[] u = {g.nextDouble(), g.nextDouble(), g.nextDouble()};
                Sampling.Samples fast = Sampling.onHost(l, rows, vocab, t, TopK.NONE, 0, u, true);
                Sampling.Samples general = Sampling.onHost(l, rows, vocab, t, TopK.NONE, 0, u, false);
                assertThat(fast.ids()).as("T %s, trial %d", t, trial).containsExactly(general.ids());
                assertThat(fast.probs()).as("T %s, trial %d", t, trial).containsExactly(general.probs());
                assertThat(fast.ids()[0]).isNotEqualTo(7L);
                assertThat(fast.ids()[1]).isNotEqualTo(11L);
            }
        }
    }

    @Test
    void theEnginePathDrawsTheSameIdsAndProbabilitiesAsTheSequentialJavaRule() {
        record Case(int rows, int vocab, double temperature, TopK topK, double topP) {
        }
        Case[] cases = {
            new Case(196, 8192, 1.0, TopK.NONE, 0),
            new Case(196, 8192, 0.7, TopK.count(100), 0),
            new Case(196, 8192, 1.3, TopK.NONE, 0.8),
            new Case(3, 50, 1.0, TopK.NONE, 0),
            new Case(3, 50, 0.5, TopK.fraction(0.5), 0.9),
            new Case(300, 4000, 0.8, TopK.count(500), 0.9),
        };
        int compared = 0;
        long engineRows = 0;
        long hostBefore = Sampling.HOST_RESOLVED_ROWS.sum();
        for (Case c : cases) {
            for (long seed : new long[] {1, 2, 3}) {
                SplittableRandom gen = new SplittableRandom(seed * 1000 + c.rows());
                float[] l = new float[c.rows() * c.vocab()];
                for (int i = 0; i < l.length; i++) {
                    l[i] = (float) (gen.nextGaussian() * 3);
                    if (c.vocab() == 4000) {
                        // many ties: top-k and top-p must break them as on the whole batch (rows run in chunks)
                        l[i] = Math.round(l[i] * 2) / 2f;
                    }
                }
                // a very peaked row: one probability is 1 within float precision
                l[c.vocab() + 7] = 200f;
                try (NDManager m = NDManager.newBaseManager()) {
                    NDArray logits = m.create(l, new Shape(c.rows(), c.vocab()));
                    float[] p = Sampling.probabilities(logits, c.temperature(), c.topK(), c.topP()).toFloatArray();
                    Sampling.Samples expected = referenceDraw(p, c.rows(), c.vocab(), draws(seed, c.rows()));
                    Sampling.Samples actual = Sampling.sample(logits, c.temperature(), c.topK(), c.topP(),
                            new SplittableRandom(seed), false);
                    assertThat(actual.ids()).as("%s, seed %d", c, seed).containsExactly(expected.ids());
                    assertThat(actual.probs()).as("%s, seed %d", c, seed).containsExactly(expected.probs());
                    assertThat(actual.ids()[1]).isEqualTo(7);
                    assertThat(actual.probs()[1]).isEqualTo(1f);
                    compared++;
                    engineRows += c.rows();
                }
            }
        }
        assertThat(compared).isEqualTo(18);
        // nearly every row is decided on the engine, not copied out
        assertThat(Sampling.HOST_RESOLVED_ROWS.sum() - hostBefore).isLessThan(engineRows / 100);
    }

    @Test
    void theEngineDrawFollowsTheJavaRuleAtBoundariesZerosAndNaN() {
        float[] p = {
            0.25f, 0.25f, 0.5f, 0f, 0f,          // u * sum lands exactly on a cumulative sum: the next index is taken
            0.25f, 0.25f, 0.5f, 0f, 0f,
            0f, 0f, 0.3f, 0f, 0.7f,              // leading zeros and u = 0: the first positive weight
            0f, 0.6f, 0f, 0.4f, 0f,              // u just below 1: the last positive weight
            0.2f, Float.NaN, 0.3f, 0f, 0f,       // a NaN weight: the sum is NaN, nothing exceeds it, the last positive
            Float.MIN_VALUE, 0f, 1f, 0f, 0f,     // a subnormal weight
        };
        double[] u = {0.25, 0.5, 0.0, Math.nextDown(1.0), 0.5, 0.0};
        Sampling.Samples expected = referenceDraw(p, 6, 5, u);
        assertThat(expected.ids()).containsExactly(1, 2, 2, 3, 2, 0);
        try (NDManager m = NDManager.newBaseManager()) {
            long hostBefore = Sampling.HOST_RESOLVED_ROWS.sum();
            Sampling.Samples actual = Sampling.drawOnEngine(m.create(p, new Shape(6, 5)), u, 0);
            assertThat(actual.ids()).containsExactly(expected.ids());
            assertThat(actual.probs()).containsExactly(expected.probs());
            // targets on a cumulative sum, u = 0 after leading zeros and the NaN row are left to the host rule
            assertThat(Sampling.HOST_RESOLVED_ROWS.sum() - hostBefore).isGreaterThanOrEqualTo(4);
            // a row with no mass fails, naming the row
            float[] q = {0.5f, 0.5f, 0f, 0f};
            assertThatThrownBy(() -> Sampling.drawOnEngine(m.create(q, new Shape(2, 2)), new double[] {0.3, 0.3}, 0))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("row 1 of the sampling distribution has no mass (logits not finite?)");
            // so does a row whose logits are all removed, on the engine path as on the host path
            NDArray allInf = m.full(new Shape(2, 4), Float.NEGATIVE_INFINITY);
            for (boolean onHost : new boolean[] {true, false}) {
                assertThatThrownBy(() -> Sampling.sample(allInf, 1.0, TopK.NONE, 0, new SplittableRandom(1), onHost))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("has no mass");
            }
        }
    }

    @Test
    void libtorchFloatCumSumIsTheSequentialDoubleSumRoundedToFloat() {
        // the engine draw relies on it: every float32 partial sum is the host loop's double partial sum, rounded
        int rows = 196;
        int vocab = 8192;
        SplittableRandom gen = new SplittableRandom(11);
        float[] l = new float[rows * vocab];
        for (int i = 0; i < l.length; i++) {
            l[i] = (float) (gen.nextGaussian() * (i / vocab % 3 == 0 ? 8 : 3));
            if (i / vocab % 5 == 0 && gen.nextInt(4) == 0) {
                l[i] = Float.NEGATIVE_INFINITY;
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray probs = m.create(l, new Shape(rows, vocab)).softmax(-1);
            float[] p = probs.toFloatArray();
            float[] cum = probs.cumSum(1).toFloatArray();
            int differsFromFloatSum = 0;
            for (int r = 0; r < rows; r++) {
                double acc = 0;
                float inFloat = 0;
                for (int v = 0; v < vocab; v++) {
                    acc += p[r * vocab + v];
                    inFloat += p[r * vocab + v];
                    if (Float.floatToRawIntBits(cum[r * vocab + v]) != Float.floatToRawIntBits((float) acc)) {
                        throw new AssertionError("row " + r + ", column " + v + ": cumsum " + cum[r * vocab + v]
                                + ", sequential double sum rounded " + (float) acc);
                    }
                }
                differsFromFloatSum += inFloat != (float) acc ? 1 : 0;
            }
            // the comparison can tell accumulations apart: summing in float gives other row sums
            assertThat(differsFromFloatSum).isPositive();
        }
    }
}
