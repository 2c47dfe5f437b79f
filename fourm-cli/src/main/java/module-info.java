/**
 * The fourm command line: {@code fourm modalities}, {@code fourm config}, {@code fourm doctor}, and the text
 * tokenizer commands {@code tokenize}, {@code detokenize} and {@code tokenizer build|train}.
 *
 * <p>Runs on the module path (see {@code bin/fourm}); modality plugins are found through
 * {@code fourm.core}'s service discovery, so adding or removing a plugin's jar from the module path adds or removes
 * its modalities without any change here. The entry point is {@link fourm.cli.Main}.
 */
module fourm.cli {
    requires fourm.core;
    requires fourm.bench;
    requires fourm.modality.text;
    requires fourm.vq;
    requires fourm.demo;
    requires info.picocli;
    requires com.google.gson;
    requires java.desktop;
    requires ai.djl.api;
    requires ai.djl.pytorch_engine;

    // picocli reads and writes the annotated command fields reflectively.
    opens fourm.cli to info.picocli;
}
