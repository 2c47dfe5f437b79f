package fourm.api.label;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The service an implementation module provides for each pseudo-labeler it ships. Declare it in the module's
 * {@code module-info.java} ({@code provides fourm.api.label.PseudoLabelerProvider with ...}) and, for the class path,
 * in {@code META-INF/services/fourm.api.label.PseudoLabelerProvider}; ship its defaults in the module's
 * {@code reference.conf} under {@link #configPath()}.
 *
 * <p>Providers are cheap to construct and read no file until {@link #open(Config)}.
 */
public interface PseudoLabelerProvider {

    /** The labeler's name, {@code <modality>:<model>}, e.g. {@code det:nanodet}. Unique among providers. */
    String name();

    /** Where the labeler's settings live, e.g. {@code fourm.labelers.nanodet}; {@link #open(Config)} gets that node. */
    String configPath();

    /**
     * Loads the model named by the settings and returns a ready labeler.
     *
     * @param node the configuration node at {@link #configPath()}
     * @throws com.typesafe.config.ConfigException if a setting is missing or invalid (named)
     * @throws IllegalStateException               if the model files are missing or malformed (file and part named)
     */
    PseudoLabeler open(Config node);

    /**
     * The providers found on the module path and the class path, sorted by name.
     *
     * @throws IllegalStateException if a provider cannot be instantiated, or two providers share a name
     */
    static List<PseudoLabelerProvider> installed() {
        List<PseudoLabelerProvider> found = new ArrayList<>();
        try {
            for (PseudoLabelerProvider p : ServiceLoader.load(PseudoLabelerProvider.class,
                    PseudoLabelerProvider.class.getClassLoader())) {
                for (PseudoLabelerProvider q : found) {
                    if (q.name().equals(p.name())) {
                        throw new IllegalStateException("two pseudo-labelers are named '" + p.name() + "': "
                                + q.getClass().getName() + " and " + p.getClass().getName());
                    }
                }
                found.add(p);
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("a pseudo-labeler could not be loaded: " + e.getMessage(), e);
        }
        found.sort(Comparator.comparing(PseudoLabelerProvider::name));
        return List.copyOf(found);
    }
}
