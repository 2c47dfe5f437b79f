package fourm.demo.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueFactory;
import fourm.cli.spi.CommandContext;
import fourm.cli.spi.UserInputException;
import fourm.core.io.ConsoleProgress;
import fourm.demo.Demo;
import fourm.demo.DemoProgress;
import fourm.demo.DemoSettings;
import fourm.demo.DivaeComparison;
import fourm.demo.WorldMap;
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
    private final CommandContext context;

    @Spec
    CommandSpec spec;

    DemoCommand(CommandContext context) {
        this.context = context;
    }

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

    @Option(names = "--compare-divae", paramLabel = "MAP",
            description = "Only compare the demo's ViT decoder with a diffusion decoder (DiVAE) on MAP (rgb or depth):"
                    + " both trained on the same train-scenes for tokenizer-steps, held-out PSNR or L1 printed.")
    String compareDivae;

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
        DemoSettings s = settings(context, overrides);
        if (compareDivae != null) {
            return compare(s);
        }
        ConsoleProgress progress = new ConsoleProgress(System.err, ConsoleProgress.Mode.LINES, 10);
        Demo.Result r;
        try {
            r = Demo.run(s, out, DemoProgress.console(progress), System.err);
        } catch (NoSuchFileException e) {
            String reason = e.getReason() != null ? e.getReason() : "no such file";
            throw new UserInputException(e.getFile() + ": " + reason, e);
        } catch (IOException | UncheckedIOException e) {
            throw new UserInputException(e.getMessage(), e);
        }
        progress.finish();
        PrintWriter w = spec.commandLine().getOut();
        w.print(r.report().table());
        w.println("grids:   " + (r.grids().isEmpty() ? "none" : r.grids().get(0).getParent() + " (" + r.grids().size()
                + " PNG files)"));
        w.println("metrics: " + r.metrics());
        w.flush();
        return 0;
    }

    private Integer compare(DemoSettings s) {
        WorldMap map = switch (compareDivae) {
            case "rgb" -> WorldMap.RGB;
            case "depth" -> WorldMap.DEPTH;
            default -> throw new UserInputException("--compare-divae: expected rgb or depth, got '" + compareDivae + "'");
        };
        Config root = context.config();
        PrintWriter w = spec.commandLine().getOut();
        try {
            DivaeComparison.Result r = DivaeComparison.run(root, s, map, s.trainScenes(), 25, System.err);
            String metric = map == WorldMap.RGB ? "psnr" : "l1";
            w.printf(java.util.Locale.ROOT, "%s held-out %s: ViT decoder %.4f, DiVAE (25 DDPM steps) %.4f, DiVAE"
                    + " decoder on the ViT encoder (frozen, same tokens) %.4f; training %.0f s, %.0f s, %.0f s%n",
                    map.name(), metric, r.vit().get(metric), r.divae().get(metric), r.frozen().get(metric),
                    r.seconds()[0], r.seconds()[1], r.seconds()[2]);
        } catch (IOException | UncheckedIOException e) {
            throw new UserInputException(e.getMessage(), e);
        }
        w.flush();
        return 0;
    }

    static void put(Map<String, Object> overrides, String key, Integer value) {
        if (value != null) {
            if (value < 0) {
                throw new UserInputException("--" + key.replace('.', '-') + " must be >= 0, got " + value);
            }
            overrides.put(key, value);
        }
    }

    /** The demo settings: {@code -c FILE} (or the default stack) with the options' overrides. */
    static DemoSettings settings(CommandContext context, Map<String, Object> overrides) {
        Config root = context.config();
        for (Map.Entry<String, Object> e : overrides.entrySet()) {
            root = root.withValue(DemoSettings.PATH + "." + e.getKey(), ConfigValueFactory.fromAnyRef(e.getValue()));
        }
        try {
            return DemoSettings.from(root);
        } catch (ConfigException e) {
            throw new UserInputException(e.getMessage(), e);
        }
    }
}
