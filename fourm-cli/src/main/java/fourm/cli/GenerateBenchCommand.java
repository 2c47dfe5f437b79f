package fourm.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import fourm.api.Modality;
import fourm.api.ModalitySpec;
import fourm.api.TokenLayout;
import fourm.core.batch.MaskedBatch;
import fourm.core.batch.ModalityTensors;
import fourm.core.generate.GenerationInputs;
import fourm.core.generate.GenerationPlan;
import fourm.core.generate.GenerationSampler;
import fourm.core.generate.Step;
import fourm.core.generate.StepResult;
import fourm.api.masking.SpecialTokens;
import fourm.core.model.EncoderOutput;
import fourm.core.model.FourMConfig;
import fourm.core.model.FourMModel;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code fourm bench generate}: autoregressive decoding of a caption with and without the key-value cache, on a
 * randomly initialised model of a reference size (default the tiny one: dim 384, 6+6 blocks, 6 heads, swiglu_nobias)
 * with a 30000-id vocabulary, conditioned on a full grid of token ids. The two modalities come from the enabled
 * plugins: by default the first grid of token ids and the first token sequence in configuration order
 * ({@code --condition}, {@code --target} name others). Three paths: the cache; no cache
 * with the head on the last token only; no cache with the head over the whole prefix, as the reference's loop does.
 * Reports milliseconds per decoded token (whole generation: encoder once, decoder, head, sampling; best of the repeats,
 * after warm-up runs; the paths run interleaved), the speed-ups, and whether all paths decoded the same tokens.
 */
@Command(name = "generate", description = {
    "Autoregressive caption decoding with and without the key-value cache.",
    "On a random model of a reference size (default fm_tiny_6e_6d_swiglu_nobias, vocabulary 30000), conditioned "
        + "on a full grid of token ids; both modalities come from the enabled plugins (default: the first grid of "
        + "ids and the first token sequence). Prints ms per token with the cache, without it, and without it as "
        + "the reference's loop (head over the prefix)."
})
final class GenerateBenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    BenchCommand bench;

    @Option(names = "--condition", paramLabel = "KEY", description = "The input: an enabled modality whose tokens "
            + "form a grid of ids (default: the first such modality in configuration order).")
    String condition;

    @Option(names = "--target", paramLabel = "KEY", description = "The decoded modality: an enabled token sequence "
            + "(default: the first such modality in configuration order).")
    String target;

    @Option(names = "--preset", defaultValue = "fm_tiny_6e_6d_swiglu_nobias", paramLabel = "NAME",
            description = "Model size (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--tokens", defaultValue = "64", paramLabel = "N", description = "Tokens to decode (default: "
            + "${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--batch", defaultValue = "1", paramLabel = "B",
            description = "Samples (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--vocab", defaultValue = "30000", paramLabel = "V",
            description = "Vocabulary of the target (default: ${DEFAULT-VALUE}).")
    int vocab;

    @Option(names = "--warmup", defaultValue = "2", paramLabel = "W",
            description = "Untimed runs of each path first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--repeats", defaultValue = "3", paramLabel = "R",
            description = "Timed runs of each path; the best counts (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--temperature", defaultValue = "0.3", paramLabel = "T",
            description = "Sampling temperature, the reference's caption default (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-p", defaultValue = "0.8", paramLabel = "P",
            description = "Top-p, the reference's demo default (default: ${DEFAULT-VALUE}).")
    double topP;

    @Override
    public Integer call() {
        if (tokens < 1 || batch < 1 || vocab < 8 || warmup < 0 || repeats < 1) {
            throw new UserError("--tokens, --batch and --repeats must be >= 1, --warmup >= 0 and --vocab >= 8");
        }
        Map<String, Modality> enabled = Startup.start(bench.main.config).modalities();
        ModalitySpec grid = pick(enabled, condition, "--condition", "a grid of token ids",
                l -> l.discrete() && !l.sequence());
        ModalitySpec sequence = pick(enabled, target, "--target", "a token sequence", l -> l.discrete() && l.sequence());
        if (tokens + 1 > sequence.layout().maxTokens()) {
            throw new UserError("--tokens " + tokens + ": " + sequence.key() + " holds at most "
                    + (sequence.layout().maxTokens() - 1) + " decoded tokens after its start token");
        }
        FourMConfig config;
        try {
            config = FourMConfig.builder().preset(preset)
                    .modality(grid, true, false)
                    .modality(sequence.withVocabSize(vocab), true, true)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (FourMModel model = FourMModel.create(config, 1)) {
            MaskedBatch start = start(config, grid.key(), sequence.key());
            GenerationPlan plan = GenerationPlan.builder().condition(grid.key())
                    .target(sequence.key(), Step.autoregressive().temperature(temperature)).topP(topP).build();
            out.printf(Locale.ROOT, "model %s (dim %d, %d+%d blocks, %d heads), %s (vocabulary %d) from %d %s tokens, "
                    + "batch %d, %d tokens (a token = one decoding step of every sample), engine %s, %d warm-up + best "
                    + "of %d%n", preset, config.dim(), config.encoderDepth(), config.decoderDepth(), config.numHeads(),
                    sequence.key(), vocab, grid.layout().length(), grid.key(), batch, tokens,
                    Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion(), warmup, repeats);
            Run cached = new Run(model, true, false);
            Run plain = new Run(model, false, false);
            Run reference = new Run(model, false, true);
            double encoderMs = Double.POSITIVE_INFINITY;
            // interleaved, so that a busy machine slows every path alike
            for (int i = 0; i < warmup + repeats; i++) {
                for (Run run : new Run[] {cached, plain, reference}) {
                    run.once(start, plan, i >= warmup);
                }
                double ms = encoderPass(model, start);
                if (i >= warmup) {
                    encoderMs = Math.min(encoderMs, ms);
                }
            }
            boolean same = Arrays.deepEquals(cached.decoded, plain.decoded)
                    && Arrays.deepEquals(cached.decoded, reference.decoded);
            out.printf(Locale.ROOT, "kv cache                      : %8.2f ms/token (%d tokens in %.1f ms)%n", cached.msPerToken(),
                    cached.count, cached.bestMs);
            out.printf(Locale.ROOT, "no cache (head on last token) : %8.2f ms/token (%d tokens in %.1f ms), speed-up %.2fx%n",
                    plain.msPerToken(), plain.count, plain.bestMs, plain.msPerToken() / cached.msPerToken());
            out.printf(Locale.ROOT, "no cache (reference loop)     : %8.2f ms/token (%d tokens in %.1f ms), speed-up %.2fx%n",
                    reference.msPerToken(), reference.count, reference.bestMs,
                    reference.msPerToken() / cached.msPerToken());
            out.printf(Locale.ROOT, "of which the encoder pass (once per generation): %.1f ms; decoding alone: cache %.2f, no cache"
                    + " %.2f (%.2fx), reference loop %.2f (%.2fx) ms/token%n", encoderMs,
                    cached.decodeMs(encoderMs), plain.decodeMs(encoderMs),
                    plain.decodeMs(encoderMs) / cached.decodeMs(encoderMs), reference.decodeMs(encoderMs),
                    reference.decodeMs(encoderMs) / cached.decodeMs(encoderMs));
            out.printf(Locale.ROOT, "same tokens: %s%n", same ? "yes" : "NO");
            out.flush();
            return same ? Main.OK : Main.FAILED;
        }
    }

    /** One encoder pass over {@code start}, in milliseconds. */
    private static double encoderPass(FourMModel model, MaskedBatch start) {
        try (NDManager m = model.newStepManager()) {
            long t0 = System.nanoTime();
            EncoderOutput eo = model.encode(model.embedEncoder(m, start, model.maxValidEncoderTokens(start)));
            eo.context().toFloatArray();
            return (System.nanoTime() - t0) / 1e6;
        }
    }

    /** The enabled modality {@code key}, or the first whose layout {@code fits}; a user error if there is none. */
    private static ModalitySpec pick(Map<String, Modality> enabled, String key, String option, String what,
                                     Predicate<TokenLayout> fits) {
        if (key != null) {
            Modality m = enabled.get(key);
            if (m == null) {
                throw new UserError(option + " " + key + ": not an enabled modality; enabled: " + enabled.keySet());
            }
            if (!fits.test(m.layout())) {
                throw new UserError(option + " " + key + ": " + m.layout().name() + ", not " + what);
            }
            return m.spec();
        }
        Optional<Modality> first = enabled.values().stream().filter(m -> fits.test(m.layout())).findFirst();
        return first.orElseThrow(() -> new UserError("no enabled modality is " + what + " (" + option
                + " names one); enabled: " + enabled.keySet())).spec();
    }

    /** A random full grid and an empty sequence target with room for exactly {@code tokens} tokens. */
    private MaskedBatch start(FourMConfig config, String gridKey, String sequenceKey) {
        SplittableRandom rng = new SplittableRandom(7);
        ModalitySpec grid = config.modality(gridKey);
        int vocab = config.vocabSize(gridKey);
        long[] ids = new long[batch * grid.layout().length()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = rng.nextInt(vocab);
        }
        Map<String, ModalityTensors> mods = new LinkedHashMap<>();
        mods.put(gridKey, GenerationInputs.fullGrid(grid, batch, ids));
        mods.put(sequenceKey, GenerationInputs.emptyTarget(config.modality(sequenceKey), batch, tokens + 1,
                SpecialTokens.REFERENCE));
        return new MaskedBatch(mods);
    }

    /** One path: its sampler, its best time and what it decoded. */
    private static final class Run {
        final GenerationSampler sampler;
        double bestMs = Double.POSITIVE_INFINITY;
        long[][] decoded;
        int count;

        Run(FourMModel model, boolean cache, boolean prefixHead) {
            sampler = GenerationSampler.builder(model).kvCache(cache).prefixHead(prefixHead).listener(this::record)
                    .build();
        }

        void once(MaskedBatch start, GenerationPlan plan, boolean timed) {
            long t0 = System.nanoTime();
            sampler.generate(start, plan, 42);
            double ms = (System.nanoTime() - t0) / 1e6;
            if (timed) {
                bestMs = Math.min(bestMs, ms);
            }
        }

        void record(StepResult r) {
            decoded = r.tokens();
            count = decoded[0].length - 1;
        }

        double msPerToken() {
            return bestMs / Math.max(1, count);
        }

        double decodeMs(double encoderMs) {
            return Math.max(0, bestMs - encoderMs) / Math.max(1, count);
        }
    }
}
