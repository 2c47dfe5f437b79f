package fourm.core.model;

import java.lang.reflect.Method;

/**
 * Whether the engine records operations for a backward pass (a {@code GradientCollector} is open). DJL's API does not
 * say; the PyTorch engine does ({@code JniUtils.isGradMode()}), reached reflectively so that fourm-core compiles
 * against DJL's API alone. Where that engine is absent or the call fails, the answer is "recording", the safe side:
 * callers only use "not recording" to release memory early.
 */
final class GradMode {
    private static final Method IS_GRAD_MODE = find();

    private GradMode() {
    }

    private static Method find() {
        try {
            return Class.forName("ai.djl.pytorch.jni.JniUtils").getMethod("isGradMode");
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return null;
        }
    }

    /** True when operations are being recorded for a backward pass, or when that cannot be told. */
    static boolean recording() {
        if (IS_GRAD_MODE == null) {
            return true;
        }
        try {
            return (Boolean) IS_GRAD_MODE.invoke(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return true;
        }
    }
}
