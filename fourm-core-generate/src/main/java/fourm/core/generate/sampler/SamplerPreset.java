package fourm.core.generate.sampler;

import com.typesafe.config.Config;
import fourm.api.Modality;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * A ready-made model for {@link AnyToAny}: a 4M checkpoint with the modalities (and tokenizers) it was trained on,
 * found by name ({@code fourm generate --preset NAME}). Modules provide presets as services
 * ({@code provides fourm.core.generate.sampler.SamplerPreset with ...}); fourm-demo provides {@code demo}. The command
 * line does not depend on the modules that provide them.
 */
public interface SamplerPreset {

    /** The name {@code --preset} takes ({@code demo}). */
    String name();

    /** One line saying what the preset is, for listings. */
    String description();

    /**
     * Opens the preset's model.
     *
     * @param config     the resolved configuration (the preset reads its settings from it)
     * @param weightsDir a folder of the preset's weights, or null for the ones it ships
     * @throws IOException naming the file when a weight file is missing or does not fit
     */
    Opened open(Config config, Path weightsDir) throws IOException;

    /** An opened preset; close it to free its tokenizers and temporary files. */
    interface Opened extends AutoCloseable {
        /** The 4M checkpoint. */
        Path modelFile();

        /** The modalities the model was trained on, with their tokenizers, by key. */
        Map<String, Modality> modalities();

        /** Class names by class id, for views of semantic maps (empty when the preset has none). */
        default List<String> classNames() {
            return List.of();
        }

        @Override
        void close();
    }

    /** The presets on the module path (or class path), by name. */
    static Map<String, SamplerPreset> available() {
        Map<String, SamplerPreset> out = new TreeMap<>();
        for (SamplerPreset p : ServiceLoader.load(SamplerPreset.class, SamplerPreset.class.getClassLoader())) {
            out.putIfAbsent(p.name(), p);
        }
        return out;
    }

    /** The preset called {@code name}, if one is on the module path. */
    static Optional<SamplerPreset> find(String name) {
        return Optional.ofNullable(available().get(name));
    }
}
