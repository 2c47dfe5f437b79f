package fourm.core.generate.sampler;

import fourm.core.io.SafetensorsReader;
import fourm.core.io.CheckpointException;
import fourm.core.model.Checkpoints;
import fourm.core.model.FourMConfig;
import fourm.core.model.FourMModel;
import fourm.core.model.ModalityCatalog;
import fourm.core.model.ReferenceConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Where a 4M checkpoint's weights and configuration are, in the layouts a user has: a {@code .safetensors} file with
 * the configuration in its metadata (fourm's own checkpoints, the released ones with one YAML value per key), or a
 * folder holding {@code model.safetensors} (or a single {@code .safetensors} file) with the configuration in the
 * metadata or beside it as {@code config.json} (the released layout).
 */
public final class ModelFiles {
    /** The weight file's name in a model folder. */
    public static final String WEIGHTS = "model.safetensors";
    /** The configuration file's name beside the weights. */
    public static final String CONFIG = "config.json";

    private ModelFiles() {
    }

    /**
     * The weight file of a model path: the file itself, or in a folder {@value #WEIGHTS} or the folder's only
     * {@code .safetensors} file.
     *
     * @throws NoSuchFileException naming the path and what was expected
     */
    public static Path weights(Path model) throws IOException {
        if (Files.isRegularFile(model)) {
            return model;
        }
        if (!Files.isDirectory(model)) {
            throw new NoSuchFileException(model.toString(), null, "no 4M model here; expected a .safetensors file or a"
                    + " folder holding " + WEIGHTS + " (and " + CONFIG + ")");
        }
        Path w = model.resolve(WEIGHTS);
        if (Files.isRegularFile(w)) {
            return w;
        }
        List<Path> all;
        try (Stream<Path> s = Files.list(model)) {
            all = s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted()
                    .collect(Collectors.toList());
        }
        if (all.size() == 1) {
            return all.get(0);
        }
        throw new NoSuchFileException(model.toString(), null, all.isEmpty()
                ? "the folder holds no " + WEIGHTS + " (nor any .safetensors file)"
                : "the folder holds no " + WEIGHTS + " but several .safetensors files " + all
                + "; name the one to load");
    }

    /**
     * Loads a 4M model from a path (see the class comment). A {@value #CONFIG} beside the weights is used when the
     * weights' metadata holds no configuration.
     *
     * @param catalog where modalities the configuration names but does not describe are looked up
     * @throws CheckpointException naming the file and every problem when the weights and configuration disagree
     */
    public static FourMModel load(Path model, ModalityCatalog catalog) throws IOException {
        Path weights = weights(model);
        Path beside = weights.toAbsolutePath().resolveSibling(CONFIG);
        boolean inMetadata;
        try (SafetensorsReader r = SafetensorsReader.open(weights)) {
            Map<String, String> md = r.metadata();
            inMetadata = md.containsKey(ReferenceConfig.CONFIG_KEY) || md.containsKey("domains_in")
                    || md.containsKey("dim");
        }
        if (inMetadata || !Files.isRegularFile(beside)) {
            return Checkpoints.load(weights, catalog);
        }
        Map<String, Object> values = ReferenceConfig.parseJson(Files.readString(beside, StandardCharsets.UTF_8),
                beside.toString());
        FourMConfig config = Checkpoints.readConfig(weights, values, catalog, beside.toString());
        return Checkpoints.load(weights, config);
    }
}
