package fourm.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import fourm.core.Fourm;
import java.nio.file.Path;
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

    /** Loads and validates the configuration and discovers the plugins. */
    static Fourm start(Path file) {
        Config config = loadConfig(file);
        try {
            return Fourm.start(config);
        } catch (ConfigException e) {
            throw new UserError(e.getMessage(), e);
        } catch (IllegalStateException | IllegalArgumentException | ServiceConfigurationError e) {
            // Discovery refuses conflicting or incompatible plugins; a plugin refuses its settings.
            throw new UserError("start-up failed: " + e.getMessage(), e);
        }
    }
}
