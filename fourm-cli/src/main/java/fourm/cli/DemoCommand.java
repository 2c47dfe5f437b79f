package fourm.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueFactory;
import fourm.core.io.ConsoleProgress;
import fourm.demo.Demo;
import fourm.demo.DemoProgress;
import fourm.demo.DemoSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code fourm demo [--train] [--out DIR] [--train-scenes N] [--heldout-scenes N] [--examples N]
 * [--tokenizer-steps N] [--model-steps N]}: the end-to-end demo on the synthetic world ({@link Demo}). Progress goes to
 * stderr; the evaluation table, the grids and the metrics file are printed on stdout. Settings come from
 * {@code fourm.demo} ({@code -c FILE} over the defaults); the options override them.
 */
@Command(name = "demo", description = {
    "Any-to-any generation on the synthetic world, with the zero-shot table.",
    "Makes the world, trains (--train) or loads the shipped tokenizers and 4M, generates RGB -> "
        + "depth, normals, semseg, caption, boxes and caption (+ depth) -> RGB on held-out scenes, and "
        + "writes a PNG grid per example and a metrics JSON with the zero-shot table."
})
final class DemoCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "demo-out",
            description = "Output folder: grids/, metrics.json, weights/ (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--train", description = "Train the tokenizers and the model now instead of using the shipped"
            + " weights (fourm.demo.weights = train).")
    boolean train;

    @Option(names = "--train-scenes", paramLabel = "N", description = "Scenes of the training world.")
    Integer trainScenes;

    @Option(names = "--heldout-scenes", paramLabel = "N", description = "Held-out scenes evaluated.")
    Integer heldoutScenes;

    @Option(names = "--examples", paramLabel = "N", description = "Held-out scenes that get a PNG grid.")
    Integer examples;

    @Option(names = "--tokenizer-steps", paramLabel = "N", description = "Training steps of each image tokenizer.")
    Integer tokenizerSteps;

    @Option(names = "--model-steps", paramLabel = "N", description = "Training steps of the 4M model.")
    Integer modelSteps;

    @Override
    public Integer call() {
        Map<String, Object> overrides = new LinkedHashMap<>();
        if (train) {
            overrides.put("weights", "train");
        }
        put(overrides, "train-scenes", trainScenes);
        put(overrides, "heldout-scenes", heldoutScenes);
        put(overrides, "examples", examples);
        put(overrides, "tokenizers.steps", tokenizerSteps);
        put(overrides, "model.steps", modelSteps);
        DemoSettings s = settings(main.config, overrides);
        ConsoleProgress progress = new ConsoleProgress(System.err, ConsoleProgress.Mode.LINES, 10);
        Demo.Result r;
        try {
            r = Demo.run(s, out, DemoProgress.console(progress), System.err);
        } catch (NoSuchFileException e) {
            throw new UserError(e.getFile() + (e.getReason() != null ? ": " + e.getReason() : ": no such file"), e);
        } catch (IOException | UncheckedIOException e) {
            throw new UserError(e.getMessage(), e);
        }
        progress.finish();
        PrintWriter w = spec.commandLine().getOut();
        w.print(r.report().table());
        w.println("grids:   " + (r.grids().isEmpty() ? "none" : r.grids().get(0).getParent() + " (" + r.grids().size()
                + " PNG files)"));
        w.println("metrics: " + r.metrics());
        w.flush();
        return Main.OK;
    }

    static void put(Map<String, Object> overrides, String key, Integer value) {
        if (value != null) {
            if (value < 0) {
                throw new UserError("--" + key.replace('.', '-') + " must be >= 0, got " + value);
            }
            overrides.put(key, value);
        }
    }

    /** The demo settings: {@code -c FILE} (or the default stack) with the options' overrides. */
    static DemoSettings settings(Path configFile, Map<String, Object> overrides) {
        Config root = Startup.loadConfig(configFile);
        for (Map.Entry<String, Object> e : overrides.entrySet()) {
            root = root.withValue(DemoSettings.PATH + "." + e.getKey(), ConfigValueFactory.fromAnyRef(e.getValue()));
        }
        try {
            return DemoSettings.from(root);
        } catch (ConfigException e) {
            throw new UserError(e.getMessage(), e);
        }
    }
}
