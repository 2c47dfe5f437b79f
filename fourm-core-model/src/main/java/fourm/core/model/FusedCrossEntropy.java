package fourm.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import fourm.torchscript.TorchScriptArchive;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The training cross-entropy of one output modality without recording log-softmax and gather over the [K, V] logits.
 *
 * <p>For the K selected decoder rows h [K, D] (recorded), the head W [V, D] (recorded) and the targets t, one compiled
 * TorchScript call that records nothing computes the logits {@code z = h W^T}, {@code l = log_softmax(z)}, the loss
 * value {@code mean(-l[t])} (the same operations, on the same values, as the unfused path) and, in place of
 * {@code l}, {@code G = softmax(z) - onehot(t)}: the gradient of {@code K * loss} with respect to z. The returned
 * scalar is
 * <pre>
 *   ce = value + (s - detach(s)) / K,   s = sum(h * (G W)),   G a constant
 * </pre>
 * whose value is exactly {@code value} ({@code s - detach(s)} is zero) and whose gradients are those of the loss:
 * {@code d ce / d h = G W / K} and {@code d ce / d W = G^T h / K}, the backward pass of {@code G W} (a matrix product
 * recorded with W) giving the latter. Whatever weights the caller puts on {@code ce} then reach both. Recorded are
 * the product {@code G W} [K, D] and the [K, D] product with h: the backward pass writes no [K, V] array, and the
 * step as a whole writes two (the logits, then G in place of the log-probabilities) instead of the logits, the
 * log-probabilities, the zero-filled gather gradient and the log-softmax gradient of the unfused path; the three
 * matrix products (logits, {@code G W}, {@code G^T h}) are those of the unfused path. The gradients equal the unfused ones up to float rounding
 * ({@code FusedCrossEntropyTest}).
 */
final class FusedCrossEntropy {
    /**
     * Whether training passes take this path (system property {@code fourm.model.fusedCrossEntropy}, default true;
     * false records log-softmax and gather as before). Passes without gradients always take the unfused path.
     */
    static final boolean ENABLED = Boolean.parseBoolean(System.getProperty("fourm.model.fusedCrossEntropy", "true"));

    static final String SOURCE = """
            def forward(self, h: Tensor, w: Tensor, t: Tensor) -> List[Tensor]:
              z = torch.linear(h, w)
              tt = t.unsqueeze(1)
              l = torch.log_softmax(z, 1)
              loss = torch.mean(torch.neg(torch.gather(l, 1, tt)))
              g = l.exp_()
              g.scatter_add_(1, tt, torch.full([tt.size(0), 1], -1.0, dtype=g.dtype))
              return [loss, g, z]
            """;

    private FusedCrossEntropy() {
    }

    /** Compiles the module whose {@code forward} is {@link #SOURCE}, in manager {@code m}. */
    private static PtSymbolBlock load(NDManager m) {
        try {
            byte[] bytes = TorchScriptArchive.module("FusedCrossEntropy").method(SOURCE).bytes();
            return JniUtils.loadModule((PtNDManager) m, new ByteArrayInputStream(bytes), false, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the fused cross-entropy's TorchScript module", e);
        }
    }

    /**
     * The cross-entropy, its logits and targets.
     *
     * @param value  the scalar to put in the losses (recorded, see the class comment)
     * @param logits the [K, V] logits (values only, not recorded)
     */
    record Result(NDArray value, NDArray logits) {
    }

    /** Whether arrays of manager {@code m} can take this path (the PyTorch engine). */
    static boolean supports(NDManager m) {
        return m instanceof PtNDManager;
    }

    /**
     * The cross-entropy of rows {@code h} [K, D] (K > 0) under head {@code w} [V, D] against {@code targets} [K]
     * (int64), in the manager of {@code h}.
     */
    static Result compute(FourMModel model, NDArray h, NDArray w, NDArray targets) {
        long k = h.getShape().get(0);
        PtSymbolBlock module = model.compiled(SOURCE, FusedCrossEntropy::load);
        NDArray hd = h.stopGradient();
        NDArray wd = w.stopGradient();
        NDArray value;
        NDArray g;
        NDArray z;
        // the inputs are detached: nothing is recorded, but the outputs are ordinary tensors autograd may save
        try {
            NDList out = ScriptSource.forwardRecorded(module, new NDList(hd, wd, targets));
            value = out.get(0);
            g = out.get(1);
            z = out.get(2);
        } finally {
            hd.close();
            wd.close();
        }
        NDArray s = h.mul(g.matMul(w)).sum();
        NDArray ce = value.add(s.sub(s.stopGradient()).div(Layers.scalar(s, (float) k)));
        return new Result(ce, z);
    }
}
