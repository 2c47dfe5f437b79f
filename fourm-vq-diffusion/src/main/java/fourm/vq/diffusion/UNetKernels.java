package fourm.vq.diffusion;

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

/**
 * libtorch operations that DJL's NDArray API does not reach, for the UNet's inference path: a TorchScript module
 * without parameters (written by {@link TorchScriptArchive}) whose methods call them.
 *
 * <ul>
 *   <li>{@code pack}: a convolution weight reordered once into oneDNN's blocked layout
 *       ({@code mkldnn_reorder_conv2d_weight}). {@code conv} runs oneDNN's convolution on it
 *       ({@code mkldnn_convolution}, the kernel {@code conv2d} itself calls on the CPU, with the same result bit for
 *       bit), so a pass no longer reorders every weight on every call: at batch 1 that reorder is a large part of a
 *       small-resolution convolution's time.</li>
 *   <li>{@code gn_silu}: libtorch's own {@code group_norm} (one pass for the statistics, one for the affine map, as the
 *       reference computes it) followed by an in-place SiLU, in place of a layer norm, an affine map and a sigmoid
 *       product in five passes.</li>
 * </ul>
 *
 * <p>Only for inference: the packed weights are copies (a training step does not reach them) and the methods are
 * not differentiated. {@link #open} returns null where the engine is not PyTorch or its build has no oneDNN.
 */
final class UNetKernels implements AutoCloseable {
    private static final String PACK = "def pack(self, w: Tensor, stride: int, pad: int) -> Tensor:\n"
            + "  return torch.mkldnn_reorder_conv2d_weight(w.to_mkldnn(), [pad, pad], [stride, stride], [1, 1], 1)\n";
    private static final String CONV = "def conv(self, x: Tensor, w: Tensor, b: Tensor, stride: int, pad: int)"
            + " -> Tensor:\n"
            + "  return torch.mkldnn_convolution(x, w, b, [pad, pad], [stride, stride], [1, 1], 1)\n";
    private static final String GN_SILU = "def gn_silu(self, x: Tensor, w: Tensor, b: Tensor, groups: int, eps: float)"
            + " -> Tensor:\n"
            + "  return torch.silu_(torch.group_norm(x, groups, w, b, eps, False))\n";
    private static final String GN = "def gn(self, x: Tensor, w: Tensor, b: Tensor, groups: int, eps: float)"
            + " -> Tensor:\n"
            + "  return torch.group_norm(x, groups, w, b, eps, False)\n";
    /** The residual block of {@code PatchedUNet.resBlock}, in place where the values are not needed again. */
    private static final String RES_BODY = "  h = torch.mkldnn_convolution(torch.silu_(torch.group_norm(x, groups, g1w, g1b, eps, False)), w1, b1,"
            + " [1, 1], [1, 1], [1, 1], 1)\n"
            + "  e = torch.linear(emb, ew, eb)\n"
            + "  h = h.add_(e.reshape([e.size(0), e.size(1), 1, 1]))\n"
            + "  h = torch.mkldnn_convolution(torch.silu_(torch.group_norm(h, groups, g2w, g2b, eps, False)), w2, b2,"
            + " [1, 1], [1, 1], [1, 1], 1)\n";
    private static final String RES_ARGS = "self, x: Tensor, emb: Tensor, g1w: Tensor, g1b: Tensor, w1: Tensor, b1: Tensor,"
            + " ew: Tensor, eb: Tensor, g2w: Tensor, g2b: Tensor, w2: Tensor, b2: Tensor, groups: int, eps: float";
    private static final String RES = "def res(" + RES_ARGS + ") -> Tensor:\n" + RES_BODY + "  return h.add_(x)\n";
    private static final String RES_SKIP = "def res_skip(" + RES_ARGS + ", sw: Tensor, sb: Tensor) -> Tensor:\n"
            + RES_BODY + "  return h.add_(torch.mkldnn_convolution(x, sw, sb, [0, 0], [1, 1], [1, 1], 1))\n";
    private static final String FORWARD = "def forward(self, x: Tensor) -> Tensor:\n  return x\n";

    private final PtNDManager manager;
    private final PtSymbolBlock module;

    private UNetKernels(PtNDManager manager, PtSymbolBlock module) {
        this.manager = manager;
        this.module = module;
    }

    /**
     * Loads the module and checks a packed convolution against {@code conv2d} on a small input; null where that is not
     * possible (another engine, no oneDNN, a libtorch without these operators).
     */
    static UNetKernels open() {
        NDManager base = NDManager.newBaseManager();
        if (!(base instanceof PtNDManager pm)) {
            base.close();
            return null;
        }
        PtSymbolBlock module = null;
        try {
            byte[] bytes = TorchScriptArchive.module("UNetKernels").method(PACK).method(CONV).method(GN_SILU)
                    .method(GN).method(RES).method(RES_SKIP).method(FORWARD).bytes();
            module = JniUtils.loadModule(pm, new ByteArrayInputStream(bytes), false, false);
            UNetKernels k = new UNetKernels(pm, module);
            if (k.selfCheck()) {
                return k;
            }
        } catch (IOException | UnsatisfiedLinkError | RuntimeException e) {
            // no such kernels in this engine: the caller evaluates without them
        }
        if (module != null) {
            module.close();
        }
        base.close();
        return null;
    }

    private static float[] gaussian(java.util.SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    private boolean selfCheck() {
        try (NDManager m = manager.newSubManager()) {
            // values from a fixed-seed host generator: the engine's global random stream stays untouched
            java.util.SplittableRandom r = new java.util.SplittableRandom(17);
            NDArray x = m.create(gaussian(r, 288), new ai.djl.ndarray.types.Shape(1, 8, 6, 6));
            NDArray w = m.create(gaussian(r, 288), new ai.djl.ndarray.types.Shape(4, 8, 3, 3));
            NDArray b = m.create(gaussian(r, 4), new ai.djl.ndarray.types.Shape(4));
            NDArray want = ai.djl.nn.convolutional.Conv2d.conv2d(x, w, b, new ai.djl.ndarray.types.Shape(1, 1),
                    new ai.djl.ndarray.types.Shape(1, 1), new ai.djl.ndarray.types.Shape(1, 1), 1).singletonOrThrow();
            NDArray got = conv(m, x, pack(m, w, 1, 1), b, 1, 1);
            return got.getShape().equals(want.getShape()) && got.sub(want).abs().max().getFloat() < 1e-4f;
        }
    }

    /** {@code weight} [O, I, k, k] in oneDNN's layout for a convolution of this stride and padding; in {@code m}. */
    NDArray pack(NDManager m, NDArray weight, int stride, int pad) {
        return call(m, "pack", weight, (long) stride, (long) pad);
    }

    /** The convolution of NCHW {@code x} with a {@link #pack}ed weight (dilation 1, one group); NCHW, in {@code m}. */
    NDArray conv(NDManager m, NDArray x, NDArray packed, NDArray bias, int stride, int pad) {
        return call(m, "conv", x, packed, bias, (long) stride, (long) pad);
    }

    /** {@code SiLU(GroupNorm(x))} over [B, C, ...], in {@code m}. */
    NDArray groupNormSilu(NDManager m, NDArray x, NDArray weight, NDArray bias, int groups, double eps) {
        return call(m, "gn_silu", x, weight, bias, (long) groups, eps);
    }

    /** {@code GroupNorm(x)} over [B, C, ...], in {@code m}. */
    NDArray groupNorm(NDManager m, NDArray x, NDArray weight, NDArray bias, int groups, double eps) {
        return call(m, "gn", x, weight, bias, (long) groups, eps);
    }

    /**
     * A residual block on NCHW {@code x}: {@code args} are the activated embedding, then GroupNorm weight and bias,
     * packed weight and bias of the first convolution, embedding projection weight and bias, GroupNorm weight and bias,
     * packed weight and bias of the second convolution, and (when the width changes) packed weight and bias of the
     * 1x1 skip convolution.
     */
    NDArray resBlock(NDManager m, NDArray x, NDArray[] args, double eps) {
        Object[] all = new Object[args.length + 3];
        all[0] = x;
        System.arraycopy(args, 0, all, 1, 11);
        all[12] = (long) UNetConfig.GROUPS;
        all[13] = eps;
        if (args.length == 13) {
            all[14] = args[11];
            all[15] = args[12];
        }
        return call(m, args.length == 13 ? "res_skip" : "res", all);
    }

    private NDArray call(NDManager m, String method, Object... args) {
        IValue[] in = new IValue[args.length];
        try {
            for (int i = 0; i < args.length; i++) {
                Object a = args[i];
                if (a instanceof PtNDArray t) {
                    in[i] = IValue.from(t);
                } else if (a instanceof Long l) {
                    in[i] = IValue.from(l.longValue());
                } else if (a instanceof Double d) {
                    in[i] = IValue.from(d.doubleValue());
                } else {
                    throw new IllegalArgumentException("unsupported argument " + a);
                }
            }
            try (IValue out = IValueUtils.runMethod(module, method, in)) {
                return out.toTensor((PtNDManager) m);
            }
        } finally {
            for (IValue v : in) {
                if (v != null) {
                    v.close();
                }
            }
        }
    }

    /** Frees the module. */
    @Override
    public void close() {
        module.close();
        manager.close();
    }
}
