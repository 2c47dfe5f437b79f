package fourm.bench;

import fourm.api.ModalitySpec;
import fourm.api.masking.SpecialTokens;
import fourm.core.io.Offline;
import fourm.core.batch.MaskedBatch;
import fourm.core.batch.ModalityTensors;
import fourm.core.generate.GenerationInputs;
import fourm.core.generate.GenerationPlan;
import fourm.core.generate.GenerationSampler;
import fourm.core.generate.ScheduledStep;
import fourm.core.generate.Step;
import fourm.core.model.FlopCounter;
import fourm.core.model.FourMConfig;
import fourm.core.model.FourMModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Generation latency of the tiny model ({@link TrainBench#tiny()}: {@code fm_tiny_6e_6d_swiglu_nobias} with
 * tok_rgb@224, tok_depth@224, tok_normal@224 and caption, random weights), conditioned on a full random
 * {@code tok_rgb@224} grid (196 tokens), as the reference's generation benchmark runs its sampler:
 *
 * <ul>
 *   <li>{@code caption32}: caption, autoregressive, a target of 33 positions (start token, 31 free, end sentinel):
 *       32 decoding steps, with the key-value cache; a run in which every sample sampled the end token early is
 *       repeated with the next seed, so that every timed run decodes exactly 32 tokens;</li>
 *   <li>{@code roar1}: tok_depth@224, ROAR in 1 step (all 196 tokens at once);</li>
 *   <li>{@code maskgit8}: tok_depth@224, MaskGIT in 8 steps on the cosine schedule.</li>
 * </ul>
 * Temperature 1 (constant), no top-k or top-p, no guidance. Each timed run is one whole {@code generate} call
 * (encoder included); the inputs are drawn anew for each run (seed {@code 100 + run}).
 */
public final class InferBench {
    private InferBench() {
    }

    /** The tasks, in report order. */
    public static final List<String> TASKS = List.of("caption32", "roar1", "maskgit8");

    /** The condition of every task: a full grid of this modality. */
    public static final String CONDITION = "tok_rgb@224";
    /** The target of the ROAR and MaskGIT tasks. */
    public static final String IMAGE_TARGET = "tok_depth@224";
    private static final String CAPTION = "caption";
    private static final int CAPTION_TOKENS = 32;

    /**
     * The timings of one task at one batch size.
     *
     * @param task    one of {@link #TASKS}
     * @param batch   samples per generation
     * @param seconds every timed generation's wall time, in order
     * @param reruns  runs repeated because every sample stopped early (caption only)
     */
    public record Timing(String task, int batch, List<Double> seconds, int reruns) {
        /** Copies the list. */
        public Timing {
            seconds = List.copyOf(seconds);
        }

        /** The median of {@link #seconds()}. */
        public double median() {
            double[] v = seconds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            int n = v.length;
            return n == 0 ? Double.NaN : n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        }
    }

    /**
     * Runs {@code tasks} at each batch size: {@code warmup} untimed generations, then {@code iters} timed ones.
     *
     * @throws IllegalArgumentException for an unknown task or bad counts
     */
    public static List<Timing> run(List<String> tasks, int[] batches, int warmup, int iters,
                                   Consumer<String> progress) {
        return run(tasks, batches, warmup, iters, progress, null);
    }

    /**
     * As {@link #run(List, int[], int, int, Consumer)}, with each task's timed generations at each batch size recorded
     * by libtorch's profiler (a Chrome trace, JSON) into {@code <profile>-<task>-B<batch>.json} when {@code profile}
     * (a path prefix) is not null. The profiler's own cost is then in the timings.
     */
    public static List<Timing> run(List<String> tasks, int[] batches, int warmup, int iters,
                                   Consumer<String> progress, java.nio.file.Path profile) {
        for (String t : tasks) {
            if (!TASKS.contains(t)) {
                throw new IllegalArgumentException("unknown task '" + t + "'; known: " + TASKS);
            }
        }
        if (warmup < 0 || iters < 1 || batches.length == 0) {
            throw new IllegalArgumentException("warmup must be >= 0, iters >= 1, and at least one batch size given");
        }
        for (int b : batches) {
            if (b < 1) {
                throw new IllegalArgumentException("batch sizes must be >= 1, got " + b);
            }
        }
        Offline.enforce();
        FourMConfig config = TrainBench.tiny().model();
        List<Timing> out = new ArrayList<>();
        try (FourMModel model = FourMModel.create(config, 0)) {
            for (String task : tasks) {
                GenerationPlan plan = plan(task);
                for (int b : batches) {
                    int[] decoded = new int[1];
                    GenerationSampler sampler = GenerationSampler.builder(model).kvCache(true)
                            .listener(r -> decoded[0] = r.tokens()[0].length - 1).build();
                    List<Double> times = new ArrayList<>();
                    int reruns = 0;
                    long seed = 100;
                    for (int i = 0; i < warmup + iters; i++) {
                        double s;
                        double cpu;
                        if (profile != null && i == warmup) {
                            ai.djl.pytorch.jni.JniUtils.startProfile(false, true, false);
                        }
                        while (true) {
                            MaskedBatch start = start(config, task, b, seed);
                            long c0 = CpuTime.preciseNow();
                            long t0 = System.nanoTime();
                            sampler.generate(start, plan, seed);
                            s = (System.nanoTime() - t0) / 1e9;
                            cpu = (CpuTime.preciseNow() - c0) / 1e9;
                            seed++;
                            if (!task.equals("caption32") || decoded[0] == CAPTION_TOKENS) {
                                break;
                            }
                            reruns++;
                            if (reruns > 20) {
                                throw new IllegalStateException("caption generation keeps stopping early ("
                                        + decoded[0] + " tokens)");
                            }
                        }
                        boolean timed = i >= warmup;
                        if (profile != null && i == warmup + iters - 1) {
                            java.nio.file.Path trace = profile.resolveSibling(profile.getFileName() + "-" + task
                                    + "-B" + b + ".json");
                            ai.djl.pytorch.jni.JniUtils.stopProfile(trace.toAbsolutePath().toString());
                            progress.accept("profile of the timed generations: " + trace);
                        }
                        progress.accept(String.format(Locale.ROOT, "%s B=%d %s %d: %.3f s (process CPU %.3f s)", task,
                                b, timed ? "timed" : "warm-up", i, s, cpu));
                        if (timed) {
                            times.add(s);
                        }
                    }
                    out.add(new Timing(task, b, times, reruns));
                }
            }
        }
        return out;
    }

    /**
     * The matrix-product FLOPs of one generation of {@code task} at batch {@code batch} on the tiny model, counted as
     * {@link FlopCounter} counts a forward pass (every linear layer, the attention products, the head on the queried
     * rows), to set a timing against the GEMM rate:
     *
     * <ul>
     *   <li>{@code roar1}: one pass, 196 encoder tokens, 196 decoder queries, the head on all 196 (with more steps,
     *       each step queries its own tokens);</li>
     *   <li>{@code maskgit8}: per step of the plan's schedule, the encoder over the condition and the tokens decoded so
     *       far, the decoder and the head over the positions still masked;</li>
     *   <li>{@code caption32}: the encoder and the decoder blocks' cross-attention keys and values once, then 32 cached
     *       steps of one query (step i attends to i + 1 keys and the 196 context tokens) and the 30000-token head.</li>
     * </ul>
     *
     * @throws IllegalArgumentException for an unknown task or a batch below 1
     */
    public static long flops(String task, int batch) {
        if (!TASKS.contains(task) || batch < 1) {
            throw new IllegalArgumentException("unknown task '" + task + "' or batch " + batch + " below 1");
        }
        FourMConfig c = TrainBench.tiny().model();
        int grid = c.modality(CONDITION).layout().length();
        long b = batch;
        if (task.equals("caption32")) {
            long d = c.dim();
            long f = c.mlpHidden();
            long mlpMats = c.mlp() == fourm.core.model.MlpKind.SWIGLU ? 3 : 2;
            long total = FlopCounter.forward(c, new FlopCounter.StepShape(batch, grid, 0,
                    Map.of(CONDITION, b * grid), Map.of())).encoder();
            total += c.decoderDepth() * 2 * b * grid * d * 2 * d;    // cross kv over the context, once
            for (int i = 0; i < CAPTION_TOKENS; i++) {
                long block = 2 * b * d * 3 * d + 2 * 2 * b * (i + 1) * d     // self qkv, attention over i + 1 keys
                        + 2 * b * d * d * 3                                  // self proj, cross q, cross proj
                        + 2 * 2 * b * grid * d                               // cross attention over the context
                        + 2 * b * d * f * mlpMats;                           // MLP
                total += c.decoderDepth() * block + 2 * b * d * c.vocabSize(CAPTION);
            }
            return total;
        }
        int target = c.modality(IMAGE_TARGET).layout().length();
        List<ScheduledStep> schedule = plan(task).schedule(t -> target);
        long total = 0;
        long decoded = 0;
        for (ScheduledStep s : schedule) {
            long left = target - decoded;
            Map<String, Long> enc = decoded == 0 ? Map.of(CONDITION, b * grid)
                    : Map.of(CONDITION, b * grid, IMAGE_TARGET, b * decoded);
            // MaskGIT queries every position still masked, ROAR only the step's tokens
            long queried = s.scheme() == fourm.api.GenerationScheme.ROAR ? Math.min(s.tokens(), left) : left;
            total += FlopCounter.forward(c, new FlopCounter.StepShape(batch, (int) (grid + decoded), (int) queried,
                    enc, Map.of(IMAGE_TARGET, b * queried))).total();
            decoded += s.tokens();
        }
        return total;
    }

    private static GenerationPlan plan(String task) {
        GenerationPlan.Builder p = GenerationPlan.builder().condition(CONDITION);
        return switch (task) {
            case "caption32" -> p.target(CAPTION, Step.autoregressive().temperature(1.0)).build();
            case "roar1" -> p.target(IMAGE_TARGET, Step.roar(1)).build();
            case "maskgit8" -> p.target(IMAGE_TARGET, Step.maskgit(8)).build();
            default -> throw new IllegalArgumentException(task);
        };
    }

    /** A full random {@value #CONDITION} grid and the empty target of {@code task}. */
    private static MaskedBatch start(FourMConfig config, String task, int batch, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        ModalitySpec grid = config.modality(CONDITION);
        int vocab = config.vocabSize(CONDITION);
        long[] ids = new long[batch * grid.layout().length()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = rng.nextInt(vocab);
        }
        Map<String, ModalityTensors> mods = new LinkedHashMap<>();
        mods.put(CONDITION, GenerationInputs.fullGrid(grid, batch, ids));
        if (task.equals("caption32")) {
            mods.put(CAPTION, GenerationInputs.emptyTarget(config.modality(CAPTION), batch, CAPTION_TOKENS + 1,
                    SpecialTokens.REFERENCE));
        } else {
            ModalitySpec target = config.modality(IMAGE_TARGET);
            mods.put(IMAGE_TARGET, GenerationInputs.emptyTarget(target, batch, target.layout().length(),
                    SpecialTokens.REFERENCE));
        }
        return new MaskedBatch(mods);
    }
}
