package fourm.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import fourm.torchscript.TorchScriptArchive;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;

/**
 * The L2 norm of each gradient of {@link AdamW}, for global-norm clipping, as one call of libtorch's
 * {@code _foreach_norm} (a small TorchScript module written by {@link TorchScriptArchive}) instead of one norm
 * operation per parameter called from Java. The tensor list is built once per optimizer; the gradients are read where
 * they are (the engine accumulates into them in place).
 */
final class ForeachNorm implements AutoCloseable {
    private static final String NORMS = """
            def norms(self, g: List[Tensor]) -> Tensor:
              return torch.stack(torch._foreach_norm(g, 2.0))
            """;
    private static final String FORWARD = "def forward(self, x: Tensor) -> Tensor:\n  return x\n";

    private final PtSymbolBlock module;
    private final PtNDManager manager;
    private final IValue list;

    private ForeachNorm(PtSymbolBlock module, PtNDManager manager, IValue list) {
        this.module = module;
        this.manager = manager;
        this.list = list;
    }

    /** The norms of {@code grads}, or null where they cannot be taken so: another engine than PyTorch. */
    static ForeachNorm open(NDManager owner, List<NDArray> grads) {
        if (!(owner instanceof PtNDManager) || grads.isEmpty()) {
            return null;
        }
        PtNDManager manager = (PtNDManager) owner.newSubManager();
        PtSymbolBlock module = null;
        try {
            byte[] bytes = TorchScriptArchive.module("ForeachNorm").method(NORMS).method(FORWARD).bytes();
            module = JniUtils.loadModule(manager, new ByteArrayInputStream(bytes), false, false);
            PtNDArray[] a = new PtNDArray[grads.size()];
            for (int i = 0; i < a.length; i++) {
                a[i] = (PtNDArray) grads.get(i);
            }
            return new ForeachNorm(module, manager, IValue.listFrom(a));
        } catch (IOException | UnsatisfiedLinkError | RuntimeException e) {
            if (module != null) {
                module.close();
            }
            manager.close();
            return null;
        }
    }

    /** The [n] norms of the gradients, in the order given to {@link #open}, in manager {@code m}. */
    NDArray norms(NDManager m) {
        try (IValue out = IValueUtils.runMethod(module, "norms", list)) {
            return out.toTensor((PtNDManager) m);
        }
    }

    /** Frees the module and the tensor list (the gradients belong to the optimizer's parameters). */
    @Override
    public void close() {
        list.close();
        module.close();
        manager.close();
    }
}
