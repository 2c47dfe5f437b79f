package fourm.teacher;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The service a module provides for each {@link TextTeacher} it ships, like
 * {@link fourm.api.label.PseudoLabelerProvider} for image labelers: declare it with
 * {@code provides fourm.teacher.TextTeacherProvider with ...} and in
 * {@code META-INF/services/fourm.teacher.TextTeacherProvider}; ship its defaults under {@link #configPath()}.
 */
public interface TextTeacherProvider {

    /** The teacher's name, {@code <modality>:<model>}, e.g. {@code t5-caption:synthetic}. Unique among providers. */
    String name();

    /** Where the teacher's settings live, e.g. {@code fourm.teachers.t5-caption-synthetic}. */
    String configPath();

    /**
     * Builds a ready teacher.
     *
     * @param node the configuration node at {@link #configPath()}
     * @throws com.typesafe.config.ConfigException if a setting is missing or invalid (named)
     * @throws IllegalStateException               if model files are missing or malformed (file and part named)
     */
    TextTeacher open(Config node);

    /**
     * The providers found on the module path and the class path, sorted by name.
     *
     * @throws IllegalStateException if a provider cannot be instantiated, or two providers share a name
     */
    static List<TextTeacherProvider> installed() {
        List<TextTeacherProvider> found = new ArrayList<>();
        try {
            for (TextTeacherProvider p : ServiceLoader.load(TextTeacherProvider.class,
                    TextTeacherProvider.class.getClassLoader())) {
                for (TextTeacherProvider q : found) {
                    if (q.name().equals(p.name())) {
                        throw new IllegalStateException("two text teachers are named '" + p.name() + "': "
                                + q.getClass().getName() + " and " + p.getClass().getName());
                    }
                }
                found.add(p);
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("a text teacher could not be loaded: " + e.getMessage(), e);
        }
        found.sort(Comparator.comparing(TextTeacherProvider::name));
        return List.copyOf(found);
    }
}
