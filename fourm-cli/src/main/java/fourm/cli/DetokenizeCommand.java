package fourm.cli;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import fourm.modality.text.Decoded;
import fourm.modality.text.SequenceTokenizer;
import fourm.modality.text.TextSerializer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code fourm detokenize [--tokenizer FILE] [--modality KEY] [--json] IDS...}: the text of each id sequence, decoded
 * tolerantly as the modality decodes generated sequences (up to {@code [EOS]}, malformed parts skipped and counted).
 */
@Command(name = "detokenize", description = {
    "Print the text of each id sequence, one line per sequence.",
    "Each IDS is one sequence: ids separated by commas or spaces (\"3,5,204\"), or a JSON array of "
        + "arrays of ids (the output of tokenize --json) holding several. Structured modalities print the "
        + "text of the valid part, and a note on stderr of what was skipped; --json prints [{\"text\": ..., "
        + "\"skipped\": n}, ...]. For an image-like modality (one whose plugin owns a fourm-vq tokenizer) the "
        + "modality's "
        + "tokenizer (its tokenizer.checkpoint or --tokenizer) decodes every sequence into --out FILE: .safetensors "
        + "(tensor 'decoded') or .npy of shape [N, C, H, W], in natural units, or with --units model the network's "
        + "output (RGB in [-1, 1], standardised depth, class logits), as the reference's decode_tokens gives it."
})
final class DetokenizeCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Mixin
    TokenizerOption tokenizer;


    @Option(names = "--json", description = "Print a JSON array of {text, skipped} objects.")
    boolean json;

    @Option(names = "--units", paramLabel = "UNITS", defaultValue = "natural",
            description = "Image-like modalities: natural (raw values, default) or model (the network's output).")
    ImageTokens.Units units;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Image-like modalities: the .safetensors or .npy file the decoded values go to.")
    Path out;

    @Parameters(arity = "1..*", paramLabel = "IDS", description = "Id sequences.")
    List<String> sequences;

    @Override
    public Integer call() {
        List<int[]> inputs = new ArrayList<>();
        for (int i = 0; i < sequences.size(); i++) {
            inputs.addAll(parse(sequences.get(i), i + 1));
        }
        var image = ImageTokens.find(main.config, tokenizer.modality, tokenizer.tokenizer);
        if (image.isPresent()) {
            return ImageTokens.detokenize(image.get(), inputs, units, out, spec.commandLine().getOut());
        }
        SequenceTokenizer<?> t = tokenizer.resolve(main.config);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        JsonArray results = new JsonArray();
        for (int i = 0; i < inputs.size(); i++) {
            String[] text = new String[1];
            int skipped = decode(t, inputs.get(i), text);
            if (json) {
                JsonObject o = new JsonObject();
                o.addProperty("text", text[0]);
                o.addProperty("skipped", skipped);
                results.add(o);
            } else {
                out.println(text[0]);
                if (skipped > 0) {
                    err.println("fourm: note: sequence " + (i + 1) + ": skipped " + skipped
                            + " malformed word(s) or unknown id(s)");
                }
            }
        }
        if (json) {
            out.println(new Gson().toJson(results));
        }
        out.flush();
        err.flush();
        return Main.OK;
    }

    private static <T> int decode(SequenceTokenizer<T> t, int[] ids, String[] text) {
        Decoded<T> d = t.decodeTolerant(ids);
        TextSerializer<T> s = t.serializer();
        text[0] = d.value() instanceof String str ? str : s.toText(d.value());
        return d.skipped();
    }

    /** One argument: a JSON array of arrays, or one sequence of ids separated by commas or spaces. */
    static List<int[]> parse(String arg, int position) {
        String a = arg.strip();
        List<int[]> out = new ArrayList<>();
        if (a.startsWith("[")) {
            try {
                JsonElement e = JsonParser.parseString(a);
                JsonArray outer = e.getAsJsonArray();
                boolean nested = outer.size() > 0 && outer.get(0).isJsonArray();
                for (JsonElement seq : nested ? outer : wrap(outer)) {
                    JsonArray ids = seq.getAsJsonArray();
                    int[] v = new int[ids.size()];
                    for (int k = 0; k < v.length; k++) {
                        v[k] = ids.get(k).getAsInt();
                    }
                    out.add(v);
                }
                return out;
            } catch (JsonParseException | IllegalStateException | UnsupportedOperationException
                     | NumberFormatException e) {
                throw new UserError("argument " + position + " is not a JSON array of arrays of integer ids: "
                        + e.getMessage(), e);
            }
        }
        String[] parts = a.isEmpty() ? new String[0] : a.split("[,\\s]+");
        int[] v = new int[parts.length];
        for (int k = 0; k < parts.length; k++) {
            try {
                v[k] = Integer.parseInt(parts[k]);
            } catch (NumberFormatException e) {
                throw new UserError("argument " + position + ": '" + parts[k] + "' is not an integer id; expected ids"
                        + " separated by commas or spaces, or a JSON array of arrays", e);
            }
        }
        out.add(v);
        return out;
    }

    private static JsonArray wrap(JsonArray single) {
        JsonArray a = new JsonArray();
        a.add(single);
        return a;
    }
}
