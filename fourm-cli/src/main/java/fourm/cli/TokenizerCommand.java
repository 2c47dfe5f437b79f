package fourm.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code fourm tokenizer build|train}: write fourm's own text tokenizer, or learn one from the user's text. */
@Command(name = "tokenizer", description = "Build fourm's default text tokenizer, or train one on your own text.",
        subcommands = {TokenizerBuildCommand.class, TokenizerTrainCommand.class})
final class TokenizerCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    /** Without a subcommand: a usage error naming the subcommands. */
    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: "
                + String.join(", ", spec.subcommands().keySet()));
    }
}
