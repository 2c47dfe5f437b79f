package fourm.core;

import com.typesafe.config.Config;
import fourm.api.Modality;
import fourm.core.model.ModelEngine;
import fourm.core.train.Experiment;
import fourm.core.train.Trainer;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Training as the injector wires it: the configuration, the enabled modalities and the {@link ModelEngine} come from
 * the bindings ({@code injector.getInstance(Training.class)}), so swapping any of them changes what is trained and
 * where, with no change to the caller.
 */
public final class Training {
    private final Config config;
    private final Map<String, Modality> modalities;
    private final ModelEngine engine;

    /**
     * @param config     the resolved configuration ({@code fourm.train} is read from it)
     * @param modalities the enabled modalities, in experiment order
     * @param engine     where the model lives
     */
    @Inject
    public Training(Config config, Map<String, Modality> modalities, ModelEngine engine) {
        this.config = Objects.requireNonNull(config, "config");
        this.modalities = new LinkedHashMap<>(modalities);
        this.engine = Objects.requireNonNull(engine, "engine");
    }

    /**
     * The experiment of the bound configuration on the bound modalities ({@link Experiment#prepare(Config, Map)}).
     *
     * @throws com.typesafe.config.ConfigException naming the key of the first bad value
     */
    public Experiment experiment() {
        return Experiment.prepare(config, modalities);
    }

    /** As {@link #experiment()}, with {@code overrides} over the bound configuration (a command-line flag). */
    public Experiment experiment(Config overrides) {
        return Experiment.prepare(overrides.withFallback(config), modalities);
    }

    /**
     * A trainer for {@code experiment} whose models live on the bound engine.
     *
     * @param console         where progress goes
     * @param extraProvenance more checkpoint metadata
     */
    public Trainer trainer(Experiment experiment, PrintWriter console, Map<String, String> extraProvenance) {
        return new Trainer(experiment, console, extraProvenance).withEngine(engine);
    }

    /** The bound engine. */
    public ModelEngine engine() {
        return engine;
    }

    /** The bound modalities, in experiment order. */
    public Map<String, Modality> modalities() {
        return java.util.Collections.unmodifiableMap(modalities);
    }
}
