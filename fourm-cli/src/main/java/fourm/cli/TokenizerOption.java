package fourm.cli;

import fourm.modality.text.SequenceTokenizer;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --modality KEY} and {@code --tokenizer FILE} options that {@code tokenize} and {@code detokenize} share
 * (a picocli mixin), and the sequence tokenizer they select.
 */
final class TokenizerOption {
    @Option(names = "--modality", paramLabel = "KEY",
            description = "The modality: a text sequence modality (default: the first one found, by key; caption"
                    + " with the built-in plugins) or an image-like one (RGB, depth, semseg, ... tokens).")
    String modality;

    @Option(names = "--tokenizer", paramLabel = "FILE",
            description = "A tokenizer.json with the 4M id layout (default: the configured one, fourm's built-in);"
                    + " for an image-like modality a tokenizer checkpoint (.safetensors) or directory in the"
                    + " reference's layout (config.json + model.safetensors).")
    Path tokenizer;

    private String resolvedKey;

    /**
     * The tokenizer of the chosen sequence modality: the {@code --tokenizer} file if given, else the configured one
     * ({@link TextModalities#resolve}).
     */
    SequenceTokenizer<?> resolve(Path config) {
        resolvedKey = modality != null ? modality : TextModalities.firstTextModality(config);
        return TextModalities.resolve(config, resolvedKey, tokenizer);
    }

    /** The modality key {@link #resolve} used. */
    String key() {
        return resolvedKey;
    }
}
