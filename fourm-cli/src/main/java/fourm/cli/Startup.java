package fourm.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import fourm.core.Fourm;
import fourm.core.ModalityRegistry;
import fourm.core.model.ModalityCatalog;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceConfigurationError;

/**
 * Framework start-up as the commands need it: load the configuration ({@code -c FILE} over every module's
 * {@code reference.conf}, or the default stack), discover the modality plugins and validate everything with
 * {@link Fourm#start(Config)}, so that a bad setting fails here, before any work.
 *
 * <p>Every failure that the user can fix becomes a {@link UserError}.
 */
final class Startup {
    private Startup() {
    }

    /** Loads the configuration the global options select. */
    static Config loadConfig(Path file) {
        try {
            return file == null ? Fourm.loadConfig() : Fourm.loadConfig(file);
        } catch (ConfigException e) {
            throw new UserError(e.getMessage(), e);
        }
    }

    /**
     * The modalities a checkpoint's config may name: the enabled plugins' modalities (an experiment may resize them),
     * then every discovered plugin's, created from {@code fourm}'s configuration.
     */
    static ModalityCatalog catalog(Fourm fourm) {
        return ModalityCatalog.ofModalities(fourm.modalities())
                .orElse(userErrors(fourm.registry().catalog(fourm.config())));
    }

    /** Every discovered plugin's modality, created from {@code root} when a checkpoint names it. */
    static ModalityCatalog catalog(Config root) {
        ModalityRegistry registry;
        try {
            registry = ModalityRegistry.discover();
        } catch (IllegalStateException | ServiceConfigurationError e) {
            throw new UserError("start-up failed: " + e.getMessage(), e);
        }
        return userErrors(registry.catalog(root));
    }

    /** {@code catalog} with a plugin's bad settings reported as a {@link UserError}. */
    private static ModalityCatalog userErrors(ModalityCatalog catalog) {
        return key -> {
            try {
                return catalog.find(key);
            } catch (ConfigException e) {
                throw new UserError(e.getMessage(), e);
            }
        };
    }

    /** Loads and validates the configuration and discovers the plugins. */
    static Fourm start(Path file) {
        return start(file, List.of());
    }

    /**
     * Starts the framework for a command: the configuration of {@code -c}, the discovered plugins and the
     * command line's binding overrides; the command then gets what it needs from {@link Fourm#injector()}.
     */
    static Fourm start(Main main) {
        return start(main.config, main.overrides);
    }

    private static Fourm start(Path file, List<com.google.inject.Module> overrides) {
        Config config = loadConfig(file);
        try {
            return Fourm.start(config, ModalityRegistry.discover(), overrides);
        } catch (ConfigException e) {
            throw new UserError(e.getMessage(), e);
        } catch (com.google.inject.CreationException e) {
            // A plugin's bindings (FourmModuleProvider) do not fit with the framework's or another plugin's.
            throw new UserError("start-up failed: the plugins' bindings conflict: " + e.getMessage(), e);
        } catch (IllegalStateException | IllegalArgumentException | ServiceConfigurationError e) {
            // Discovery refuses conflicting or incompatible plugins; a plugin refuses its settings.
            throw new UserError("start-up failed: " + e.getMessage(), e);
        }
    }
}
