package fourm.cli;

import fourm.core.io.SafetensorsFormatException;
import fourm.core.io.SafetensorsReader;
import fourm.core.io.TensorInfo;
import fourm.core.io.CheckpointException;
import fourm.core.model.FourMConfig;
import fourm.core.model.ForwardOptions;
import fourm.core.model.ForwardRunner;
import fourm.core.model.ModalityCatalog;
import fourm.core.model.ReferenceConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code fourm forward --model M --inputs I --out O [--model-config FILE] [--decoder-order k1,k2,...]
 * [--num-encoder-tokens N] [--num-decoder-tokens N] [--no-intermediates] [--expect FILE [--tolerance T]]}: one
 * forward pass of a checkpoint on a masked batch, as {@link ForwardRunner} runs it, with a summary on stdout (losses,
 * decoder order, token counts, what was written). With {@code --expect}, the written tensors are compared with
 * expected ones (the reference's outputs for the same weights and batch): the largest absolute differences are
 * printed, and the exit code is {@link Main#FAILED} when one exceeds the tolerance.
 *
 * <p>The checkpoint's domains are looked up among the modalities the experiment configuration ({@code -c FILE})
 * enables, then in the reference's modality table; {@code --model-config} gives the model configuration explicitly
 * (the reference's {@code FM(config)} keys as JSON, for example a released model's {@code config.json}) when the
 * checkpoint's metadata holds none. A bad or missing file, a checkpoint that does not fit, a batch that does not fit the
 * model and bad options are user errors: one line, exit code {@link Main#USER_ERROR}.
 */
@Command(name = "forward", description = {
    "Run one forward pass of a 4M checkpoint on a masked batch and write logits, losses and intermediates.",
    "The batch uses the reference's golden inputs layout (<modality>.tensor, .input_mask, "
        + ".target_mask, .decoder_attention_mask); the output holds logits.<modality> [B, N, V], loss_mod, "
        + "loss_token, mod_loss.<modality> and, unless --no-intermediates, the reference's intermediate "
        + "tensors."
})
final class ForwardCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE",
            description = "The checkpoint (safetensors with the reference's state-dict names).")
    Path model;

    @Option(names = "--inputs", required = true, paramLabel = "FILE", description = "The masked batch (safetensors).")
    Path inputs;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "Where to write the results (safetensors, written atomically).")
    Path out;

    @Option(names = "--model-config", paramLabel = "FILE",
            description = "The model configuration as JSON with the reference's FM(config) keys (default: the"
                    + " checkpoint's metadata).")
    Path modelConfig;

    @Option(names = "--decoder-order", paramLabel = "K1,K2,...", split = ",",
            description = "Decoder modality order (default: the reference's seeded shuffle of the batch's outputs).")
    List<String> decoderOrder;

    @Option(names = "--num-encoder-tokens", paramLabel = "N",
            description = "Encoder slots per sample (default: the largest count of valid inputs in the batch).")
    Integer numEncoderTokens;

    @Option(names = "--num-decoder-tokens", paramLabel = "N",
            description = "Decoder slots per sample (default: the largest count of valid targets in the batch).")
    Integer numDecoderTokens;

    @Option(names = "--no-intermediates", description = "Write logits and losses only.")
    boolean noIntermediates;

    @Option(names = "--expect", paramLabel = "FILE",
            description = "Outputs to compare with (for example the reference's outputs.safetensors): prints the"
                    + " largest |difference| of the logits and of every shared tensor; exit code 1 when one exceeds"
                    + " --tolerance or an integer tensor differs.")
    Path expect;

    @Option(names = "--tolerance", paramLabel = "T", defaultValue = "1e-5",
            description = "Largest accepted absolute difference for --expect (default: ${DEFAULT-VALUE}).")
    double tolerance;

    @Option(names = "--allow-non-finite",
            description = "Load a checkpoint holding NaN or infinite weights instead of refusing it.")
    boolean allowNonFinite;

    @Override
    public Integer call() {
        checkReadable(model, "--model");
        checkReadable(inputs, "--inputs");
        if (expect != null) {
            checkReadable(expect, "--expect");
        }
        ForwardOptions options = ForwardOptions.defaults();
        if (decoderOrder != null) {
            options = options.withDecoderOrder(decoderOrder.stream().map(String::trim).toList());
        }
        if (numEncoderTokens != null) {
            options = options.withNumEncoderTokens(numEncoderTokens);
        }
        if (numDecoderTokens != null) {
            options = options.withNumDecoderTokens(numDecoderTokens);
        }
        ModalityCatalog catalog = catalog();
        ForwardRunner.Request request = ForwardRunner.Request.of(model, inputs, out).withCatalog(catalog)
                .withOptions(options).withIntermediates(!noIntermediates).withAllowNonFinite(allowNonFinite);
        if (modelConfig != null) {
            request = request.withConfig(readModelConfig(catalog));
        }
        ForwardRunner.Summary s;
        try {
            s = ForwardRunner.run(request);
        } catch (CheckpointException e) {
            List<String> problems = e.problems();
            throw new UserError(model + ": the checkpoint does not match the model: " + problems.get(0)
                    + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more; --verbose lists them)" : ""),
                    e);
        } catch (SafetensorsFormatException e) {
            throw new UserError(oneLine(e.getMessage()), e);
        } catch (NoSuchFileException e) {
            throw new UserError("no such file: " + e.getFile(), e);
        } catch (AccessDeniedException e) {
            throw new UserError("cannot access " + e.getFile(), e);
        } catch (IOException | UncheckedIOException e) {
            throw new UserError(oneLine(e.getMessage()), e);
        } catch (IllegalArgumentException e) {
            throw new UserError("cannot run " + model + " on " + inputs + ": " + oneLine(e.getMessage()), e);
        }
        print(s);
        return expect == null ? Main.OK : compare(s.out());
    }

    /** Compares every tensor of {@link #expect} that the output also holds; prints the differences. */
    private int compare(Path written) {
        PrintWriter w = spec.commandLine().getOut();
        double logits = 0;
        double all = 0;
        String worstKey = null;
        int floats = 0;
        int ints = 0;
        List<String> unequal = new ArrayList<>();
        List<String> absent = new ArrayList<>();
        try (SafetensorsReader want = SafetensorsReader.open(expect);
             SafetensorsReader got = SafetensorsReader.open(written)) {
            for (TensorInfo t : want.tensors().values()) {
                String key = t.name();
                if (!got.has(key)) {
                    absent.add(key);
                    continue;
                }
                if (!Arrays.equals(got.info(key).shape(), t.shape())) {
                    unequal.add(key + " (shape " + Arrays.toString(got.info(key).shape()) + ", expected "
                            + Arrays.toString(t.shape()) + ")");
                } else if (t.dtype().isFloating()) {
                    float[] a = want.floats(key);
                    float[] b = got.floats(key);
                    double d = 0;
                    for (int i = 0; i < a.length; i++) {
                        d = Math.max(d, Math.abs((double) a[i] - b[i]));
                    }
                    if (worstKey == null || Double.isNaN(d) || !Double.isNaN(all) && d > all) {
                        all = d;
                        worstKey = key;
                    }
                    if (key.startsWith("logits.")) {
                        logits = Math.max(logits, d);
                        w.println(String.format(Locale.ROOT, "max |delta| %-20s %.3g", key, d));
                    }
                    floats++;
                } else {
                    if (!Arrays.equals(want.longs(key), got.longs(key))) {
                        unequal.add(key);
                    }
                    ints++;
                }
            }
        } catch (IOException e) {
            throw new UserError("--expect: " + oneLine(e.getMessage()), e);
        }
        w.println(String.format(Locale.ROOT, "max |delta logit|    %.3g", logits));
        w.println(String.format(Locale.ROOT, "max |delta| of %d float tensors %.3g (%s); %d integer tensors%s",
                floats, all, worstKey, ints, unequal.isEmpty() ? " equal" : ", differing: " + unequal));
        if (!absent.isEmpty()) {
            w.println("not in the output: " + absent);
        }
        boolean ok = floats > 0 && all <= tolerance && unequal.isEmpty();
        w.println((ok ? "OK" : "MISMATCH") + String.format(Locale.ROOT, " (tolerance %.3g) against %s", tolerance,
                expect));
        w.flush();
        return ok ? Main.OK : Main.FAILED;
    }

    /** Enabled plugins' modalities first (the experiment may resize them), then every discovered plugin's. */
    private ModalityCatalog catalog() {
        return Startup.catalog(Startup.start(main));
    }

    private FourMConfig readModelConfig(ModalityCatalog catalog) {
        checkReadable(modelConfig, "--model-config");
        String source = modelConfig.toString();
        try {
            String json = Files.readString(modelConfig, StandardCharsets.UTF_8);
            Map<String, Object> values = ReferenceConfig.parseJson(json, source);
            return ReferenceConfig.fromMap(values, catalog, source);
        } catch (IOException e) {
            throw new UserError("cannot read " + source + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new UserError(oneLine(e.getMessage()), e);
        }
    }

    private static void checkReadable(Path file, String option) {
        if (!Files.exists(file)) {
            throw new UserError(option + ": no such file: " + file);
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new UserError(option + ": not a readable file: " + file);
        }
    }

    private static String oneLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        return message.replaceAll("\\s*\\n\\s*", "; ");
    }

    private void print(ForwardRunner.Summary s) {
        PrintWriter w = spec.commandLine().getOut();
        w.println("wrote " + s.out() + " (" + s.keys().size() + " tensors)");
        w.println("decoder order       " + String.join(",", s.decoderOrder()));
        w.println("encoder tokens      " + s.numEncoderTokens());
        w.println("decoder tokens      " + s.numDecoderTokens());
        w.println(String.format(Locale.ROOT, "loss (mod)          %.8f", s.lossMod()));
        w.println(String.format(Locale.ROOT, "loss (token)        %.8f", s.lossToken()));
        for (Map.Entry<String, Double> e : s.modLoss().entrySet()) {
            w.println(String.format(Locale.ROOT, "  %-17s %.8f", e.getKey(), e.getValue()));
        }
        w.flush();
    }
}
