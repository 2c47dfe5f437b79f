package fourm.vq.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import fourm.vq.LossKind;

/**
 * The reconstruction losses of spec-4m.md §6.1, as differentiable NDArray functions returning a scalar mean.
 *
 * <p>Shape legend: B batch, C channels, C' class labels, H x W map.
 */
public final class Losses {
    private Losses() {
    }

    /**
     * The loss of a reconstruction.
     *
     * @param output the decoder output [B, C, H, W] (class logits [B, C', H, W] for cross-entropy)
     * @param target the model input [B, C, H, W] (INT64 labels [B, H, W] for cross-entropy)
     */
    public static NDArray of(LossKind kind, NDArray output, NDArray target) {
        return switch (kind) {
            case MSE -> mse(output, target);
            case SMOOTH_L1 -> smoothL1(output, target);
            case CROSS_ENTROPY -> crossEntropy(output, target);
            case COSINE -> cosine(output, target);
            case BINARY_CROSS_ENTROPY -> binaryCrossEntropy(output, target);
        };
    }

    /** Mean squared error. */
    public static NDArray mse(NDArray output, NDArray target) {
        return output.sub(target).square().mean();
    }

    /** PyTorch's smooth L1 with beta 1: {@code 0.5 d^2} where {@code |d| < 1}, else {@code |d| - 0.5}; mean. */
    public static NDArray smoothL1(NDArray output, NDArray target) {
        NDArray d = output.sub(target);
        NDArray a = d.abs();
        NDArray half = d.getManager().create(0.5f);
        return NDArrays.where(a.lt(1f), d.square().mul(half), a.sub(half)).mean();
    }

    /** Mean cross-entropy of logits [B, C', H, W] against labels [B, H, W] (INT64). */
    public static NDArray crossEntropy(NDArray logits, NDArray labels) {
        int classes = (int) logits.getShape().get(1);
        NDArray logp = logits.logSoftmax(1);
        NDArray onehot = labels.oneHot(classes, DataType.FLOAT32).transpose(0, 3, 1, 2);
        return logp.mul(onehot).sum(new int[] {1}).mean().neg();
    }

    /**
     * The reference's binary cross-entropy of mask logits [B, 1, H, W] against 0/1 targets [B, 1, H, W]:
     * {@code p = sigmoid(logit)}, {@code z = (p, 1 - p)}, {@code -(t log_softmax(z)_0 + (1 - t) log_softmax(z)_1)},
     * averaged over pixels and the batch ({@code F.cross_entropy} with probability targets over the concatenation).
     */
    public static NDArray binaryCrossEntropy(NDArray logits, NDArray target) {
        NDArray p = Activation.sigmoid(logits);
        NDArray q = p.neg().add(1f);
        NDArray lse = p.exp().add(q.exp()).log();
        NDArray t = target;
        NDArray u = target.neg().add(1f);
        return t.mul(p.sub(lse)).add(u.mul(q.sub(lse))).mean().neg();
    }

    /**
     * One minus the cosine similarity over channels ({@code F.cosine_similarity(dim=1)}, eps 1e-8), averaged over
     * positions and the batch.
     */
    public static NDArray cosine(NDArray output, NDArray target) {
        NDArray dot = output.mul(target).sum(new int[] {1});
        // the floor as an array of the step's manager, not maximum(Number): autograd keeps the operand for the backward
        // pass, and DJL's temporary array over a JVM direct buffer is closed (and may be collected) before it runs
        NDArray floor = output.getManager().create(1e-8f);
        NDArray no = output.square().sum(new int[] {1}).sqrt().maximum(floor);
        NDArray nt = target.square().sum(new int[] {1}).sqrt().maximum(floor);
        return dot.div(no.mul(nt)).mean().neg().add(1f);
    }
}
