package fourm.core.model;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Where models live: the engine that holds their parameters and runs their computations. Training, generation and the
 * command line get it from the injector ({@code fourm.core.Fourm#injector()}), so an application or a test can put
 * another in its place ({@code Modules.override}, see {@code fourm.core.Fourm#start}): a counting one, one on another
 * DJL engine, one that pins native threads.
 *
 * <p>The default, {@link DjlModelEngine}, uses DJL's default engine (PyTorch) offline.
 */
public interface ModelEngine {

    /** The engine's name, for logs and provenance ({@code PyTorch}). */
    String name();

    /** A new root manager on this engine; the caller owns it and closes it (try-with-resources). */
    NDManager newManager();

    /** A new model initialised as {@link FourMModel#create(FourMConfig, long)} does; the caller closes it. */
    default FourMModel create(FourMConfig config, long seed) {
        return FourMModel.create(config, seed);
    }

    /** Loads a checkpoint with the configuration of its metadata ({@link Checkpoints#load(Path)}). */
    default FourMModel load(Path file) throws IOException {
        return Checkpoints.load(file);
    }

    /** Loads a checkpoint into an explicit configuration ({@link Checkpoints#load(Path, FourMConfig)}). */
    default FourMModel load(Path file, FourMConfig config) throws IOException {
        return Checkpoints.load(file, config);
    }

    /**
     * Loads a checkpoint into an explicit configuration, accepting non-finite weights when {@code allowNonFinite}
     * ({@link Checkpoints#load(Path, FourMConfig, boolean)}).
     */
    default FourMModel load(Path file, FourMConfig config, boolean allowNonFinite) throws IOException {
        return Checkpoints.load(file, config, allowNonFinite);
    }

    /**
     * Loads a checkpoint with the configuration of its metadata, looking modalities up in {@code catalog}
     * ({@link Checkpoints#load(Path, ModalityCatalog)}).
     */
    default FourMModel load(Path file, ModalityCatalog catalog) throws IOException {
        return Checkpoints.load(file, catalog);
    }
}
