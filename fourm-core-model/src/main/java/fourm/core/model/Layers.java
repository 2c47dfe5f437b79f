package fourm.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import java.util.List;

/**
 * The reference's building blocks as functions of NDArrays (spec section 2.2). Every function returns arrays owned by
 * the manager of its first activation argument, never by a parameter's manager, so a forward pass leaves nothing
 * behind in the model's manager.
 *
 * <p>Shape legend: B batch, N query tokens, M context tokens, D width, H heads, Dh head width, F MLP width, K rows.
 */
final class Layers {
    private Layers() {
    }

    /** {@code x W^T + b}: [..., in] to [..., out]; {@code b} may be null. */
    static NDArray linear(NDArray x, NDArray w, NDArray b) {
        return Linear.linear(x, w, b).singletonOrThrow();
    }

    /** LayerNorm over the last axis with eps 1e-6 (torch's layer_norm kernel). */
    static NDArray layerNorm(NDArray x, NDArray w, NDArray b) {
        long width = x.getShape().get(x.getShape().dimension() - 1);
        return LayerNorm.layerNorm(x, new Shape(width), w, b, FourMConfig.LAYER_NORM_EPS).singletonOrThrow();
    }

    /** Rows of {@code table} [R, D] at {@code index} [...] (int64): [..., D]; differentiable in the table. */
    static NDArray rows(NDArray index, NDArray table) {
        return Embedding.embedding(index, table, SparseFormat.DENSE).singletonOrThrow();
    }

    /**
     * As {@link #rows}, with a sparse gradient: the backward pass hands the table one gradient row per looked-up row
     * (torch's {@code embedding(..., sparse=True)}) instead of a dense table-size gradient that is zero almost
     * everywhere. Accumulated into a table gradient that is already defined and dense, the rows are added in place
     * (in lookup order, the order the dense backward sums them in), so the table's gradient stays dense; no
     * [R, D] zero tensor is written, read and added per pass. A table whose gradient is not yet defined would get a
     * sparse gradient: callers must define the gradients first.
     */
    static NDArray sparseRows(NDArray index, NDArray table) {
        return Embedding.embedding(index, table, SparseFormat.COO).singletonOrThrow();
    }

    /**
     * {@code param[0]} as an array of {@code m}: [1, R, D] to [R, D]. A view (gradients flow to the parameter) that is
     * created directly in {@code m}, so the parameter's manager is never touched (it may even be capped).
     */
    static NDArray first(NDManager m, NDArray param) {
        return param.get(m, new NDIndex(0));
    }

    /**
     * {@code param} as an array of {@code m}: a view of the whole tensor (gradients flow to the parameter) created
     * directly in {@code m}, so that operations on it put their results in {@code m}, never in the parameter's manager
     * (which may be capped).
     */
    static NDArray in(NDManager m, NDArray param) {
        return param.get(m, new NDIndex("..."));
    }

    /** Parameters {@code a} and {@code b} concatenated along axis 0, as an array of {@code m}; differentiable in both. */
    static NDArray concat(NDManager m, NDArray a, NDArray b) {
        return in(m, a).concat(in(m, b), 0);
    }

    /**
     * Rows {@code index} of {@code pieces} stacked, with -1 giving a zero row: [B*N] indices to [B, N, D].
     *
     * @param m      manager of the result
     * @param pieces row blocks [K_i, D] in order; row r of the stack is row r - offset of its block
     * @param rowOf  for each of the B*N slots, a row of the stack or -1 for a zero row
     */
    static NDArray assemble(NDManager m, List<NDArray> pieces, int[] rowOf, int b, int n, int d) {
        long total = 0;
        for (NDArray p : pieces) {
            total += p.getShape().get(0);
        }
        boolean inOrder = total == rowOf.length;
        for (int i = 0; i < rowOf.length && inOrder; i++) {
            inOrder = rowOf[i] == i;
        }
        if (inOrder && !pieces.isEmpty()) {
            // every slot takes the stack's row of the same index (no padding, as a full batch-1 input): the stack is
            // the result, without the zero row and the gather
            NDArray stacked = pieces.size() == 1 ? pieces.get(0) : NDArrays.concat(new NDList(pieces), 0);
            return stacked.reshape(b, n, d);
        }
        NDList stack = new NDList();
        stack.addAll(pieces);
        stack.add(m.zeros(new Shape(1, d)));
        NDArray table = stack.size() == 1 ? stack.get(0) : NDArrays.concat(stack, 0);
        long[] idx = new long[rowOf.length];
        for (int i = 0; i < rowOf.length; i++) {
            idx[i] = rowOf[i] < 0 ? total : rowOf[i];
        }
        return rows(m.create(idx), table).reshape(b, n, d);
    }

    /**
     * Multi-head attention core: softmax(q k^T * Dh^-0.5, masked with -FLT_MAX where {@code mask} is true) v.
     *
     * @param q    [B, H, N, Dh]
     * @param k    [B, H, M, Dh]
     * @param v    [B, H, M, Dh]
     * @param mask boolean, broadcastable to [B, H, N, M], true = may not attend; or null
     * @return [B, N, H*Dh]
     */
    static NDArray attend(NDArray q, NDArray k, NDArray v, NDArray mask, float scale) {
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul(scalar(q, scale));
        if (mask != null) {
            NDArray negMax = q.getManager().create(-Float.MAX_VALUE);
            NDArray keep = mask.logicalNot().broadcast(scores.getShape());
            scores = NDArrays.where(keep, scores, negMax);
        }
        NDArray attn = scores.softmax(-1);
        NDArray out = attn.matMul(v);
        Shape s = out.getShape();
        return out.transpose(0, 2, 1, 3).reshape(s.get(0), s.get(2), s.get(1) * s.get(3));
    }

    /**
     * The additive form of a boolean attention mask: 0 where {@code mask} is false, {@code -Float.MAX_VALUE} where it is
     * true (float32, same shape). Adding it to scores before the softmax gives exactly what the reference's
     * {@code masked_fill(mask, -FLT_MAX)} gives: a finite score plus {@code -FLT_MAX} rounds to {@code -FLT_MAX}. Built
     * once per pass and shared by every block, it replaces a per-block select (and its backward) by an addition.
     */
    static NDArray maskBias(NDArray mask) {
        return mask.toType(DataType.FLOAT32, false).muli(-Float.MAX_VALUE);
    }

    /**
     * Multi-head attention core with an additive mask: softmax((q * Dh^-0.5) k^T + bias) v. Scaling the queries
     * instead of the scores touches Dh instead of M values per query row.
     *
     * @param q     [B, H, N, Dh]
     * @param k     [B, H, M, Dh]
     * @param v     [B, H, M, Dh]
     * @param bias  float, broadcastable to [B, H, N, M] (see {@link #maskBias}); or null
     * @param scale Dh^-0.5
     * @return [B, N, H*Dh]
     */
    static NDArray attendBias(NDArray q, NDArray k, NDArray v, NDArray bias, float scale) {
        NDArray scores = q.mul(scalar(q, scale)).matMul(k.transpose(0, 1, 3, 2));
        if (bias != null) {
            scores = scores.addi(bias);
        }
        NDArray out = scores.softmax(-1).matMul(v);
        Shape s = out.getShape();
        return out.transpose(0, 2, 1, 3).reshape(s.get(0), s.get(2), s.get(1) * s.get(3));
    }

    /**
     * {@code value} as a 0-d float32 array of {@code like}'s manager in engine memory, for arithmetic that autograd
     * differentiates. DJL's {@code mul(Number)} and {@code create(float)} wrap the number in an array backed by a JVM
     * direct buffer; autograd keeps the engine tensor for the backward pass, and once that array is closed and the
     * garbage collector frees the buffer, the backward pass reads freed memory (garbage gradients, at random). The
     * engine's own {@code full} owns its memory, so the array may be closed (a block's scope ends) before the backward
     * pass.
     */
    static NDArray scalar(NDArray like, float value) {
        return like.getManager().full(new Shape(), value, ai.djl.ndarray.types.DataType.FLOAT32);
    }

    /** Exact (erf) GELU. */
    static NDArray gelu(NDArray x) {
        return Activation.gelu(x);
    }

    /** SiLU, {@code x * sigmoid(x)}. */
    static NDArray silu(NDArray x) {
        return x.mul(Activation.sigmoid(x));
    }

    /** A boolean array of {@code m}. */
    static NDArray bools(NDManager m, boolean[] values, long... shape) {
        return m.create(values, new Shape(shape));
    }
}
