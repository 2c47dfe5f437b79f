package fourm.cli;

import fourm.modality.text.TokenizerBuilder;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fourm tokenizer build -o FILE}: writes fourm's default tokenizer (the one {@code builtin} selects). */
@Command(name = "build", description = {
    "Write fourm's default text tokenizer (30000 ids).",
    "The 4M id layout (specials, 200 sentinels, v0=..v3= coordinates, 80 COCO class names) followed "
        + "by BERT's uncased WordPiece vocabulary. Byte-identical on every run."
})
final class TokenizerBuildCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true, description = "Where to write it.")
    Path output;

    @Override
    public Integer call() {
        try {
            TokenizerBuilder.writeDefault(output);
        } catch (UncheckedIOException e) {
            throw new UserError(e.getMessage(), e);
        }
        spec.commandLine().getOut().println("wrote " + output + " (fourm's default tokenizer, 30000 ids)");
        spec.commandLine().getOut().flush();
        return Main.OK;
    }
}
