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
 * The SwiGLU gate of a training pass, {@code silu(gate) * up} on the [..., 2H] output of the concatenated
 * {@code fc1}/{@code fc3} product, as one TorchScript call run in training mode, so that autograd records libtorch's
 * own {@code silu} (one forward kernel and one fused {@code silu_backward}) instead of a sigmoid and two products, each
 * with its own backward. The values equal {@code x * sigmoid(x)} up to float rounding.
 */
final class SwiGluGate {
    /**
     * Whether training passes take this path (system property {@code fourm.model.scriptedSwiglu}, default true; false
     * records sigmoid and products as DJL operations).
     */
    static final boolean ENABLED = Boolean.parseBoolean(System.getProperty("fourm.model.scriptedSwiglu", "true"));

    static final String SOURCE = """
            def forward(self, x: Tensor) -> Tensor:
              gu = torch.chunk(x, 2, -1)
              return torch.mul(torch.silu(gu[0]), gu[1])
            """;

    private SwiGluGate() {
    }

    /** Whether arrays of manager {@code m} can take this path (the PyTorch engine). */
    static boolean supports(NDManager m) {
        return m instanceof PtNDManager;
    }

    /** {@code silu(x[..., :H]) * x[..., H:]}, recorded when gradients are, in the manager of {@code x}. */
    static NDArray apply(FourMModel model, NDArray both) {
        PtSymbolBlock module = model.compiled(SOURCE, SwiGluGate::load);
        return ScriptSource.forwardRecorded(module, new NDList(both)).singletonOrThrow();
    }

    private static PtSymbolBlock load(NDManager m) {
        try {
            byte[] bytes = TorchScriptArchive.module("SwiGluGate").method(SOURCE).bytes();
            return JniUtils.loadModule((PtNDManager) m, new ByteArrayInputStream(bytes), false, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the SwiGLU gate's TorchScript module", e);
        }
    }
}
