package fourm.core.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * Token sampling from logits (spec section 4.3, {@code sample_tokens}): a temperature of (about) 0 takes the argmax
 * with probability 1; otherwise top-k and top-p filter the raw logits, then {@code softmax(logits / T)} is sampled
 * once per row.
 *
 * <p>Each row is sampled with the caller's seeded {@link SplittableRandom} (one {@code nextDouble} per row, in row
 * order, all drawn before any row is sampled), so the same seed gives the same tokens. Every row follows one rule:
 * the first index whose cumulative weight, summed in double in index order, exceeds {@code u * sum}.
 *
 * <p>Small batches of rows (autoregressive decoding: one row per sample, R x V up to {@value #HOST_LIMIT}) copy the
 * logits out and filter on the host, in double precision, where a top-p nucleus is found by selection in O(V) instead
 * of a full sort: with one row of 30000 logits the engine's sort alone costs more than the whole host path. Large
 * batches of rows (parallel decoding of a grid, such as ROAR or MaskGIT over 196 positions with an 8192-token
 * vocabulary) stay on the engine, in chunks of rows: NDArray operations filter and normalise, libtorch's cumulative
 * sum locates each row's draw, and only about {@code 2 sqrt(V)} cumulative sums, the id and its probability are
 * copied out per row, not the V probabilities. The engine's float32 cumulative sums bound the host rule's double
 * ones, so the ids and probabilities are exactly those of the rule applied on the host to the same probabilities; the
 * rare row whose target falls within a few float32 ulps of a cumulative sum is copied out and drawn by the rule
 * itself (see
 * {@code drawOnEngine}). The two paths keep the same tokens (a test checks it).
 *
 * <p>Shape legend: R rows (one per token to sample), V vocabulary.
 */
public final class Sampling {
    /** Temperatures at or below this are greedy (argmax), as the reference's {@code np.isclose(T, 0, atol=1e-10)}. */
    public static final double GREEDY_TEMPERATURE = 1e-10;
    /** Rows x vocabulary up to which sampling runs on the host. */
    public static final int HOST_LIMIT = 1 << 20;
    /** Rows x vocabulary from which rows are sampled on several threads. */
    private static final long PARALLEL_WORK = 1 << 16;
    /**
     * Rows x vocabulary the engine path processes at a time: its arrays (4 MB of float32) stay well under the size
     * from which the C allocator maps fresh pages for every allocation (at most 32 MB), whose first touch costs more
     * than the sampling itself: at [1568, 8192] one chunk of the whole batch was several times slower.
     */
    private static final int ENGINE_CHUNK = 1 << 20;
    /**
     * System property: {@code true} sends every host row through the general loop ({@link #hostRows}), to compare with
     * the two-pass loop of rows without top-k or top-p (the same values); read at every call.
     */
    static final String GENERAL_HOST_ROWS = "fourm.sampling.generalHostRows";
    /** Rows the engine path left to the host rule (near a boundary, no mass or NaN), for tests. */
    static final java.util.concurrent.atomic.LongAdder HOST_RESOLVED_ROWS = new java.util.concurrent.atomic.LongAdder();

    private Sampling() {
    }

    /**
     * Sampled ids and the probability each had under the filtered, tempered distribution (1 for argmax).
     *
     * @param ids   R sampled ids
     * @param probs R probabilities
     */
    public record Samples(long[] ids, float[] probs) {
    }

    /** True when {@code temperature} means argmax. */
    public static boolean isGreedy(double temperature) {
        return Math.abs(temperature) <= GREEDY_TEMPERATURE;
    }

    /**
     * Top-k then top-p filtering of raw logits: removed entries become {@code -inf}. Top-k keeps entries not below the
     * k-th largest value of the row (ties with it survive). Top-p sorts the row in descending order, takes the
     * cumulative softmax and removes entries whose cumulative probability exceeds {@code topP}, shifted by one so that
     * the first entry over the threshold is kept (and the top entry always is). {@code topP <= 0} and {@code topP >= 1}
     * disable it (at 1 the reference's float32 cumulative sum may cross 1 early by rounding and drop a few tail
     * tokens; here 1 keeps every token).
     *
     * @param logits [R, V] float32
     * @return [R, V] in the manager of {@code logits}
     */
    public static NDArray filter(NDArray logits, TopK topK, double topP) {
        NDManager m = logits.getManager();
        long rows = logits.getShape().get(0);
        long vocab = logits.getShape().get(1);
        NDArray out = logits;
        NDArray negInf = m.create(Float.NEGATIVE_INFINITY);
        int k = topK.resolve((int) vocab);
        if (k > 0 && k < vocab) {
            NDList top = out.topK(k, -1, true, true);
            NDArray kth = top.get(0).get(":, " + (k - 1) + ":" + k);
            out = NDArrays.where(out.gte(kth), out, negInf);
        }
        if (topP > 0 && topP < 1) {
            NDArray order = out.argSort(-1, false);
            NDArray sorted = out.gather(order, -1);
            NDArray remove = sorted.softmax(-1).cumSum(-1).gt(topP).toType(DataType.FLOAT32, false);
            NDArray shifted = m.zeros(new Shape(rows, 1)).concat(remove.get(":, :-1"), 1);
            NDArray keep = shifted.gather(order.argSort(-1, true), -1).lt(0.5f);
            out = NDArrays.where(keep, out, negInf);
        }
        return out;
    }

    /**
     * Samples one id per row.
     *
     * @param logits      [R, V]
     * @param temperature T; {@link #isGreedy greedy} means argmax
     * @param topK        top-k filter (ignored when greedy)
     * @param topP        top-p threshold, 0 for none (ignored when greedy)
     * @param rng         the random stream (not used when greedy)
     */
    public static Samples sample(NDArray logits, double temperature, TopK topK, double topP, SplittableRandom rng) {
        long rows = logits.getShape().get(0);
        long vocab = logits.getShape().get(1);
        return sample(logits, temperature, topK, topP, rng, rows * vocab <= HOST_LIMIT);
    }

    static Samples sample(NDArray logits, double temperature, TopK topK, double topP, SplittableRandom rng,
                          boolean onHost) {
        int rows = (int) logits.getShape().get(0);
        int vocab = (int) logits.getShape().get(1);
        if (isGreedy(temperature)) {
            long[] ids = logits.argMax(-1).toType(DataType.INT64, false).toLongArray();
            float[] ones = new float[rows];
            java.util.Arrays.fill(ones, 1f);
            return new Samples(ids, ones);
        }
        long[] ids = new long[rows];
        float[] chosen = new float[rows];
        // the row draws, in row order, before any row is computed: rows are then independent (and may run in parallel)
        double[] u = new double[rows];
        for (int r = 0; r < rows; r++) {
            u[r] = rng.nextDouble();
        }
        if (onHost) {
            float[] l = logits.toType(DataType.FLOAT32, false).toFloatArray();
            boolean general = filters(topK, topP, vocab) || Boolean.getBoolean(GENERAL_HOST_ROWS);
            hostRows(l, vocab, temperature, topK, topP, u, general, ids, chosen);
            return new Samples(ids, chosen);
        }
        int chunk = Math.max(1, ENGINE_CHUNK / vocab);
        for (int from = 0; from < rows; from += chunk) {
            int to = Math.min(rows, from + chunk);
            try (NDManager part = logits.getManager().newSubManager()) {
                NDArray slice = logits.get(from + ":" + to);
                slice.attach(part);
                Samples s = drawOnEngine(probabilities(slice, temperature, topK, topP), u, from);
                System.arraycopy(s.ids(), 0, ids, from, to - from);
                System.arraycopy(s.probs(), 0, chosen, from, to - from);
            }
        }
        return new Samples(ids, chosen);
    }

    /**
     * The distribution the engine path samples: {@code softmax(filter(logits) / T)} in float32.
     *
     * @param logits [R, V]
     * @return [R, V] float32, in the manager of {@code logits}
     */
    static NDArray probabilities(NDArray logits, double temperature, TopK topK, double topP) {
        NDArray filtered = filter(logits, topK, topP);
        // x / 1 is x: at temperature 1 the division (a pass over every logit) is left out
        NDArray probs = (temperature == 1.0 ? filtered : filtered.div((float) temperature)).softmax(-1);
        return probs.toType(DataType.FLOAT32, false);
    }

    /**
     * Draws one id per row of {@code probs}, mostly on the engine, copying out about {@code 2 sqrt(V)} values per row
     * instead of V; the ids and probabilities are those of the host rule ({@link #draw}) on the same probabilities.
     *
     * <p>The host rule takes the first index whose cumulative weight, summed in double in index order, exceeds
     * {@code u * sum} (the row's double sum, in the same order). libtorch's CPU {@code cumsum} of float32 accumulates
     * each row in double in index order and stores every partial sum rounded to float32 (a test checks it bit for
     * bit), so the engine's cumulative sums {@code c} are the host's rounded to nearest, and the last one bounds the
     * host's sum. From these bounds each row gets two float32 thresholds: a column with {@code c <= lower} is certainly
     * not over the host's target, a column with {@code c > upper} certainly is. As {@code c} never decreases, the pick
     * is the first column with {@code c > upper} when the column before it has {@code c <= lower}; it is found by
     * copying out {@code c} at the end of each of about {@code sqrt(V)} blocks, then the block holding the crossing.
     * Any other row (a target within a few float32 ulps of a cumulative sum, a row without mass or with a NaN) is
     * copied out and drawn by the host rule itself.
     *
     * @param probs [R, V] float32 probabilities
     * @param u     the uniform draws in [0, 1); row r uses {@code u[from + r]}
     * @param from  the index of the first row of {@code probs} in {@code u} (and in error messages)
     */
    static Samples drawOnEngine(NDArray probs, double[] u, int from) {
        NDManager m = probs.getManager();
        int rows = (int) probs.getShape().get(0);
        int vocab = (int) probs.getShape().get(1);
        int block = (int) Math.ceil(Math.sqrt(vocab));
        int blocks = (vocab + block - 1) / block;
        NDArray cum = probs.cumSum(1);
        // the cumulative sum at the end of every block (the last one is the row's sum)
        long[] ends = new long[rows * blocks];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < blocks; j++) {
                ends[r * blocks + j] = Math.min((j + 1L) * block, vocab) - 1;
            }
        }
        float[] atEnds = cum.gather(m.create(ends, new Shape(rows, blocks)), 1).toFloatArray();
        float[] lower = new float[rows];
        float[] upper = new float[rows];
        int[] crossing = new int[rows];
        for (int r = 0; r < rows; r++) {
            crossing[r] = -1;
            float s = atEnds[r * blocks + blocks - 1];
            if (!(s > 0) || Float.isInfinite(s)) {
                continue;
            }
            // the host's sum lies between the midpoints of s and its float neighbours (exact in double); the
            // products are rounded to nearest, which keeps the order, so tLo <= target <= tHi
            double tLo = u[from + r] * ((s + (double) Math.nextDown(s)) / 2);
            double tHi = u[from + r] * ((s + (double) Math.nextUp(s)) / 2);
            // c <= lower = nextDown(g), g = tLo rounded down: the host's partial sum is at most the midpoint above c,
            // below g, so at most tLo, so not over the target
            float g = (float) tLo;
            lower[r] = Math.nextDown(g > tLo ? Math.nextDown(g) : g);
            // c > upper = tHi rounded up: the host's partial sum is at least the midpoint below c, above upper, so
            // over tHi, so over the target
            float k = (float) tHi;
            upper[r] = k < tHi ? Math.nextUp(k) : k;
            for (int j = 0; j < blocks; j++) {
                if (atEnds[r * blocks + j] > upper[r]) {
                    crossing[r] = j;
                    break;
                }
            }
        }
        // the cumulative sums in the block of the crossing
        long[] inBlock = new long[rows * block];
        for (int r = 0; r < rows; r++) {
            long start = Math.max(crossing[r], 0) * (long) block;
            for (int i = 0; i < block; i++) {
                inBlock[r * block + i] = Math.min(start + i, vocab - 1);
            }
        }
        float[] atBlock = cum.gather(m.create(inBlock, new Shape(rows, block)), 1).toFloatArray();
        long[] pick = new long[rows];
        boolean[] onHost = new boolean[rows];
        for (int r = 0; r < rows; r++) {
            int j = crossing[r];
            if (j < 0) {
                onHost[r] = true;
                continue;
            }
            int i = 0;
            while (!(atBlock[r * block + i] > upper[r])) {
                i++;
            }
            float previous = i > 0 ? atBlock[r * block + i - 1] : j > 0 ? atEnds[r * blocks + j - 1] : 0f;
            // the first column over upper; the one before it (if any) must be certainly not over the target
            pick[r] = (long) j * block + i;
            onHost[r] = pick[r] > 0 && !(previous <= lower[r]);
        }
        float[] chosen = probs.gather(m.create(pick, new Shape(rows, 1)), 1).toFloatArray();
        for (int r = 0; r < rows; r++) {
            if (onHost[r]) {
                float[] p = probs.get(r).toFloatArray();
                double[] w = new double[vocab];
                double sum = 0;
                for (int v = 0; v < vocab; v++) {
                    w[v] = p[v];
                    sum += w[v];
                }
                pick[r] = draw(w, 0, vocab, sum, u[from + r], from + r);
                chosen[r] = p[(int) pick[r]];
                HOST_RESOLVED_ROWS.increment();
            }
        }
        return new Samples(pick, chosen);
    }

    /**
     * Runs {@code row} for every row: on the calling thread for a single row or little work, otherwise on the common
     * fork-join pool as well (each row writes only its own results, so the order does not matter). The engine is idle
     * while the host samples, so its cores are free: at batch 8, a caption step's eight rows of 30000 exponentials
     * take about half the time on two cores.
     */
    private static void forEachRow(int rows, int vocab, java.util.function.IntConsumer row) {
        if (rows < 2 || (long) rows * vocab < PARALLEL_WORK) {
            for (int r = 0; r < rows; r++) {
                row.accept(r);
            }
        } else {
            java.util.stream.IntStream.range(0, rows).parallel().forEach(row);
        }
    }

    /**
     * The host rule on every row of {@code l} [R, V]: row r's id and probability go to {@code ids[r]} and
     * {@code chosen[r]}. With {@code general}, each row goes through the filter ({@link #hostKeep}) and the weights
     * loop; without, through {@link #drawUnfiltered}, which gives the same values when top-k and top-p are off.
     */
    static void hostRows(float[] l, int vocab, double temperature, TopK topK, double topP, double[] u,
                         boolean general, long[] ids, float[] chosen) {
        int rows = ids.length;
        if (!general) {
            forEachRow(rows, vocab, r -> drawUnfiltered(l, vocab, temperature, u, r, ids, chosen));
            return;
        }
        forEachRow(rows, vocab, r -> {
            double[] w = new double[vocab];
            boolean[] keep = hostKeep(l, r * vocab, vocab, topK, topP);
            double max = Double.NEGATIVE_INFINITY;
            for (int v = 0; v < vocab; v++) {
                if (keep[v]) {
                    max = Math.max(max, l[r * vocab + v]);
                }
            }
            double sum = 0;
            for (int v = 0; v < vocab; v++) {
                w[v] = keep[v] ? Math.exp((l[r * vocab + v] - max) / temperature) : 0;
                sum += w[v];
            }
            int pick = draw(w, 0, vocab, sum, u[r], r);
            ids[r] = pick;
            chosen[r] = (float) (w[pick] / sum);
        });
    }

    /** True when top-k or top-p removes tokens ({@link #filter}): not when both are off. */
    private static boolean filters(TopK topK, double topP, int vocab) {
        int k = topK.resolve(vocab);
        return k > 0 && k < vocab || topP > 0 && topP < 1;
    }

    /**
     * The host rule on one row without top-k or top-p: the same values as {@link #hostKeep} with both off followed by
     * the general weights loop, in two passes over the row instead of four and without the keep mask and index arrays
     * (a token is kept when its logit is above {@code -inf}, so not NaN); at temperature 1 the division by it (exact)
     * is left out. The weights are the same {@code Math.exp} of the same doubles, summed in the same order. MaskGIT
     * samples its last steps' rows here (up to {@value #HOST_LIMIT} logits): at 98 rows of 8192, 10.6 ms instead of
     * 14.8 (median of 100 alternating calls on a busy 2-core machine).
     *
     * @param u      the rows' uniform draws
     * @param ids    receives the row's sampled index at {@code row}
     * @param chosen receives its probability at {@code row}
     */
    private static void drawUnfiltered(float[] l, int vocab, double temperature, double[] u, int row, long[] ids,
                                       float[] chosen) {
        int offset = row * vocab;
        double[] w = new double[vocab];
        double max = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < vocab; v++) {
            float x = l[offset + v];
            if (x > Float.NEGATIVE_INFINITY) {
                max = Math.max(max, x);
            }
        }
        double sum = 0;
        if (temperature == 1.0) {
            for (int v = 0; v < vocab; v++) {
                float x = l[offset + v];
                double e = x > Float.NEGATIVE_INFINITY ? Math.exp(x - max) : 0;
                w[v] = e;
                sum += e;
            }
        } else {
            for (int v = 0; v < vocab; v++) {
                float x = l[offset + v];
                double e = x > Float.NEGATIVE_INFINITY ? Math.exp((x - max) / temperature) : 0;
                w[v] = e;
                sum += e;
            }
        }
        int pick = draw(w, 0, vocab, sum, u[row], row);
        ids[row] = pick;
        chosen[row] = (float) (w[pick] / sum);
    }

    /** The first index whose cumulative weight exceeds {@code u * sum} (skipping zero weights). */
    private static int draw(double[] w, int from, int to, double sum, double u, int row) {
        double target = u * sum;
        double acc = 0;
        int pick = -1;
        for (int v = from; v < to; v++) {
            if (w[v] > 0) {
                acc += w[v];
                pick = v - from;
                if (acc > target) {
                    break;
                }
            }
        }
        if (pick < 0) {
            throw noMass(row);
        }
        return pick;
    }

    private static IllegalStateException noMass(int row) {
        return new IllegalStateException("row " + row + " of the sampling distribution has no mass (logits not"
                + " finite?)");
    }

    /**
     * The tokens {@link #filter} keeps in one row, computed on the host: top-k (ties with the k-th value kept), then
     * the top-p nucleus of the softmax of what is left: the most probable tokens up to and including the first one
     * whose cumulative probability exceeds {@code topP} (ties at that boundary taken in index order).
     */
    static boolean[] hostKeep(float[] logits, int offset, int vocab, TopK topK, double topP) {
        boolean[] keep = new boolean[vocab];
        float kth = Float.NEGATIVE_INFINITY;
        int k = topK.resolve(vocab);
        if (k > 0 && k < vocab) {
            float[] copy = java.util.Arrays.copyOfRange(logits, offset, offset + vocab);
            java.util.Arrays.sort(copy);
            kth = copy[vocab - k];
        }
        int n = 0;
        int[] idx = new int[vocab];
        double max = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < vocab; v++) {
            float x = logits[offset + v];
            if (x >= kth && x != Float.NEGATIVE_INFINITY) {
                keep[v] = true;
                idx[n++] = v;
                max = Math.max(max, x);
            }
        }
        if (topP <= 0 || topP >= 1 || n == 0) {
            return keep;
        }
        double[] p = new double[vocab];
        double sum = 0;
        for (int j = 0; j < n; j++) {
            int v = idx[j];
            p[v] = Math.exp(logits[offset + v] - max);
            sum += p[v];
        }
        for (int j = 0; j < n; j++) {
            p[idx[j]] /= sum;
            keep[idx[j]] = false;
        }
        nucleus(p, idx, n, keep, topP);
        return keep;
    }

    /**
     * Marks in {@code keep} the smallest set of most probable entries of {@code idx[0, n)} whose mass exceeds
     * {@code topP} (all of them if it never does), by three-way quickselect on the probabilities: O(n) expected.
     */
    private static void nucleus(double[] p, int[] idx, int n, boolean[] keep, double topP) {
        int lo = 0;
        int hi = n;
        double need = topP;
        while (lo < hi) {
            double a = p[idx[lo]];
            double b = p[idx[lo + (hi - lo) / 2]];
            double c = p[idx[hi - 1]];
            double pivot = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
            // three-way partition of idx[lo, hi): [> pivot | == pivot | < pivot]
            int gt = lo;
            int i = lo;
            int lt = hi;
            while (i < lt) {
                double x = p[idx[i]];
                if (x > pivot) {
                    swap(idx, gt++, i++);
                } else if (x < pivot) {
                    swap(idx, i, --lt);
                } else {
                    i++;
                }
            }
            double massAbove = 0;
            for (int j = lo; j < gt; j++) {
                massAbove += p[idx[j]];
            }
            if (massAbove > need) {
                hi = gt;
                continue;
            }
            for (int j = lo; j < gt; j++) {
                keep[idx[j]] = true;
            }
            double acc = massAbove;
            java.util.Arrays.sort(idx, gt, lt);
            for (int j = gt; j < lt; j++) {
                keep[idx[j]] = true;
                acc += p[idx[j]];
                if (acc > need) {
                    return;
                }
            }
            need -= acc;
            lo = lt;
        }
    }

    private static void swap(int[] a, int i, int j) {
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
