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
 * <p>Filtering and the softmax run as NDArray operations; only the final [R, V] probabilities are copied to the host,
 * where each row is sampled with the caller's seeded {@link SplittableRandom} (one {@code nextDouble} per row, in row
 * order), so the same seed gives the same tokens.
 *
 * <p>Shape legend: R rows (one per token to sample), V vocabulary.
 */
public final class Sampling {
    /** Temperatures at or below this are greedy (argmax), as the reference's {@code np.isclose(T, 0, atol=1e-10)}. */
    public static final double GREEDY_TEMPERATURE = 1e-10;

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
     * the first entry over the threshold is kept (and the top entry always is). {@code topP <= 0} disables it.
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
        if (topP > 0) {
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
        int rows = (int) logits.getShape().get(0);
        int vocab = (int) logits.getShape().get(1);
        if (isGreedy(temperature)) {
            long[] ids = logits.argMax(-1).toType(DataType.INT64, false).toLongArray();
            float[] ones = new float[rows];
            java.util.Arrays.fill(ones, 1f);
            return new Samples(ids, ones);
        }
        NDArray probs = filter(logits, topK, topP).div((float) temperature).softmax(-1);
        float[] p = probs.toType(DataType.FLOAT32, false).toFloatArray();
        long[] ids = new long[rows];
        float[] chosen = new float[rows];
        for (int r = 0; r < rows; r++) {
            int base = r * vocab;
            double sum = 0;
            for (int v = 0; v < vocab; v++) {
                sum += p[base + v];
            }
            double u = rng.nextDouble() * sum;
            double acc = 0;
            int pick = -1;
            for (int v = 0; v < vocab; v++) {
                float pv = p[base + v];
                if (pv > 0) {
                    acc += pv;
                    pick = v;
                    if (acc > u) {
                        break;
                    }
                }
            }
            if (pick < 0) {
                throw new IllegalStateException("row " + r + " of the sampling distribution has no mass (logits not"
                        + " finite?)");
            }
            ids[r] = pick;
            chosen[r] = p[base + pick];
        }
        return new Samples(ids, chosen);
    }
}
