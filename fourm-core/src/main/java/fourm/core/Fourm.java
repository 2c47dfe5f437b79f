package fourm.core;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.util.Modules;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import fourm.api.Modality;
import fourm.core.model.DjlModelEngine;
import fourm.core.model.ModelEngine;
import fourm.core.spi.FourmModuleProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Start-up: load the configuration, discover modality plugins, create the enabled modalities, wire them.
 *
 * <p>Configuration follows Typesafe Config's rules: every module's {@code reference.conf} (each under its own
 * prefix), then {@code application.conf}, then {@code -Dconfig.file=...}, then system properties. Everything is read
 * and validated here, so a bad setting fails before any work starts.
 *
 * <p>The {@linkplain #injector() injector} binds the resolved {@link Config}, the {@link ModalityRegistry}, the enabled
 * modalities ({@code Map<String, Modality>}, in configuration order), the {@link ModelEngine} ({@link DjlModelEngine}
 * by default), {@link Training} and {@link Generation}, plus the bindings every discovered
 * {@link FourmModuleProvider} contributes. An application or a test replaces any of them by passing overriding
 * modules to {@link #start(Config, ModalityRegistry, List)} ({@code Modules.override(framework).with(yours)}).
 */
public final class Fourm {
    /** Config path of the list of enabled modality keys. */
    public static final String ENABLED_PATH = "fourm.experiment.modalities";

    private final Config config;
    private final ModalityRegistry registry;
    private final Map<String, Modality> modalities;
    private final Injector injector;

    private Fourm(Config config, ModalityRegistry registry, List<Module> pluginModules, List<Module> overrides) {
        this.config = config;
        this.registry = registry;
        this.modalities = registry.createEnabled(config);
        List<Module> framework = new ArrayList<>();
        framework.add(new FourmModule(config, registry, modalities));
        framework.addAll(pluginModules);
        this.injector = Guice.createInjector(Modules.override(framework).with(overrides));
    }

    /** Loads the default configuration stack and discovers plugins on the module path and class path. */
    public static Fourm start() {
        return start(loadConfig());
    }

    /** Starts on a given (resolved) configuration, discovering plugins. */
    public static Fourm start(Config config) {
        return start(config, ModalityRegistry.discover());
    }

    /** Starts on a given configuration and registry. */
    public static Fourm start(Config config, ModalityRegistry registry) {
        return start(config, registry, List.of());
    }

    /**
     * Starts on a given configuration and registry with bindings of the caller's own that replace the framework's
     * and the plugins' ({@code Modules.override(framework).with(overrides)}): another {@link ModelEngine}, other
     * modalities, another configuration.
     *
     * @throws com.google.inject.CreationException if the bindings do not fit together
     */
    public static Fourm start(Config config, ModalityRegistry registry, List<? extends Module> overrides) {
        validate(config);
        return new Fourm(config, registry, pluginModules(config), List.copyOf(overrides));
    }

    /**
     * The modules of every {@link FourmModuleProvider} on the module path and class path, in discovery order.
     *
     * @throws IllegalStateException naming the provider when one gives no module
     */
    static List<Module> pluginModules(Config config) {
        List<Module> out = new ArrayList<>();
        for (FourmModuleProvider p : ServiceLoader.load(FourmModuleProvider.class)) {
            Module m = p.module(config);
            if (m == null) {
                throw new IllegalStateException("module provider " + p.name() + " (" + p.getClass().getName()
                        + ") returned no module");
            }
            out.add(m);
        }
        return out;
    }

    /**
     * The default configuration stack: system properties over {@code -Dconfig.file} or {@code application.conf} over
     * every {@code reference.conf}, resolved.
     */
    public static Config loadConfig() {
        ConfigFactory.invalidateCaches();
        Config config = StrictConfig.typedSystemProperties().withFallback(ConfigFactory.load()).resolve();
        StrictConfig.check(config);
        return config;
    }

    /** Loads an experiment file over the reference defaults. */
    public static Config loadConfig(java.nio.file.Path file) {
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw new ConfigException.IO(ConfigFactory.empty(file.toString()).origin(),
                    "config file " + file + " does not exist or is not a file");
        }
        ConfigFactory.invalidateCaches();
        Config parsed = ConfigFactory.parseFile(file.toFile(),
                com.typesafe.config.ConfigParseOptions.defaults().setAllowMissing(false));
        Config config = StrictConfig.typedSystemProperties().withFallback(ConfigFactory.systemProperties())
                .withFallback(parsed).withFallback(ConfigFactory.defaultReferenceUnresolved()).resolve();
        StrictConfig.check(config);
        return config;
    }

    /**
     * Checks the {@code fourm} tree against the reference defaults: no key that no module defines
     * ({@link StrictConfig}), and the types and required keys of {@code fourm.experiment}.
     */
    static void validate(Config config) {
        StrictConfig.check(config);
        config.checkValid(ConfigFactory.defaultReference(), "fourm.experiment");
    }

    /** The resolved configuration. */
    public Config config() {
        return config;
    }

    /** Every discovered plugin. */
    public ModalityRegistry registry() {
        return registry;
    }

    /** The enabled modalities, in configuration order. */
    public Map<String, Modality> modalities() {
        return modalities;
    }

    /**
     * The injector: the configuration, the registry, the enabled modalities, the engine, {@link Training},
     * {@link Generation} and the plugins' bindings (see the class comment).
     */
    public Injector injector() {
        return injector;
    }

    /** Wires what start-up produced; does no I/O (Guice modules must be fast and side-effect free). */
    private static final class FourmModule extends AbstractModule {
        private final Config config;
        private final ModalityRegistry registry;
        private final Map<String, Modality> modalities;

        FourmModule(Config config, ModalityRegistry registry, Map<String, Modality> modalities) {
            this.config = config;
            this.registry = registry;
            this.modalities = new java.util.LinkedHashMap<>(modalities);
        }

        @Override
        protected void configure() {
            bind(Config.class).toInstance(config);
            bind(ModalityRegistry.class).toInstance(registry);
            MapBinder<String, Modality> map = MapBinder.newMapBinder(binder(), String.class, Modality.class);
            modalities.forEach((key, m) -> map.addBinding(key).toInstance(m));
            bind(ModelEngine.class).to(DjlModelEngine.class);
            bind(Training.class);
            bind(Generation.class);
        }
    }
}
