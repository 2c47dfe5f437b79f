package fourm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code fourm bench <what>}: measurements on this machine. Speed is measured here (or in JMH), never in unit tests.
 */
@Command(name = "bench", description = "Measure speed on this machine.",
        subcommands = {CheckpointBenchCommand.class, DivaeBenchCommand.class, GenerateBenchCommand.class,
            InferBenchCommand.class, TokenizerBenchCommand.class, TrainBenchCommand.class})
final class BenchCommand implements Runnable {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    /** Without a subcommand: a usage error listing them. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing benchmark: "
                + String.join(", ", spec.subcommands().keySet()));
    }
}
