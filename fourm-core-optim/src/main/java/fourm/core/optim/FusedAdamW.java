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
import java.util.ArrayList;
import java.util.List;

/**
 * The AdamW update of {@link AdamW} as libtorch's fused CPU kernel ({@code _fused_adamw_}): one pass over each
 * parameter, its gradient and its two moments, vectorised and threaded inside the engine, instead of about a dozen
 * operations per segment called one by one from Java. The kernel is reached through a small parameterless TorchScript
 * module written by {@link TorchScriptArchive}; the tensor lists it works on are built once per optimizer.
 *
 * <p>The kernel computes, per element (float32, bias corrections in double):
 * {@code p *= 1 - lr wd; m += (1 - b1)(g - m); v = b2 v + (1 - b2) g^2;
 * p -= (lr / (1 - b1^t)) m / (sqrt(v) / sqrt(1 - b2^t) + eps)}, the same AdamW as {@link AdamW}'s own arithmetic up
 * to the rounding of each operation (a few units in the last place per step; {@code AdamWTest} bounds both against a
 * double-precision reference).
 */
final class FusedAdamW implements AutoCloseable {
    private static final String STEP = """
            def step(self, p: List[Tensor], g: List[Tensor], m: List[Tensor], v: List[Tensor], t: List[Tensor], \
            tstep: float, lr: float, beta1: float, beta2: float, wd: float, eps: float, coef: float) -> Tensor:
              t[0].fill_(tstep)
              if coef != 1.0:
                torch._foreach_mul_(g, coef)
              torch._fused_adamw_(p, g, m, v, [], t, lr=lr, beta1=beta1, beta2=beta2, weight_decay=wd, eps=eps, \
            amsgrad=False, maximize=False)
              torch._foreach_zero_(g)
              return t[0]
            """;
    private static final String FORWARD = "def forward(self, x: Tensor) -> Tensor:\n  return x\n";

    private final PtSymbolBlock module;
    private final List<Group> groups = new ArrayList<>();
    private final PtNDManager manager;
    private final PtNDArray step;

    /** One weight-decay group: the four tensor lists and the step list, as TorchScript values. */
    private record Group(double weightDecay, IValue[] lists) {
    }

    private FusedAdamW(PtSymbolBlock module, PtNDManager manager) {
        this.module = module;
        this.manager = manager;
        this.step = (PtNDArray) manager.zeros(new ai.djl.ndarray.types.Shape());
    }

    /**
     * The kernel for these parameters (in two groups: with and without decay), or null where it cannot run: another
     * engine than PyTorch or a libtorch without the fused kernel.
     */
    static FusedAdamW open(NDManager owner, List<NDArray[]> decaying, List<NDArray[]> plain, double weightDecay) {
        if (!(owner instanceof PtNDManager)) {
            return null;
        }
        PtNDManager manager = (PtNDManager) owner.newSubManager();
        PtSymbolBlock module = null;
        try {
            byte[] bytes = TorchScriptArchive.module("FusedAdamW").method(STEP).method(FORWARD).bytes();
            module = JniUtils.loadModule(manager, new ByteArrayInputStream(bytes), false, false);
            FusedAdamW k = new FusedAdamW(module, manager);
            k.group(decaying, weightDecay);
            k.group(plain, 0);
            return k;
        } catch (IOException | UnsatisfiedLinkError | RuntimeException e) {
            if (module != null) {
                module.close();
            }
            manager.close();
            return null;
        }
    }

    /** Each entry of {@code members}: parameter, gradient, first and second moment. */
    private void group(List<NDArray[]> members, double weightDecay) {
        if (members.isEmpty()) {
            return;
        }
        IValue[] lists = new IValue[5];
        for (int j = 0; j < 4; j++) {
            PtNDArray[] a = new PtNDArray[members.size()];
            for (int i = 0; i < a.length; i++) {
                a[i] = (PtNDArray) members.get(i)[j];
            }
            lists[j] = IValue.listFrom(a);
        }
        PtNDArray[] steps = new PtNDArray[members.size()];
        java.util.Arrays.fill(steps, step);
        lists[4] = IValue.listFrom(steps);
        groups.add(new Group(weightDecay, lists));
    }

    /**
     * Update number {@code t} (from 1) with the gradients multiplied by {@code coef} first; the gradients are zero
     * afterwards.
     */
    void step(long t, double lr, double beta1, double beta2, double eps, double coef) {
        for (Group g : groups) {
            IValue[] in = new IValue[12];
            System.arraycopy(g.lists(), 0, in, 0, 5);
            IValue[] scalars = {IValue.from((double) t), IValue.from(lr), IValue.from(beta1), IValue.from(beta2), IValue.from(g.weightDecay()),
                IValue.from(eps), IValue.from(coef)};
            System.arraycopy(scalars, 0, in, 5, scalars.length);
            try (IValue out = IValueUtils.runMethod(module, "step", in)) {
                out.getType(); // the result is the step tensor itself; nothing to read
            } finally {
                for (IValue s : scalars) {
                    s.close();
                }
            }
        }
    }

    /** Frees the module and the tensor lists (the tensors themselves belong to the optimizer and the caller). */
    @Override
    public void close() {
        for (Group g : groups) {
            for (IValue v : g.lists()) {
                v.close();
            }
        }
        module.close();
        manager.close();
    }
}
