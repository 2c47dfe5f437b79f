package fourm.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import fourm.torchscript.TorchScriptArchive;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The body of a TorchScript method being written ({@link CompiledStack}, {@link CompiledDecoderStep}) and the list of
 * tensors its {@code w[i]} refer to, in the order {@link #ref} met them: the same configuration always gives the same
 * source, so the compiled module can be shared, and the list is built for each use.
 */
final class ScriptSource {
    private final StringBuilder code = new StringBuilder();
    private final List<PtNDArray> weights = new ArrayList<>();

    /** {@code w[i]} for a new entry, or {@code None} for an absent (bias) tensor. */
    String ref(NDArray a) {
        if (a == null) {
            return "None";
        }
        weights.add((PtNDArray) a);
        return "w[" + (weights.size() - 1) + "]";
    }

    /** Appends one line of the method body (indented one level). */
    void line(String format, Object... args) {
        code.append("  ").append(String.format(Locale.ROOT, format, args)).append('\n');
    }

    /** The method body so far. */
    String code() {
        return code.toString();
    }

    /** The tensors the body refers to as {@code w[0]}, {@code w[1]}, ... */
    List<PtNDArray> weights() {
        return weights;
    }

    /**
     * Runs {@code module}'s {@code forward} on {@code inputs} in training mode (autograd records through it where the
     * inputs require gradients; DJL's method calls otherwise run under inference mode, whose outputs autograd refuses
     * to save) with the TorchScript graph executor's optimisations off: with them, the executor profiles the first
     * calls and then replaces recorded operations by its own symbolic derivatives, whose rounding differs, so that
     * gradients would change between the first calls and later ones. The setting is the engine's, per thread; it is
     * restored to DJL's ({@code ai.djl.pytorch.graph_optimizer}, default on) afterwards.
     */
    static ai.djl.ndarray.NDList forwardRecorded(PtSymbolBlock module, ai.djl.ndarray.NDList inputs) {
        JniUtils.setGraphExecutorOptimize(false);
        try {
            return ai.djl.pytorch.jni.IValueUtils.forward(module, inputs, true);
        } finally {
            JniUtils.setGraphExecutorOptimize(
                    Boolean.parseBoolean(System.getProperty("ai.djl.pytorch.graph_optimizer", "true")));
        }
    }

    /** Compiles a module with the method {@code source} (and an identity {@code forward}) in manager {@code m}. */
    static PtSymbolBlock load(NDManager m, String source) {
        try {
            byte[] bytes = TorchScriptArchive.module("FourMPass").method(source)
                    .method("def forward(self, x: Tensor) -> Tensor:\n  return x\n").bytes();
            return JniUtils.loadModule((PtNDManager) m, new ByteArrayInputStream(bytes), false, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a compiled pass's TorchScript module", e);
        }
    }
}
