package fourm.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import fourm.core.batch.MaskedBatch;
import fourm.core.batch.ModalityTensors;
import fourm.core.generate.GenerationInputs;
import fourm.core.generate.GenerationPlan;
import fourm.core.generate.GenerationSampler;
import fourm.core.generate.Step;
import fourm.core.generate.StepResult;
import fourm.core.masking.SpecialTokens;
import fourm.core.model.EncoderOutput;
import fourm.core.model.FourMConfig;
import fourm.core.model.FourMModel;
import fourm.core.model.ModelModality;
import java.io.PrintWriter;
import java.util.Arrays;
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
 * {@code fourm bench generate}: autoregressive decoding of a caption with and without the key-value cache, on a
 * randomly initialised model of a reference size (default the tiny one: dim 384, 6+6 blocks, 6 heads, swiglu_nobias)
 * with a 30000-id caption vocabulary, conditioned on a full {@code tok_rgb@224} grid. Three paths: the cache; no cache
 * with the head on the last token only; no cache with the head over the whole prefix, as the reference's loop does.
 * Reports milliseconds per decoded token (whole generation: encoder once, decoder, head, sampling; best of the repeats,
 * after warm-up runs; the paths run interleaved), the speed-ups, and whether all paths decoded the same tokens.
 */
@Command(name = "generate", description = {
    "Autoregressive caption decoding with and without the key-value cache.",
    "On a random model of a reference size (default fm_tiny_6e_6d_swiglu_nobias, caption vocabulary "
        + "30000), conditioned on 196 tok_rgb@224 tokens. Prints ms per token with the cache, without it, "
        + "and without it as the reference's loop (head over the prefix)."
})
final class GenerateBenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

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
            description = "Caption vocabulary (default: ${DEFAULT-VALUE}).")
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
        FourMConfig config;
        try {
            config = FourMConfig.builder().preset(preset)
                    .modality(ModelModality.imageTokens("tok_rgb@224", 16384, 14), true, false)
                    .modality(ModelModality.tokenSequence("caption", vocab, Math.max(256, tokens + 1),
                            Math.max(256, tokens + 1)), true, true)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (FourMModel model = FourMModel.create(config, 1)) {
            MaskedBatch start = start(config);
            GenerationPlan plan = GenerationPlan.builder().condition("tok_rgb@224")
                    .target("caption", Step.autoregressive().temperature(temperature)).topP(topP).build();
            out.printf(Locale.ROOT, "model %s (dim %d, %d+%d blocks, %d heads), caption vocabulary %d, batch %d, %d tokens "
                    + "(a token = one decoding step of every sample), engine %s, %d warm-up + best of %d%n", preset,
                    config.dim(), config.encoderDepth(), config.decoderDepth(), config.numHeads(), vocab, batch, tokens,
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

    /** A random full tok_rgb@224 grid and an empty caption target with room for exactly {@code tokens} tokens. */
    private MaskedBatch start(FourMConfig config) {
        SplittableRandom rng = new SplittableRandom(7);
        long[] rgb = new long[batch * 196];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = rng.nextInt(16384);
        }
        Map<String, ModalityTensors> mods = new LinkedHashMap<>();
        mods.put("tok_rgb@224", GenerationInputs.fullGrid(config.modality("tok_rgb@224"), batch, rgb));
        mods.put("caption", GenerationInputs.emptyTarget(config.modality("caption"), batch, tokens + 1,
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
