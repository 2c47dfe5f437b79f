package fourm.cli;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import fourm.api.Modality;
import fourm.api.ModalityTokenizer;
import fourm.api.ValueFormat;
import fourm.modality.text.Decoded;
import fourm.modality.text.SequenceTokenizer;
import fourm.modality.text.TextSerializer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
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
 * {@code fourm detokenize [--tokenizer FILE] [--modality KEY] [--json] [--output DIR] IDS...}: the text of each id
 * sequence, decoded tolerantly as the modality decodes generated sequences (up to {@code [EOS]}, malformed parts
 * skipped and counted); for a modality whose values are not text (an image modality with its tokenizer checkpoint,
 * a DiVAE decoding through its diffusion decoder) the file a person opens of each decoded value, written into
 * {@code --output}, one path per line.
 */
@Command(name = "detokenize", description = {
    "Print the text of each id sequence, one line per sequence.",
    "Each IDS is one sequence: ids separated by commas or spaces (\"3,5,204\"), or a JSON array of "
        + "arrays of ids (the output of tokenize --json) holding several. Structured modalities print the "
        + "text of the valid part, and a note on stderr of what was skipped; --json prints [{\"text\": ..., "
        + "\"skipped\": n}, ...].",
    "For a modality whose values are not text (an image modality with its tokenizer checkpoint set, or "
        + "given with --tokenizer), each sequence is decoded by the modality's tokenizer "
        + "(a DiVAE through its diffusion decoder) and written as a file a person opens (a PNG for maps) into "
        + "--output; the paths are printed.",
    "With --out FILE instead, an image-like modality's sequences are decoded into one tensor file: "
        + ".safetensors (tensor 'decoded') or .npy of shape [N, C, H, W], in natural units, or with --units model "
        + "the network's output (RGB in [-1, 1], standardised depth, class logits), as the reference's "
        + "decode_tokens gives it. For a modality whose plugin tokenizes arrays (body poses, SAM instance masks; "
        + "`fourm modalities` lists them), with its tokenizer checkpoint or --tokenizer, each sequence is one item's "
        + "ids (8 for a body pose, 16 for a mask), decoded to [N, 207] body poses or [N, 64, 64] masks of 0 and 1, "
        + "or with --units model the network's output [N, C, S, S] (mask logits)."
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

    @Option(names = "--output", paramLabel = "DIR", defaultValue = ".",
            description = "Where decoded values of non-text modalities are written (default: the current directory).")
    Path output;

    @Option(names = "--units", paramLabel = "UNITS", defaultValue = "natural",
            description = "With --out: natural (raw values, default) or model (the network's output).")
    ImageTokens.Units units;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Image-like modalities: one .safetensors or .npy tensor file of all decoded values "
                    + "(instead of --output's viewable files).")
    Path out;

    @Parameters(arity = "1..*", paramLabel = "IDS", description = "Id sequences.")
    List<String> sequences;

    @Override
    public Integer call() {
        List<int[]> inputs = new ArrayList<>();
        for (int i = 0; i < sequences.size(); i++) {
            inputs.addAll(parse(sequences.get(i), i + 1));
        }
        if (out != null) {
            var image = ImageTokens.find(main.config, tokenizer.modality, tokenizer.tokenizer);
            if (image.isPresent()) {
                return ImageTokens.detokenize(image.get(), inputs, units, out, spec.commandLine().getOut());
            }
            var arrays = ValueArrays.find(main.config, tokenizer.modality, tokenizer.tokenizer);
            if (arrays.isEmpty()) {
                throw new UserError("--out FILE writes the decoded tensors of a modality whose plugin owns a"
                        + " tokenizer checkpoint (an image-like modality or one that tokenizes arrays: body poses, masks); "
                        + (tokenizer.modality == null ? "name it with --modality" : "'" + tokenizer.modality
                        + "' is not one"));
            }
            return ValueArrays.detokenize(arrays.get(), inputs, units, out, spec.commandLine().getOut());
        }
        if (tokenizer.modality != null) {
            Modality m = TextModalities.create(main.config, tokenizer.modality, tokenizer.tokenizer);
            try {
                ModalityTokenizer<?> mt = m.tokenizer().orElse(null);
                if (mt != null && !(mt instanceof SequenceTokenizer<?>) && !mt.pretokenizedOnly()
                        && m.format().isPresent()) {
                    return writeValues(m.spec().key(), mt, m.format().get(), inputs);
                }
            } finally {
                if (m instanceof AutoCloseable c) {
                    closeQuietly(c);
                }
            }
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

    /** Decodes each sequence with a non-text modality's tokenizer and writes what a person opens. */
    private Integer writeValues(String key, ModalityTokenizer<?> t, ValueFormat<?> format, List<int[]> inputs) {
        PrintWriter out = spec.commandLine().getOut();
        try {
            Files.createDirectories(output);
        } catch (IOException e) {
            throw new UserError("cannot create the output directory " + output + ": " + e.getMessage(), e);
        }
        String base = key.replaceAll("[^A-Za-z0-9_-]", "_");
        for (int i = 0; i < inputs.size(); i++) {
            Path written;
            try {
                written = show(t, format, inputs.get(i), base + "-" + (i + 1));
            } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
                throw new UserError("sequence " + (i + 1) + " (" + key + "): " + e.getMessage(), e);
            } catch (IOException e) {
                throw new UserError("cannot write the decoded " + key + " into " + output + ": " + e.getMessage(), e);
            }
            out.println(written);
        }
        out.flush();
        return Main.OK;
    }

    private <V> Path show(ModalityTokenizer<?> t, ValueFormat<V> format, int[] ids, String name) throws IOException {
        Object value = t.decode(ids);
        return format.show(format.valueType().cast(value), output, name);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // freeing a network the command no longer needs: nothing to report to the user
        }
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
