package fourm.cli;

import com.google.gson.GsonBuilder;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code fourm modalities [--json]}: every modality found on the module path, with its specification.
 *
 * <p>The configuration is validated first (the experiment's modality list included), so a bad setting fails here.
 */
@Command(name = "modalities", description = {
    "List every discovered modality with its specification.",
    "The table shows key, kind, tokenizer type, vocabulary, token count, positions, encoder/decoder, generation "
        + "defaults and module; --json prints an array of objects (key, kind, vocabSize, maxTokens, "
        + "maxLength, imageSize, patchSize, valueDim, positional, encoder, decoder, generation, masking, "
        + "modalityId, tokenizer {type, checkpoint}, module, origin, enabled)."
})
final class ModalitiesCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print a JSON array instead of a table.")
    boolean json;

    @Override
    public Integer call() {
        List<ModalityListing> listings = ModalityListing.of(Startup.start(main).injector());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new GsonBuilder().serializeNulls().setPrettyPrinting().create()
                    .toJson(ModalityListing.toJson(listings)));
        } else {
            List<List<String>> rows = new ArrayList<>();
            rows.add(ModalityListing.header());
            listings.forEach(l -> rows.add(l.row()));
            Tables.print(out, rows);
            out.println(listings.size() + " modalities");
        }
        out.flush();
        return Main.OK;
    }
}
