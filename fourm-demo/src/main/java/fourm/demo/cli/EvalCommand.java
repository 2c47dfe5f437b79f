package fourm.demo.cli;

import fourm.cli.spi.CommandContext;
import fourm.cli.spi.UserInputException;
import fourm.core.io.ConsoleProgress;
import fourm.demo.Demo;
import fourm.demo.DemoProgress;
import fourm.demo.DemoSettings;
import fourm.demo.EvalReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
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
 * {@code fourm eval [--weights DIR] [--json FILE] [--heldout-scenes N] [--train-scenes N]}: the zero-shot table of the
 * demo model on held-out synthetic scenes (depth L1 and δ1, normals mean angular error, semseg mIoU, boxes mAP@0.5,
 * caption count and colours), each beside the tokenizer bound and a trivial predictor measured in the same run. The
 * table goes to stdout, progress to stderr, the JSON to {@code --json}.
 */
@Command(name = "eval", description = {
    "The demo model's zero-shot table on held-out synthetic scenes.",
    "Each row beside the tokenizer bound and a trivial predictor measured in the same run; printed "
        + "and written as JSON."
})
final class EvalCommand implements Callable<Integer> {
    private final CommandContext context;

    @Spec
    CommandSpec spec;

    EvalCommand(CommandContext context) {
        this.context = context;
    }

    @Option(names = "--weights", paramLabel = "DIR",
            description = "A folder with the demo weights (as `fourm demo --train` writes them to <out>/weights);"
                    + " default: the shipped weights.")
    Path weights;

    @Option(names = "--json", paramLabel = "FILE", defaultValue = "eval.json",
            description = "Where the table goes as JSON (default: ${DEFAULT-VALUE}).")
    Path json;

    @Option(names = "--heldout-scenes", paramLabel = "N", description = "Held-out scenes evaluated.")
    Integer heldoutScenes;

    @Option(names = "--train-scenes", paramLabel = "N",
            description = "Training scenes the trivial predictor is learned from.")
    Integer trainScenes;

    @Override
    public Integer call() {
        if (weights != null && !Files.isDirectory(weights)) {
            throw new UserInputException("--weights: " + weights + " is not a folder");
        }
        Map<String, Object> overrides = new LinkedHashMap<>();
        DemoCommand.put(overrides, "heldout-scenes", heldoutScenes);
        DemoCommand.put(overrides, "train-scenes", trainScenes);
        DemoSettings s = DemoCommand.settings(context, overrides);
        ConsoleProgress progress = new ConsoleProgress(System.err, ConsoleProgress.Mode.LINES, 10);
        EvalReport report;
        try {
            report = Demo.evaluate(s, weights, json, DemoProgress.console(progress));
        } catch (NoSuchFileException e) {
            String reason = e.getReason() != null ? e.getReason() : "no such file";
            throw new UserInputException(e.getFile() + ": " + reason, e);
        } catch (IOException | UncheckedIOException e) {
            throw new UserInputException(e.getMessage(), e);
        }
        progress.finish();
        PrintWriter w = spec.commandLine().getOut();
        w.print(report.table());
        w.println("json: " + json);
        w.flush();
        return 0;
    }
}
