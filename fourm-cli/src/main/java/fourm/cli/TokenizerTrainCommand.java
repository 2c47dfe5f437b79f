package fourm.cli;

import fourm.modality.text.TextTokenizer;
import fourm.modality.text.TokenLayout;
import fourm.modality.text.WordPieceTrainer;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fourm tokenizer train --text FILE -o FILE}: learns a WordPiece vocabulary in the 4M id layout. */
@Command(name = "train", description = {
    "Learn a WordPiece tokenizer in the 4M id layout from a text file.",
    "The text is UTF-8, one caption or document a line. Deterministic: the same text and settings "
        + "give the same file."
})
final class TokenizerTrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--text", paramLabel = "FILE", required = true, description = "The training text.")
    Path text;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true, description = "Where to write it.")
    Path output;

    @Option(names = "--vocab-size", paramLabel = "N", defaultValue = "" + TokenLayout.REFERENCE_VOCAB_SIZE,
            description = "Ids to aim for, the layout's 4284 included (default: ${DEFAULT-VALUE}).")
    int vocabSize;

    @Option(names = "--min-frequency", paramLabel = "N", defaultValue = "2",
            description = "Merge only pairs seen at least N times (default: ${DEFAULT-VALUE}).")
    int minFrequency;

    @Override
    public Integer call() {
        try {
            new WordPieceTrainer(vocabSize, minFrequency).train(text, output);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new UserError(e.getMessage(), e);
        }
        int ids = TextTokenizer.load(output).vocabSize();
        spec.commandLine().getOut().println("wrote " + output + " (" + ids + " ids, trained on " + text + ")");
        spec.commandLine().getOut().flush();
        return Main.OK;
    }
}
