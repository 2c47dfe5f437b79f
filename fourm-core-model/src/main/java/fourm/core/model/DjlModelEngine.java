package fourm.core.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import fourm.core.io.Offline;
import jakarta.inject.Inject;

/**
 * The default {@link ModelEngine}: DJL's default engine (PyTorch); it warns once when DJL is not kept offline
 * ({@link Offline}: the launcher's switch). The engine's native library is loaded on first use, never while the
 * injector is built.
 */
public final class DjlModelEngine implements ModelEngine {

    /** The default engine; Guice creates it. */
    @Inject
    public DjlModelEngine() {
    }

    @Override
    public String name() {
        Offline.warnIfNotEnforced();
        return Engine.getInstance().getEngineName();
    }

    @Override
    public NDManager newManager() {
        Offline.warnIfNotEnforced();
        return NDManager.newBaseManager();
    }

    @Override
    public String toString() {
        return "DJL default engine";
    }
}
