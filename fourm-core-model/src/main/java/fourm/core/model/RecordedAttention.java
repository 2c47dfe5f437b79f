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
 * The attention core of a training pass, {@code softmax((q k^T) * scale + bias) v}, as libtorch's
 * {@code scaled_dot_product_attention} in one TorchScript call run in training mode: autograd records the engine's
 * fused CPU attention kernel and its backward instead of a scaling, two batched products, the mask addition and a
 * softmax, each with its own backward. The values equal {@link Layers#attendBias} up to float rounding (the kernel
 * scales the scores instead of the queries and normalises block by block).
 */
final class RecordedAttention {
    /**
     * Whether training passes take this path (system property {@code fourm.model.recordedAttention}, default true;
     * false records the DJL operations of {@link Layers#attendBias}).
     */
    static final boolean ENABLED = Boolean.parseBoolean(System.getProperty("fourm.model.recordedAttention", "true"));

    private RecordedAttention() {
    }

    /** Whether arrays of manager {@code m} can take this path (the PyTorch engine). */
    static boolean supports(NDManager m) {
        return m instanceof PtNDManager;
    }

    /**
     * As {@link Layers#attendBias}: q [B, H, N, Dh], k and v [B, H, M, Dh], bias broadcastable to [B, H, N, M] or
     * null; [B, N, H*Dh], in the manager of q.
     */
    static NDArray attend(FourMModel model, NDArray q, NDArray k, NDArray v, NDArray bias, float scale) {
        String source = "def forward(self, q: Tensor, k: Tensor, v: Tensor"
                + (bias == null ? "" : ", bias: Tensor") + ") -> Tensor:\n"
                + "  o = torch.scaled_dot_product_attention(q, k, v, attn_mask=" + (bias == null ? "None" : "bias")
                + ", scale=" + Double.toString(scale) + ")\n"
                + "  return o.transpose(1, 2).flatten(2)\n";
        PtSymbolBlock module = model.compiled(source, m -> load(m, source));
        NDList in = bias == null ? new NDList(q, k, v) : new NDList(q, k, v, bias);
        return ScriptSource.forwardRecorded(module, in).singletonOrThrow();
    }

    private static PtSymbolBlock load(NDManager m, String source) {
        try {
            byte[] bytes = TorchScriptArchive.module("RecordedAttention").method(source).bytes();
            return JniUtils.loadModule((PtNDManager) m, new ByteArrayInputStream(bytes), false, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the attention's TorchScript module", e);
        }
    }
}
