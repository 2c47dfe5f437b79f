package fourm.core.spi;

import com.google.inject.Module;
import com.typesafe.config.Config;

/**
 * A plugin's own Guice bindings. A plugin that needs objects of its own injected (a client for a remote service, a
 * cache, a second implementation of a framework interface) provides one with {@code provides
 * fourm.core.spi.FourmModuleProvider with ...} in its {@code module-info} (and a {@code META-INF/services} entry for
 * the class path); {@link fourm.core.Fourm} discovers every provider at start-up and adds its module to the injector
 * next to the framework's bindings (the configuration, the enabled modalities, the {@link fourm.core.model.ModelEngine},
 * training and generation). A plugin adds bindings; it does not replace the framework's (an application or a test
 * does that with {@code Modules.override}).
 *
 * <p>Modality plugins themselves need no module: {@link fourm.api.spi.ModalityProvider} stays free of Guice. Keep
 * {@link #module(Config)} and the module's {@code configure()} fast and free of I/O (bind to providers that do the
 * work when first asked). Classes with {@code @Inject} constructors must be in packages the plugin opens to
 * {@code com.google.guice}.
 */
public interface FourmModuleProvider {

    /** A short name for error messages (the plugin's module name, for example). */
    String name();

    /**
     * The bindings to add.
     *
     * @param config the resolved configuration (read the plugin's own node; do not keep more than needed)
     */
    Module module(Config config);
}
