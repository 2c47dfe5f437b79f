package fourm.cli;

import com.google.gson.Gson;
import fourm.modality.text.CaptionSerializer;
import fourm.modality.text.Decoded;
import fourm.modality.text.SequenceTokenizer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code fourm tokenize [--tokenizer FILE] [--modality KEY] [--json] TEXT...}: the token ids of each text; with
 * {@code --input FILE} the ids of arrays of values through the modality's tokenizer checkpoint ({@link ValueArrays}).
 *
 * <p>For a structured modality (det, metadata, ...) the text must be a well-formed sequence of that modality (for
 * example {@code v0=1 v1=2 v2=30 v3=40 person} for det); it is checked with the modality's serializer and encoded as
 * written.
 */
@Command(name = "tokenize", description = {
    "Print the token ids of each TEXT, one line of space-separated ids per text.",
    "--json prints one JSON array holding one array of ids per text, in input order. For an image-like modality "
        + "(one whose plugin owns a fourm-vq tokenizer: RGB, depth, normals, semseg, edges, feature maps) each "
        + "argument is a FILE: an image or map the modality reads "
        + "(PNG, .npy) at its tokenizer's size, or tensors (.safetensors, .npy) of shape [N, C, H, W], [C, H, W] "
        + "([N, H, W] for class ids) or [H, W]; the modality's tokenizer.checkpoint (a fourm-vq .safetensors or a "
        + "tokenizer directory in the reference's layout, config.json + model.safetensors) or --tokenizer encodes "
        + "them, one line of ids per image. --units model takes the tensors the tokenizer network sees (RGB in "
        + "[-1, 1], depth standardised, class ids + 1 with 0 = no class), as the reference's tokenizers take them.",
    "--input FILE (.npy or .safetensors, repeatable) gives values as arrays: for a modality whose plugin tokenizes "
        + "arrays with a tokenizer checkpoint (body poses [N, 207], 8 ids each; SAM instance binary "
        + "masks [N, 64, 64], 16 ids each; `fourm modalities` lists them) the ids of that tokenizer, one line per item; for an image-like modality "
        + "the same as a FILE argument. --tokenizer then names the checkpoint (a directory in the reference's layout "
        + "or a fourm-vq .safetensors) instead of the plugin's setting; for an image-like modality it is read on its "
        + "own, so a tokenizer with several lucid codebooks (codebooks x grid ids per image) works too."
})
final class TokenizeCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Mixin
    TokenizerOption tokenizer;


    @Option(names = "--json", description = "Print a JSON array of arrays of ids.")
    boolean json;

    @Option(names = "--units", paramLabel = "UNITS", defaultValue = "natural",
            description = "Image-like modalities: natural (raw values, default) or model (the network's input).")
    ImageTokens.Units units;

    @Option(names = "--tensor", paramLabel = "NAME",
            description = "Image-like modalities: the tensor of a .safetensors input (default: its only tensor).")
    String tensor;

    @Option(names = "--input", paramLabel = "FILE", description = "Values as arrays (.npy, .safetensors) for the"
            + " modality's tokenizer checkpoint (body poses, masks, image-like modalities); repeatable.")
    List<Path> inputs = new ArrayList<>();

    @Parameters(arity = "0..*", paramLabel = "TEXT", description = "The texts (or, for an image-like modality, the"
            + " files) to tokenize.")
    List<String> texts = new ArrayList<>();

    @Override
    public Integer call() {
        var image = ImageTokens.find(main.config, tokenizer.modality, tokenizer.tokenizer);
        if (image.isPresent()) {
            List<String> files = new ArrayList<>(texts);
            inputs.forEach(p -> files.add(p.toString()));
            if (files.isEmpty()) {
                throw new UserError("tokenize --modality " + tokenizer.modality + ": name the files to tokenize");
            }
            return ImageTokens.tokenize(image.get(), files, units, tensor, json, spec.commandLine().getOut());
        }
        if (!inputs.isEmpty()) {
            if (!texts.isEmpty()) {
                throw new UserError("tokenize takes arrays (--input) or texts, not both");
            }
            var arrays = ValueArrays.find(main.config, tokenizer.modality, tokenizer.tokenizer);
            if (arrays.isEmpty()) {
                throw new UserError("--input FILE gives arrays of values to a modality whose plugin tokenizes them"
                        + " (body poses, masks, image-like modalities); "
                        + (tokenizer.modality == null ? "name it with --modality" : "'" + tokenizer.modality
                        + "' does not"));
            }
            return ValueArrays.tokenize(arrays.get(), inputs, units, tensor, json, spec.commandLine().getOut());
        }
        if (texts.isEmpty()) {
            throw new UserError("tokenize: give the TEXTs to tokenize (or --input FILE for arrays of values)");
        }
        SequenceTokenizer<?> t = tokenizer.resolve(main.config);
        List<int[]> all = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            if (t.serializer() != CaptionSerializer.INSTANCE) {
                Decoded<?> d = t.serializer().fromText(text);
                if (!d.clean()) {
                    throw new UserError("text " + (i + 1) + " is not a well-formed '" + tokenizer.key() + "' sequence: "
                            + d.skipped() + " word(s) do not fit its format (text: '" + text + "')");
                }
            }
            all.add(t.textTokenizer().encode(text));
        }
        PrintWriter out = spec.commandLine().getOut();
        return TokenizeCommand.print(all, json, out);
    }

    /** Prints id sequences: one JSON array of arrays, or one line of space-separated ids per sequence. */
    static int print(List<int[]> all, boolean json, PrintWriter out) {
        if (json) {
            out.println(new Gson().toJson(all));
        } else {
            for (int[] ids : all) {
                out.println(Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(" ")));
            }
        }
        out.flush();
        return Main.OK;
    }
}
