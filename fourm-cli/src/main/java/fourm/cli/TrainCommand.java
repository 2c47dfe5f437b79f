package fourm.cli;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import fourm.core.Training;
import fourm.core.io.TrainLog;
import fourm.core.model.NonFiniteCheckpointException;
import fourm.core.train.Experiment;
import fourm.core.train.Trainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code fourm train --config experiment.conf [--resume]}: trains a 4M model as {@code fourm.train} of the experiment
 * file says (see fourm-core's {@code reference.conf}) on the modalities of {@code fourm.experiment.modalities}.
 *
 * <p>Everything is read and checked before any work starts: a bad value exits with the user-error code and one line
 * naming the key. Progress goes to stderr (a bar on a terminal, plain lines otherwise), the per-step log to
 * {@code <output-dir>/train-log.jsonl}, checkpoints to {@code <output-dir>/checkpoints/step-NNNNNNNN/}; Ctrl-C stops
 * after the current step and writes a last checkpoint, from which {@code --resume} continues bit for bit.
 */
@Command(name = "train", description = {
    "Train a 4M model as fourm.train of the experiment file (-c FILE) says, on "
        + "fourm.experiment.modalities.",
    "Logs every step to <output-dir>/train-log.jsonl and writes checkpoints to "
        + "<output-dir>/checkpoints/ (each one shown on the console); Ctrl-C writes a last checkpoint; "
        + "--resume continues from the newest one."
})
final class TrainCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Option(names = "--resume", description = "Continue from the newest checkpoint in the output folder"
            + " (the same as fourm.train.resume = true).")
    boolean resume;

    @Override
    public Integer call() {
        Training training = Startup.start(main).injector().getInstance(Training.class);
        Experiment exp;
        try {
            exp = resume ? training.experiment(ConfigFactory.empty().withValue("fourm.train.resume",
                    ConfigValueFactory.fromAnyRef(true))) : training.experiment();
        } catch (ConfigException e) {
            throw new UserError(e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Trainer.Result r;
        try {
            r = training.trainer(exp, err, Map.of("fourm.cli_version", Main.VersionProvider.version())).run();
        } catch (NonFiniteCheckpointException e) {
            throw new UserError(e.getMessage(), e);
        } catch (NoSuchFileException e) {
            throw new UserError("no such file or folder: " + e.getFile() + (e.getReason() == null ? ""
                    : " (" + e.getReason() + ")"), e);
        } catch (IOException e) {
            throw new UserError("training failed reading or writing files: " + e.getMessage(), e);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // existing checkpoints without resume, a checkpoint that does not fit, data that does not fit
            throw new UserError(e.getMessage(), e);
        }
        out.println((r.interrupted() ? "stopped" : "trained") + " steps " + r.startStep() + " to " + r.endStep()
                + " of " + exp.settings().steps());
        if (!r.lastEval().isEmpty()) {
            StringBuilder b = new StringBuilder("last eval loss:");
            r.lastEval().forEach((k, v) -> b.append(String.format(Locale.ROOT, " %s %.4f", k, v)));
            out.println(b);
        }
        r.checkpoint().ifPresent(c -> out.println("checkpoint: " + c));
        out.println("log: " + exp.settings().outputDir().resolve(TrainLog.FILE_NAME));
        out.flush();
        return Main.OK;
    }
}
