package fourm.vq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import java.util.SplittableRandom;

/**
 * The "lucid" vector quantizer with a cosine-similarity codebook (spec-4m.md §6.1):
 *
 * <ul>
 *   <li><b>Codebooks</b>: with one head the latent is quantized as it is. With {@code h > 1} heads (the reference's
 *       {@code num_codebooks}) {@code quantize.project_in} (Linear L to h L) makes h latents of width L per position,
 *       each takes a code of the one shared codebook (tokens ordered {@code [B, h, N]}), and
 *       {@code quantize.project_out} (Linear h L to L) maps the concatenated codes back.</li>
 *   <li><b>Assignment</b>: latents and codebook rows are l2-normalised and each latent takes the code of largest dot
 *       product; the quantized vector is the raw codebook row {@code embed[idx]}.</li>
 *   <li><b>Training</b>: straight-through estimator {@code z + sg(q - z)}, commitment loss
 *       {@code weight * mse(sg(q), z)}. The codebook is a buffer updated by EMA (decay {@code ema-decay}): usage
 *       {@code cluster_size = d * cluster_size + (1 - d) * counts}, and each used code moves towards the l2-normalised
 *       mean of the normalised latents assigned to it, {@code embed = d * embed + (1 - d) * target} (an unused code's
 *       target is its own normalised row). Codes whose EMA usage falls below the dead-code threshold are then replaced
 *       by normalised latents drawn at random from the batch.</li>
 * </ul>
 *
 * <p>State-dict keys: ({@code h > 1}: {@code quantize.project_in.{weight,bias}} [h L, L], [h L],
 * {@code quantize.project_out.{weight,bias}} [L, h L], [L]), {@code quantize._codebook.initted} [1],
 * {@code quantize._codebook.cluster_size} [K], {@code quantize._codebook.embed} [K, L].
 */
final class CosineCodebook implements Quantizer {
    static final String EMBED = "quantize._codebook.embed";
    static final String CLUSTER_SIZE = "quantize._codebook.cluster_size";
    static final String INITTED = "quantize._codebook.initted";
    static final String PROJECT_IN = "quantize.project_in";
    static final String PROJECT_OUT = "quantize.project_out";

    private final int codebookSize;
    private final int dim;
    private final int heads;
    private final double decay;
    private final double commitmentWeight;

    CosineCodebook(VqConfig.QuantizerSpec spec) {
        this.codebookSize = spec.codebookSize();
        this.dim = spec.latentDim();
        this.heads = spec.heads();
        this.decay = spec.emaDecay();
        this.commitmentWeight = spec.commitmentWeight();
    }

    @Override
    public void layout(Params.Layout layout) {
        if (heads > 1) {
            layout.linearDefault(PROJECT_IN, dim, (long) heads * dim);
            layout.linearDefault(PROJECT_OUT, (long) heads * dim, dim);
        }
        layout.buffer(INITTED, Params.Init.ONES, 1);
        layout.buffer(CLUSTER_SIZE, Params.Init.ZEROS, codebookSize);
        layout.buffer(EMBED, Params.Init.UNIT_ROWS, codebookSize, dim);
    }

    @Override
    public Quantized quantize(Params.View p, NDArray z, boolean training, SplittableRandom rng) {
        NDManager m = p.manager();
        Shape s = z.getShape();
        long b = s.get(0);
        long n = s.get(1);
        NDArray flat = heads == 1 ? z.reshape(b * n, dim)
                : Nn.linear(p, PROJECT_IN, z).reshape(b, n, heads, dim).transpose(0, 2, 1, 3)
                        .reshape(b * heads * n, dim);
        NDArray normed = Nn.l2norm(flat.stopGradient());
        NDArray embed = p.get(EMBED);
        NDArray scores = normed.matMul(Nn.l2norm(embed).transpose());
        long[] ids = scores.argMax(1).toLongArray();
        NDArray q = Embedding.embedding(m.create(ids), embed, SparseFormat.DENSE).singletonOrThrow();
        if (!training) {
            return new Quantized(merge(p, q, b, n), m.zeros(new Shape()), ids, null);
        }
        NDArray qs = q.stopGradient();
        NDArray straight = flat.add(qs.sub(flat).stopGradient());
        NDArray commit = qs.sub(flat).square().mean();
        commit = commit.mul(commit.getManager().create((float) commitmentWeight));
        float[] normedHost = normed.toFloatArray();
        return new Quantized(merge(p, straight, b, n), commit, ids, new Update(normedHost, ids));
    }

    /** Rows [B h N, L] of the chosen codes to the quantized latents [B, N, L] (heads joined by project_out). */
    private NDArray merge(Params.View p, NDArray rows, long b, long n) {
        if (heads == 1) {
            return rows.reshape(b, n, dim);
        }
        NDArray joined = rows.reshape(b, heads, n, dim).transpose(0, 2, 1, 3).reshape(b, n, (long) heads * dim);
        return Nn.linear(p, PROJECT_OUT, joined);
    }

    @Override
    public NDArray embed(Params.View p, long[] ids, int batch, int positions) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= codebookSize) {
                throw new IllegalArgumentException("token " + ids[i] + " at position " + i
                        + " is outside the vocabulary [0, " + codebookSize + ")");
            }
        }
        if (ids.length != (long) batch * heads * positions) {
            throw new IllegalArgumentException(batch + " images of " + positions + " positions and " + heads
                    + " codebooks need " + (long) batch * heads * positions + " tokens, got " + ids.length);
        }
        NDArray q = Embedding.embedding(p.manager().create(ids), p.get(EMBED), SparseFormat.DENSE).singletonOrThrow();
        return merge(p, q, batch, positions);
    }

    /** The EMA update of one batch: its normalised latents and their codes. */
    private final class Update implements CodebookUpdate {
        private final float[] normed;
        private final long[] ids;

        Update(float[] normed, long[] ids) {
            this.normed = normed;
            this.ids = ids;
        }

        @Override
        public int apply(Params params, double deadThreshold, SplittableRandom rng) {
            NDArray embedArr = params.get(EMBED);
            NDArray clusterArr = params.get(CLUSTER_SIZE);
            float[] embed = embedArr.toFloatArray();
            float[] cluster = clusterArr.toFloatArray();
            int k = codebookSize;
            int l = dim;
            int rows = ids.length;
            double[] bins = new double[k];
            double[] sums = new double[k * l];
            for (int r = 0; r < rows; r++) {
                int c = (int) ids[r];
                bins[c]++;
                for (int j = 0; j < l; j++) {
                    sums[c * l + j] += normed[r * l + j];
                }
            }
            for (int c = 0; c < k; c++) {
                cluster[c] = (float) (cluster[c] * decay + bins[c] * (1 - decay));
                double[] target = new double[l];
                if (bins[c] == 0) {
                    double ss = 0;
                    for (int j = 0; j < l; j++) {
                        ss += (double) embed[c * l + j] * embed[c * l + j];
                    }
                    double inv = 1 / Math.max(Math.sqrt(ss), 1e-12);
                    for (int j = 0; j < l; j++) {
                        target[j] = embed[c * l + j] * inv;
                    }
                } else {
                    double ss = 0;
                    for (int j = 0; j < l; j++) {
                        target[j] = sums[c * l + j] / bins[c];
                        ss += target[j] * target[j];
                    }
                    double inv = 1 / Math.max(Math.sqrt(ss), 1e-12);
                    for (int j = 0; j < l; j++) {
                        target[j] *= inv;
                    }
                }
                for (int j = 0; j < l; j++) {
                    embed[c * l + j] = (float) (embed[c * l + j] * decay + target[j] * (1 - decay));
                }
            }
            int replaced = 0;
            if (deadThreshold > 0) {
                int dead = 0;
                for (int c = 0; c < k; c++) {
                    if (cluster[c] < deadThreshold) {
                        dead++;
                    }
                }
                if (dead > 0) {
                    int[] pick = sample(rows, dead, rng);
                    int next = 0;
                    for (int c = 0; c < k; c++) {
                        if (cluster[c] < deadThreshold) {
                            System.arraycopy(normed, pick[next++] * l, embed, c * l, l);
                            replaced++;
                        }
                    }
                }
            }
            embedArr.set(embed);
            clusterArr.set(cluster);
            return replaced;
        }
    }

    /** {@code num} row indices of {@code rows}: distinct (a random permutation's prefix) when there are enough. */
    static int[] sample(int rows, int num, SplittableRandom rng) {
        int[] out = new int[num];
        if (rows >= num) {
            int[] perm = new int[rows];
            for (int i = 0; i < rows; i++) {
                perm[i] = i;
            }
            for (int i = 0; i < num; i++) {
                int j = i + rng.nextInt(rows - i);
                int t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
                out[i] = perm[i];
            }
        } else {
            for (int i = 0; i < num; i++) {
                out[i] = rng.nextInt(rows);
            }
        }
        return out;
    }
}
