package fourm.cli;

import fourm.modality.text.SequenceTokenizer;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --tokenizer FILE} option that {@code tokenize} and {@code detokenize} share (a picocli mixin), and the
 * sequence tokenizer it selects for a modality.
 */
final class TokenizerOption {
    @Option(names = "--tokenizer", paramLabel = "FILE",
            description = "A tokenizer.json with the 4M id layout (default: the configured one, fourm's built-in).")
    Path tokenizer;

    /**
     * The tokenizer of sequence modality {@code modality}: the {@code --tokenizer} file if given, else the configured
     * one ({@link TextModalities#resolve}).
     */
    SequenceTokenizer<?> resolve(Path config, String modality) {
        return TextModalities.resolve(config, modality, tokenizer);
    }
}
