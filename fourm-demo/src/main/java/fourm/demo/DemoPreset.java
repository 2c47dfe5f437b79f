package fourm.demo;

import fourm.api.Modality;
import fourm.modality.text.TextTokenizer;
import fourm.synth.Classes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The demo's weights as a model for any-to-any generation on a user's own values ({@code fourm generate --preset
 * demo}): the small 4M and the modalities of the 64 px world ({@code tok_rgb@64}, {@code tok_depth@64},
 * {@code tok_normal@64}, {@code tok_semseg@64}, {@code caption}, {@code det}), each image modality built by its plugin
 * with the demo's tokenizer as its checkpoint, the sequences with the demo's text tokenizer.
 *
 * <p>Opened on the shipped weights (copied to a temporary folder, removed on {@link #close()}) or on a folder that
 * {@code fourm demo --train} wrote ({@code <out>/weights}). Close it to free the tokenizers.
 */
public final class DemoPreset implements AutoCloseable {
    private final Path dir;
    private final boolean temporary;
    private final DemoTokenizers tokenizers;
    private final Map<String, Modality> modalities;

    private DemoPreset(Path dir, boolean temporary, DemoTokenizers tokenizers, Map<String, Modality> modalities) {
        this.dir = dir;
        this.temporary = temporary;
        this.tokenizers = tokenizers;
        this.modalities = modalities;
    }

    /**
     * Opens the demo's weights.
     *
     * @param s          the demo's settings (the world's size, the text budgets)
     * @param weightsDir a folder of demo weights, or null for the shipped ones
     * @throws IOException naming the file when a weight file is missing or does not fit the settings
     */
    public static DemoPreset open(DemoSettings s, Path weightsDir) throws IOException {
        Demo.prepareEngine(s);
        boolean temporary = weightsDir == null;
        Path dir = temporary ? Files.createTempDirectory("fourm-demo-preset") : weightsDir;
        try {
            if (temporary) {
                Demo.copyShipped(dir);
            }
            for (String f : Demo.WEIGHT_FILES) {
                if (!Files.isRegularFile(dir.resolve(f))) {
                    throw new NoSuchFileException(dir.resolve(f).toString(), null, "a demo weight file is missing"
                            + " (expected " + Demo.WEIGHT_FILES + ", as `fourm demo --train` writes them under"
                            + " <out>/weights)");
                }
            }
            TextTokenizer text = DemoText.load(dir.resolve(DemoText.TOKENIZER_FILE));
            DemoTokenizers tokenizers = DemoTokenizers.load(s.root(), dir, s);
            Map<String, Modality> modalities = Demo.modalities(s, text, tokenizers, new LinkedHashMap<>());
            return new DemoPreset(dir, temporary, tokenizers, modalities);
        } catch (IOException | RuntimeException e) {
            if (temporary) {
                delete(dir);
            }
            throw e;
        }
    }

    /** The 4M checkpoint. */
    public Path modelFile() {
        return dir.resolve("model.safetensors");
    }

    /** The modalities the model was trained on, with their tokenizers, by key. */
    public Map<String, Modality> modalities() {
        return new LinkedHashMap<>(modalities);
    }

    /** The names of the world's semantic classes, by class id. */
    public static List<String> classNames() {
        List<String> out = new ArrayList<>();
        for (Classes.SemanticClass c : Classes.all()) {
            out.add(c.name());
        }
        return out;
    }

    @Override
    public void close() {
        tokenizers.close();
        if (temporary) {
            delete(dir);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // A temporary folder left behind is harmless.
        }
    }
}
