package fourm.api.spi;

import com.typesafe.config.Config;
import fourm.api.Modality;

/**
 * The service a modality plugin provides. One provider serves one modality key.
 *
 * <p>Declare it in the plugin's {@code module-info.java}
 * ({@code provides fourm.api.spi.ModalityProvider with my.plugin.MyProvider;}) and, so that the plugin also works on
 * the class path, in {@code META-INF/services/fourm.api.spi.ModalityProvider}. Ship the modality's defaults in the
 * plugin's {@code reference.conf} under {@link #configPath()}.
 *
 * <p>Implementations are cheap to construct and do no I/O until {@link #create(Config)}.
 */
public interface ModalityProvider {

    /** The SPI version this API defines; a provider built against another version is refused at discovery. */
    int SPI_VERSION = 1;

    /** The modality key this provider creates, for example {@code tok_rgb@224}. Unique among all providers. */
    String key();

    /**
     * Where this provider's settings live in the configuration, for example {@code fourm.modality.rgb.tokens}. The
     * node there is what {@link #create(Config)} receives.
     */
    String configPath();

    /** The SPI version the provider was built against; the default is the version it was compiled with. */
    default int apiVersion() {
        return SPI_VERSION;
    }

    /**
     * Creates the modality from its configuration node. Reads every value eagerly, so that a bad value fails at
     * start-up with a {@link com.typesafe.config.ConfigException} naming the key and the file.
     */
    Modality create(Config node);
}
