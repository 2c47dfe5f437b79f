package fourm.core;

import com.typesafe.config.Config;
import fourm.api.Modality;
import fourm.core.generate.GenerationPlan;
import fourm.core.model.FourMConfig;
import fourm.core.model.FourMModel;
import fourm.core.model.ModalityCatalog;
import fourm.core.model.ModelEngine;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Generation as the injector wires it: models are loaded on the bound {@link ModelEngine}, plans are read against
 * the bound configuration ({@code injector.getInstance(Generation.class)}).
 */
public final class Generation {
    private final Config config;
    private final Map<String, Modality> modalities;
    private final ModelEngine engine;

    /**
     * @param config     the resolved configuration (plan presets are read from it)
     * @param modalities the enabled modalities
     * @param engine     where models live
     */
    @Inject
    public Generation(Config config, Map<String, Modality> modalities, ModelEngine engine) {
        this.config = Objects.requireNonNull(config, "config");
        this.modalities = new LinkedHashMap<>(modalities);
        this.engine = Objects.requireNonNull(engine, "engine");
    }

    /** Loads a checkpoint on the bound engine, with the configuration of its metadata. */
    public FourMModel load(Path checkpoint) throws IOException {
        return engine.load(checkpoint);
    }

    /**
     * Loads a checkpoint on the bound engine, with the configuration of its metadata, looking its modalities up in
     * {@code catalog}.
     */
    public FourMModel load(Path checkpoint, ModalityCatalog catalog) throws IOException {
        return engine.load(checkpoint, catalog);
    }

    /**
     * Reads a generation plan for {@code model}: its targets must be modalities of the model.
     *
     * @throws com.typesafe.config.ConfigException naming the plan's key of the first bad value
     */
    public GenerationPlan plan(Path file, FourMConfig model) {
        ModalityCatalog known = key -> Optional.ofNullable(model.modalities().get(key));
        return GenerationPlan.fromFile(file, config, known);
    }

    /** The bound engine. */
    public ModelEngine engine() {
        return engine;
    }

    /** The bound (enabled) modalities. */
    public Map<String, Modality> modalities() {
        return java.util.Collections.unmodifiableMap(modalities);
    }
}
