package fourm.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import fourm.api.GenerationScheme;
import fourm.core.Fourm;
import fourm.core.Generation;
import fourm.core.batch.MaskedBatch;
import fourm.core.batch.ModalityTensors;
import fourm.core.generate.GenerationInputs;
import fourm.core.generate.GenerationPlan;
import fourm.core.generate.GenerationSampler;
import fourm.core.generate.StepResult;
import fourm.core.io.MaskedBatchFiles;
import fourm.core.io.CheckpointException;
import fourm.core.model.FourMConfig;
import fourm.core.model.FourMModel;
import fourm.core.model.ModalityCatalog;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code fourm generate}, in two modes.
 *
 * <p>On values ({@link SampleRun}): {@code fourm generate --model DIR|FILE --input rgb=photo.jpg
 * [--input caption="a red car"] --target depth,normal,semseg,caption,det --out DIR} reads each input through its
 * modality's format, generates the targets with their plugins' defaults (chained), and writes one file per target and
 * a grid of everything; {@code --preset demo} runs the demo's shipped weights.
 *
 * <p>On a masked batch: {@code fourm generate --model M.safetensors --plan plan.conf --inputs I.safetensors
 * --out O.safetensors [--seed N]} runs a generation plan. {@code I} holds, per modality, {@code <key>.tensor},
 * {@code <key>.input_mask} and {@code <key>.target_mask} (and optionally {@code <key>.decoder_attention_mask}) in the
 * golden inputs layout, targets prepared as empty targets. {@code O} receives every modality after generation in the
 * same layout (final ids; sequences merged), so it can be the input of another run. The plan is HOCON in the
 * reference's format; {@code preset = <name>} starts from a preset.
 */
@Command(name = "generate", description = {
    "Generate modalities from others: from a photo or a caption to files, or a plan on a masked batch.",
    "On values: --input MODALITY=FILE|TEXT (repeatable) and --target MODALITY[,...] generate each target with its"
        + " plugin's defaults (chained: each conditions the next; --set TARGET.KEY=VALUE overrides) and write one file"
        + " per target and grid.png to the --out folder; --preset demo runs the demo's shipped weights.",
    "On a masked batch: --plan and --inputs; the inputs file holds <key>.tensor, <key>.input_mask, <key>.target_mask"
        + " per modality, targets prepared empty; the output file holds every modality after generation in the same"
        + " layout."
})
final class GenerateCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "DIR|FILE",
            description = "The 4M checkpoint: a .safetensors file, or a folder holding model.safetensors (and"
                    + " config.json); with --preset demo, a folder of demo weights (default: the shipped ones).")
    Path model;

    @Option(names = "--plan", paramLabel = "plan.conf",
            description = "Masked-batch mode: the generation plan (HOCON, the reference's keys; 'preset = rgb2x'"
                    + " starts from a preset).")
    Path plan;

    @Option(names = "--inputs", paramLabel = "I.safetensors",
            description = "Masked-batch mode: the masked batch to start from.")
    Path inputs;

    @Option(names = "--out", required = true, paramLabel = "DIR|O.safetensors",
            description = "The folder the files go to (on values), or the generated batch (masked-batch mode); written"
                    + " under temporary names, then renamed.")
    Path out;

    @Option(names = "--input", paramLabel = "MODALITY=VALUE",
            description = "An input: a modality (key or short name: rgb, depth, caption...) and a file its format"
                    + " reads (a photo for rgb) or, for text, the text itself. Repeatable.")
    List<String> valueInputs = new ArrayList<>();

    @Option(names = "--target", paramLabel = "MODALITY[,...]", split = ",",
            description = "The targets, generated in this order (each conditions the next). Repeatable.")
    List<String> targets = new ArrayList<>();

    @Option(names = "--set", paramLabel = "TARGET.KEY=VALUE",
            description = "Overrides a target's generation default: scheme, steps, temperature, temperature-schedule,"
                    + " cfg-scale, top-p or tokens (e.g. caption.temperature=0.3). Repeatable.")
    List<String> settings = new ArrayList<>();

    @Option(names = "--preset", paramLabel = "NAME",
            description = "A model with its tokenizers: 'demo' is the demo's small 4M of the 64 px synthetic world.")
    String preset;

    @Option(names = "--unchained",
            description = "Generate every target from the inputs alone instead of chaining the targets.")
    boolean unchained;

    @Option(names = "--class-names", paramLabel = "FILE",
            description = "Names of the semantic classes for the semseg legend, one a line by class id (default:"
                    + " the semseg plugin's 133 COCO panoptic classes; the demo preset brings its own).")
    Path classNames;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
            description = "Seed of every random choice (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--no-kv-cache", description = "Re-run the decoder over the whole prefix for every token.")
    boolean noCache;

    @Override
    public Integer call() {
        if (plan == null && inputs == null) {
            if (valueInputs.isEmpty() || targets.isEmpty()) {
                throw new UserError("generate: give --input MODALITY=VALUE and --target MODALITY[,...] (generation"
                        + " on values), or --plan and --inputs (a masked batch)");
            }
            return new SampleRun(this).run();
        }
        if (plan == null || inputs == null || model == null) {
            throw new UserError("generate on a masked batch needs --model, --plan and --inputs; missing: "
                    + ((model == null ? "--model " : "") + (plan == null ? "--plan " : "")
                    + (inputs == null ? "--inputs" : "")).strip());
        }
        if (!valueInputs.isEmpty() || !targets.isEmpty() || preset != null) {
            throw new UserError("generate: --input, --target and --preset do not go with --plan and --inputs (a"
                    + " masked batch); use one mode");
        }
        PrintWriter stdout = spec.commandLine().getOut();
        Fourm fourm = Startup.start(main);
        Generation generation = fourm.injector().getInstance(Generation.class);
        Config root = fourm.injector().getInstance(Config.class);
        for (Path p : new Path[] {model, inputs}) {
            if (!Files.isRegularFile(p)) {
                throw new UserError("file " + p + " does not exist or is not a file");
            }
        }
        long t0 = System.nanoTime();
        try (FourMModel m = loadModel(generation, Startup.catalog(fourm))) {
            FourMConfig cfg = m.config();
            ModalityCatalog known = key -> Optional.ofNullable(cfg.modalities().get(key));
            GenerationPlan p;
            try {
                // First without the model, so that a plan naming modalities the model lacks is blamed on the model
                // (a preset's lines are in fourm-core's reference.conf, which the user did not write).
                checkModalities(GenerationPlan.fromFile(plan, root, null), cfg);
                p = GenerationPlan.fromFile(plan, root, known);
            } catch (ConfigException e) {
                throw new UserError(e.getMessage(), e);
            }
            MaskedBatch start;
            try {
                start = GenerationInputs.read(inputs);
            } catch (IOException e) {
                throw new UserError(e.getMessage(), e);
            }
            Map<String, int[]> perTarget = new LinkedHashMap<>();
            GenerationSampler sampler = GenerationSampler.builder(m).kvCache(!noCache)
                    .listener(r -> record(perTarget, r)).build();
            MaskedBatch result;
            long t1 = System.nanoTime();
            try {
                sampler.validate(start, p);
                result = sampler.generate(start, p, seed);
            } catch (IllegalArgumentException e) {
                throw new UserError(inputs + ": " + e.getMessage(), e);
            }
            long t2 = System.nanoTime();
            try {
                MaskedBatchFiles.write(result, out, Map.of("seed", Long.toString(seed), "plan", plan.toString()));
            } catch (IOException e) {
                throw new UserError("cannot write " + out + ": " + e.getMessage(), e);
            }
            for (Map.Entry<String, int[]> e : perTarget.entrySet()) {
                ModalityTensors t = result.modalities().get(e.getKey());
                stdout.printf(Locale.ROOT, "%-22s %-15s %4d step(s), %d token(s) decoded per sample%n", e.getKey(),
                        p.targets().get(e.getKey()).scheme().configName(), e.getValue()[0], e.getValue()[1]
                                / Math.max(1, t.batchSize()));
            }
            stdout.printf(Locale.ROOT, "generated %d sample(s) in %.2f s (model loaded in %.2f s); wrote %s%n", result.batchSize(),
                    (t2 - t1) / 1e9, (t1 - t0) / 1e9, out);
            stdout.flush();
        }
        return Main.OK;
    }

    /** Every condition and target of the plan must be a modality of the model; the message names what is missing. */
    private void checkModalities(GenerationPlan p, FourMConfig cfg) {
        List<String> missing = new ArrayList<>();
        for (String key : p.conditions()) {
            if (!cfg.modalities().containsKey(key)) {
                missing.add("'" + key + "' (a condition)");
            }
        }
        for (String key : p.targetKeys()) {
            if (!cfg.modalities().containsKey(key)) {
                missing.add("'" + key + "' (a target)");
            }
        }
        if (!missing.isEmpty()) {
            String preset = presetName();
            throw new UserError("the model " + model + " has no modality " + String.join(", ", missing)
                    + " of the plan " + plan + (preset == null ? "" : " (preset " + preset + ")") + "; it has "
                    + String.join(", ", cfg.modalities().keySet()) + ". Set cond_domains and target_domains in "
                    + plan + " to modalities of the model" + (preset == null ? "" : ", or choose another preset")
                    + ".");
        }
    }

    /** The plan file's {@code preset} value, or null. */
    private String presetName() {
        try {
            Config c = com.typesafe.config.ConfigFactory.parseFile(plan.toFile());
            return c.hasPath("preset") ? c.getString("preset") : null;
        } catch (ConfigException e) {
            return null;
        }
    }

    private FourMModel loadModel(Generation generation, ModalityCatalog catalog) {
        try {
            return generation.load(model, catalog);
        } catch (CheckpointException e) {
            throw new UserError(e.getMessage(), e);
        } catch (IOException e) {
            throw new UserError(model + ": " + e.getMessage(), e);
        }
    }

    private static void record(Map<String, int[]> perTarget, StepResult r) {
        int[] c = perTarget.computeIfAbsent(r.step().target(), k -> new int[2]);
        c[0]++;
        for (int b = 0; b < r.tokens().length; b++) {
            c[1] += r.step().scheme() == GenerationScheme.AUTOREGRESSIVE ? r.tokens()[b].length - 1
                    : r.committed()[b].length;
        }
    }
}
