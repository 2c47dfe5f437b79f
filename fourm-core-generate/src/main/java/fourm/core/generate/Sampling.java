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
 * order), so the same seed gives the same tokens. Large batches of rows (parallel decoding of a grid: R x V above
 * {@value #HOST_LIMIT}) are filtered and normalised with NDArray operations and only the probabilities are copied
 * out; small ones (autoregressive decoding: one row per sample) copy the logits out and filter on the host, in double
 * precision, where a top-p nucleus is found by selection in O(V) instead of a full sort: with one row of 30000
 * logits the engine's sort alone costs more than the whole host path. Both paths keep the same tokens (a test checks
 * it).
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
            return new Samples(ids, chosen);
        }
        NDArray filtered = filter(logits, topK, topP);
        // x / 1 is x: at temperature 1 the division (a pass over every logit) is left out
        NDArray probs = (temperature == 1.0 ? filtered : filtered.div((float) temperature)).softmax(-1);
        float[] p = probs.toType(DataType.FLOAT32, false).toFloatArray();
        forEachRow(rows, vocab, r -> {
            double[] w = new double[vocab];
            double sum = 0;
            for (int v = 0; v < vocab; v++) {
                w[v] = p[r * vocab + v];
                sum += w[v];
            }
            int pick = draw(w, 0, vocab, sum, u[r], r);
            ids[r] = pick;
            chosen[r] = p[r * vocab + pick];
        });
        return new Samples(ids, chosen);
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
            throw new IllegalStateException("row " + row + " of the sampling distribution has no mass (logits not"
                    + " finite?)");
        }
        return pick;
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
