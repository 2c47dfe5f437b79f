/**
 * The fourm command line: {@code fourm modalities}, {@code fourm config}, {@code fourm doctor}, and the text
 * tokenizer commands {@code tokenize}, {@code detokenize} and {@code tokenizer build|train}.
 *
 * <p>Runs on the module path (see {@code bin/fourm}); modality plugins are found through
 * {@code fourm.core}'s service discovery, so adding or removing a plugin's jar from the module path adds or removes
 * its modalities without any change here. Other modules add commands through {@code fourm.cli.spi.CommandProvider}
 * (the demo's {@code demo} and {@code eval}); the command line does not require them. The entry point is
 * {@link fourm.cli.Main}.
 */
module fourm.cli {
    requires fourm.core;
    requires fourm.bench;
    requires fourm.modality.text;
    requires fourm.vq;
    requires fourm.vq.modality;
    requires fourm.vq.train;
    requires fourm.vq.diffusion;
    requires fourm.cli.spi;
    requires info.picocli;
    requires com.google.gson;
    requires java.desktop;
    requires ai.djl.api;
    requires ai.djl.pytorch_engine;

    // picocli reads and writes the annotated command fields reflectively.
    opens fourm.cli to info.picocli;

    // Commands other modules bring (the demo's demo and eval), found on the module path.
    uses fourm.cli.spi.CommandProvider;
}
