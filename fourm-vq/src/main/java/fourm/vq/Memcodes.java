package fourm.vq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import java.util.SplittableRandom;

/**
 * Multi-head Memcodes (spec-4m.md §6.1, global embeddings and poses): the latent is split into {@code h} heads of
 * width {@code d = L / h}; head {@code i} attends over its own codebook of {@code K} codes with keys
 * {@code codes_i W_k,i} and values {@code codes_i W_v,i}, {@code logits = (q d^-0.5) k^T}. At inference each head takes
 * the code of largest logit (one token per head); in training a straight-through Gumbel-softmax (hard one-hot forward,
 * soft gradients, temperature {@code temperature}) picks it. The output is the concatenation of the chosen values. There
 * is no code loss.
 *
 * <p>State-dict keys: {@code quantize.codes} [h, K, d], {@code quantize.to_k.weight} [h, d, d],
 * {@code quantize.to_v.weight} [h, d, d] (einops {@code Mix('h n d -> h n c', weight_shape='h d c')}, no bias).
 *
 * <p>Shape legend: B batch, N positions (1 here), h heads, K codes, d head width.
 */
final class Memcodes implements Quantizer {
    static final String CODES = "quantize.codes";
    static final String TO_K = "quantize.to_k.weight";
    static final String TO_V = "quantize.to_v.weight";

    private final int heads;
    private final int codebookSize;
    private final int headDim;
    private final double temperature;

    Memcodes(VqConfig.QuantizerSpec spec) {
        this.heads = spec.heads();
        this.codebookSize = spec.codebookSize();
        this.headDim = spec.latentDim() / spec.heads();
        this.temperature = spec.temperature();
    }

    @Override
    public void layout(Params.Layout layout) {
        layout.param(CODES, Params.Init.NORMAL, heads, codebookSize, headDim);
        layout.param(TO_K, Params.Init.TORCH_DEFAULT, heads, headDim, headDim);
        layout.param(TO_V, Params.Init.TORCH_DEFAULT, heads, headDim, headDim);
    }

    /** Values [h, K, d]: {@code codes_i W_v,i} per head. */
    private NDArray values(Params.View p) {
        return p.get(CODES).matMul(p.get(TO_V));
    }

    @Override
    public Quantized quantize(Params.View p, NDArray z, boolean training, SplittableRandom rng) {
        NDManager m = p.manager();
        Shape s = z.getShape();
        long b = s.get(0);
        long n = s.get(1);
        NDArray q = z.reshape(b, n, heads, headDim).transpose(0, 2, 1, 3);
        q = q.mul(q.getManager().create((float) Math.pow(headDim, -0.5)));
        NDArray k = p.get(CODES).matMul(p.get(TO_K));
        NDArray logits = q.matMul(k.transpose(0, 2, 1));
        NDArray attn;
        long[] ids;
        if (training) {
            float[] noise = new float[Math.toIntExact(logits.size())];
            for (int i = 0; i < noise.length; i++) {
                double u = rng.nextDouble();
                noise[i] = (float) -Math.log(-Math.log(Math.max(u, 1e-20)) + 1e-20);
            }
            NDArray soft = logits.add(m.create(noise, logits.getShape())).div(m.create((float) temperature)).softmax(-1);
            ids = soft.argMax(-1).toLongArray();
            NDArray hard = m.create(ids, new Shape(b, heads, n)).oneHot(codebookSize, DataType.FLOAT32);
            attn = hard.sub(soft.stopGradient()).add(soft);
        } else {
            ids = logits.argMax(-1).toLongArray();
            attn = m.create(ids, new Shape(b, heads, n)).oneHot(codebookSize, DataType.FLOAT32);
        }
        NDArray out = attn.matMul(values(p)).transpose(0, 2, 1, 3).reshape(b, n, (long) heads * headDim);
        return new Quantized(out, m.zeros(new Shape()), ids, null);
    }

    @Override
    public NDArray embed(Params.View p, long[] ids, int batch, int positions) {
        if (positions != 1) {
            throw new IllegalArgumentException("memcodes tokens describe one position, got " + positions);
        }
        long[] rows = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= codebookSize) {
                throw new IllegalArgumentException("token " + ids[i] + " at position " + i
                        + " is outside the vocabulary [0, " + codebookSize + ")");
            }
            rows[i] = (long) (i % heads) * codebookSize + ids[i];
        }
        NDArray table = values(p).reshape((long) heads * codebookSize, headDim);
        NDArray v = Embedding.embedding(p.manager().create(rows), table, SparseFormat.DENSE).singletonOrThrow();
        return v.reshape(batch, 1, (long) heads * headDim);
    }
}
