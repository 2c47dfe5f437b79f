package fourm.cli;

import fourm.api.Modality;
import fourm.api.ModalitySpec;
import fourm.core.batch.MaskedBatch;
import fourm.core.batch.ModalityTensors;
import fourm.core.generate.GenerationInputs;
import fourm.core.io.MaskedBatchFiles;
import fourm.core.model.Checkpoints;
import fourm.core.model.FourMConfig;
import fourm.core.model.FourMModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fourm bench checkpoint --out DIR}: writes a random-weight checkpoint of a reference size (default the 4M-21
 * B size, {@code fm_base_12e_12d_swiglu_nobias}, with every enabled modality in and every decodable one out: 834M
 * parameters with the released vocabularies) and a one-sample masked batch for {@code fourm forward}, so that the
 * memory cost of loading a checkpoint and running it can be measured ({@code /usr/bin/time -v fourm forward ...}).
 * The model is initialised in engine memory and written a tensor at a time, atomically.
 */
@Command(name = "checkpoint", description = {
    "Write a random-weight checkpoint and a batch, to measure loading and a forward pass.",
    "Default fm_base_12e_12d_swiglu_nobias with every enabled modality (4M-21 B: 834M parameters, 3.37 GB); "
        + "writes DIR/model.safetensors and DIR/inputs.safetensors (the benchmarks' RGB token grid in, their depth token grid out, one sample) "
        + "and prints the fourm forward command that runs them."
})
final class CheckpointBenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.ParentCommand
    BenchCommand bench;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the two files are written.")
    Path out;

    @Option(names = "--preset", defaultValue = "fm_base_12e_12d_swiglu_nobias", paramLabel = "NAME",
            description = "Model size (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Initialisation seed (default: "
            + "${DEFAULT-VALUE}).")
    long seed;

    private static final String INPUT = fourm.bench.InferBench.CONDITION;
    private static final String TARGET = fourm.bench.InferBench.IMAGE_TARGET;

    @Override
    public Integer call() throws IOException {
        Map<String, Modality> enabled = Startup.start(bench.main.config).modalities();
        for (String key : new String[] {INPUT, TARGET}) {
            if (!enabled.containsKey(key)) {
                throw new UserError("the batch needs the modality " + key + ", which is not enabled; enabled: "
                        + enabled.keySet());
            }
        }
        FourMConfig config;
        try {
            FourMConfig.Builder b = FourMConfig.builder().preset(preset);
            for (Modality m : enabled.values()) {
                ModalitySpec s = m.spec();
                b.modality(s, s.encoder(), s.decoder());
            }
            config = b.build();
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        }
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UserError("--out " + out + ": cannot create the folder: " + e.getMessage(), e);
        }
        PrintWriter w = spec.commandLine().getOut();
        Path model = out.resolve("model.safetensors");
        Path inputs = out.resolve("inputs.safetensors");
        long t0 = System.nanoTime();
        long parameters;
        try (FourMModel m = FourMModel.create(config, seed)) {
            parameters = m.parameters().parameterCount();
            Checkpoints.save(m, model, Map.of());
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        MaskedBatchFiles.write(batch(config), inputs, Map.of());
        w.printf(Locale.ROOT, "%s: %s with %d modalities, %.1fM parameters, %.2f GB (%.0f s)%n", model, preset,
                config.modalities().size(), parameters / 1e6, Files.size(model) / 1e9,
                (System.nanoTime() - t0) / 1e9);
        w.printf(Locale.ROOT, "%s: %s (196 tokens) in, %s (196 tokens) out, one sample%n", inputs, INPUT, TARGET);
        w.printf(Locale.ROOT, "measure: /usr/bin/time -v bin/fourm forward --model %s --inputs %s --out %s "
                + "--no-intermediates%n", model, inputs, out.resolve("forward.safetensors"));
        w.flush();
        return Main.OK;
    }

    /** {@value #INPUT} as a full random input, {@value #TARGET} as a target on every position. */
    private static MaskedBatch batch(FourMConfig config) {
        SplittableRandom rng = new SplittableRandom(7);
        ModalitySpec in = config.modality(INPUT);
        long[] ids = new long[in.layout().length()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = rng.nextInt(config.vocabSize(INPUT));
        }
        ModalitySpec target = config.modality(TARGET);
        Map<String, ModalityTensors> mods = new LinkedHashMap<>();
        mods.put(INPUT, GenerationInputs.fullGrid(in, 1, ids));
        int l = target.layout().length();
        boolean[] notInput = new boolean[l];
        java.util.Arrays.fill(notInput, true);
        int[] attention = new int[l];
        attention[0] = l; // a grid's target count at its first target position, as the reference compresses it
        mods.put(TARGET, ModalityTensors.ofIds(TARGET, 1, l, new long[l], notInput, new boolean[l], attention));
        return new MaskedBatch(mods);
    }
}
