package fourm.core.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import fourm.core.io.Offline;
import jakarta.inject.Inject;

/**
 * The default {@link ModelEngine}: DJL's default engine (PyTorch), kept offline ({@link Offline#enforce()}). The
 * engine's native library is loaded on first use, never while the injector is built.
 */
public final class DjlModelEngine implements ModelEngine {

    /** The default engine; Guice creates it. */
    @Inject
    public DjlModelEngine() {
    }

    @Override
    public String name() {
        Offline.enforce();
        return Engine.getInstance().getEngineName();
    }

    @Override
    public NDManager newManager() {
        Offline.enforce();
        return NDManager.newBaseManager();
    }

    @Override
    public String toString() {
        return "DJL default engine";
    }
}
