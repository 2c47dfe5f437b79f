package fourm.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import fourm.api.ModalitySpec;
import fourm.api.masking.KeepScheme;
import fourm.api.masking.ModalityInput;
import fourm.api.masking.SpecialTokens;
import fourm.core.batch.MaskedBatch;
import fourm.core.bench.GemmRate;
import fourm.core.masking.AlphaMixture;
import fourm.core.masking.MaskedSample;
import fourm.core.masking.MaskingCollator;
import fourm.core.masking.MaskingConfig;
import fourm.core.masking.SampleSeeds;
import fourm.core.masking.UnifiedMasking;
import fourm.core.model.FlopCounter;
import fourm.core.model.ForwardOptions;
import fourm.core.model.ForwardOutput;
import fourm.core.model.FourMConfig;
import fourm.core.model.FourMModel;
import fourm.core.model.LossType;
import fourm.core.optim.AdamW;
import fourm.core.train.Trainer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Training throughput on this machine, measured in one run next to the fp32 GEMM rate of the same engine
 * ({@link GemmRate}): the time of whole training steps (forward with the {@code mod} loss, backward, {@link AdamW}
 * update with the gradient norm read back) on seeded masked batches, with the time of each phase, and the model FLOP/s
 * those steps reach ({@link FlopCounter}: 3 x the forward's matrix-multiply FLOPs, every head counted on its own
 * modality's target rows only) as a fraction of the GEMM rate.
 *
 * <p>Batches: random token grids and random captions of 20 to 59 words, masked by {@link UnifiedMasking} with exactly
 * N input and N target tokens per sample and one all-to-all Dirichlet component (alpha 0.5 for inputs and targets);
 * every random choice is seeded, and each batch gets its own decoder modality order, as training does.
 */
public final class TrainBench {
    private TrainBench() {
    }

    /**
     * What to measure.
     *
     * @param model        the transformer
     * @param specs        its modalities, in encoder order
     * @param batch        B
     * @param tokens       N, encoder and decoder slots per sample (each)
     * @param warmup       untimed steps first
     * @param steps        timed steps
     * @param batches      distinct masked batches the steps cycle through
     * @param gemmSize     side of the GEMM yardstick
     * @param gemmRepeats  timed products of each GEMM measurement (one before, one after the steps)
     * @param seed         seed of weights, data, masks and decoder orders
     */
    public record Settings(FourMConfig model, Map<String, ModalitySpec> specs, int batch, int tokens, int warmup,
                           int steps, int batches, int gemmSize, int gemmRepeats, long seed) {
        /** Checks the counts and copies the map. */
        public Settings {
            specs = Collections.unmodifiableMap(new LinkedHashMap<>(specs));
            if (batch < 1 || tokens < 1 || warmup < 0 || steps < 1 || batches < 1 || gemmSize < 1
                    || gemmRepeats < 1) {
                throw new IllegalArgumentException("batch, tokens, steps, batches, gemm size and repeats must be >= 1"
                        + " and warmup >= 0");
            }
        }

        /** With other step counts. */
        public Settings withSteps(int newWarmup, int newSteps) {
            return new Settings(model, specs, batch, tokens, newWarmup, newSteps, batches, gemmSize, gemmRepeats,
                    seed);
        }

        /** Encoder plus decoder slots of one step. */
        public long tokensPerStep() {
            return (long) batch * 2 * tokens;
        }
    }

    /**
     * The reference's tiny model ({@code fm_tiny_6e_6d_swiglu_nobias}: dim 384, 6+6 blocks, 6 heads) with the
     * modalities of {@link BenchConfig#tiny()}: tok_rgb@224 (16384), tok_depth@224 (8192), tok_normal@224 (8192) and
     * caption (30000); batch 8, 128 + 128 tokens; 3 warm-up and 10 timed steps over 4 batches; GEMM 2048, 10 products
     * before and after.
     */
    public static Settings tiny() {
        Map<String, ModalitySpec> specs = BenchConfig.tiny().specs();
        FourMConfig.Builder b = FourMConfig.builder().preset("fm_tiny_6e_6d_swiglu_nobias");
        for (ModalitySpec s : specs.values()) {
            b.modality(s, true, true);
        }
        return new Settings(b.build(), specs, 8, 128, 3, 10, 4, GemmRate.DEFAULT_SIZE, 10, 2024);
    }

    /**
     * The measurement.
     *
     * @param settings          what was measured
     * @param secondsPerStep    mean wall time of a timed step
     * @param forwardSeconds    mean time of the forward pass (host-side batch preparation included)
     * @param backwardSeconds   mean time of the backward pass
     * @param optimizerSeconds  mean time of the AdamW update (gradient norm included)
     * @param tokensPerSecond   encoder + decoder slots per second
     * @param flopsPerStep      mean model FLOPs of a training step
     * @param gemmBefore        the GEMM rate measured after the warm-up steps, before the timed ones
     * @param gemmAfter         the GEMM rate measured after the steps
     * @param parameters        trainable parameters updated by the optimizer
     * @param cpuSecondsPerStep CPU time of the whole process per timed step (all threads), or NaN where the process
     *                          CPU time cannot be read
     * @param gemmFlopsPerCpuSecond GEMM FLOPs per CPU second of the process over both GEMM measurements, or NaN
     * @param timedSteps        every timed step's seconds: {step, forward, backward, optimizer}, in order (for medians)
     */
    public record Result(Settings settings, double secondsPerStep, double forwardSeconds, double backwardSeconds,
                         double optimizerSeconds, double tokensPerSecond, double flopsPerStep,
                         GemmRate.Measurement gemmBefore, GemmRate.Measurement gemmAfter, long parameters,
                         double cpuSecondsPerStep, double gemmFlopsPerCpuSecond, List<double[]> timedSteps) {
        /** Copies the step list. */
        public Result {
            timedSteps = List.copyOf(timedSteps);
        }

        /** Model FLOP/s of the timed steps. */
        public double modelFlopsPerSecond() {
            return flopsPerStep / secondsPerStep;
        }

        /** The GEMM rate: the mean of the two measurements. */
        public double gemmFlopsPerSecond() {
            return (gemmBefore.flopsPerSecond() + gemmAfter.flopsPerSecond()) / 2;
        }

        /** Model FLOP/s over the GEMM rate. */
        public double ratio() {
            return modelFlopsPerSecond() / gemmFlopsPerSecond();
        }

        /**
         * Model FLOPs per CPU second of the process over GEMM FLOPs per CPU second: how well the step uses the CPU time
         * it gets, compared with the GEMM kernel. Other processes on a shared machine move this much less than the
         * wall-time ratio. NaN where the process CPU time cannot be read.
         */
        public double cpuRatio() {
            return flopsPerStep / cpuSecondsPerStep / gemmFlopsPerCpuSecond;
        }
    }

    /** The seeded masked batches and their decoder orders. */
    static List<Map.Entry<MaskedBatch, List<String>>> batches(Settings s) {
        MaskingConfig masking = new MaskingConfig(s.tokens(), s.tokens(), s.tokens(), s.tokens(),
                AlphaMixture.uniform(s.specs(), 0.5, 0.5, KeepScheme.RANDOM), SpecialTokens.REFERENCE, s.seed());
        UnifiedMasking unified = new UnifiedMasking(s.specs(), masking);
        MaskingCollator collator = new MaskingCollator(s.specs());
        List<Map.Entry<MaskedBatch, List<String>>> out = new ArrayList<>();
        for (int i = 0; i < s.batches(); i++) {
            List<MaskedSample> samples = new ArrayList<>();
            for (int j = 0; j < s.batch(); j++) {
                long index = (long) i * s.batch() + j;
                samples.add(unified.mask(index, sample(s, index)));
            }
            List<String> order = new ArrayList<>(s.specs().keySet());
            Collections.shuffle(order, new java.util.Random(SampleSeeds.forSample(s.seed(), i).nextLong()));
            out.add(Map.entry(collator.collate(samples), List.copyOf(order)));
        }
        return out;
    }

    private static Map<String, ModalityInput> sample(Settings s, long index) {
        SplittableRandom rng = SampleSeeds.forSample(s.seed() ^ 0x42454e4348L, index);
        Map<String, ModalityInput> in = new LinkedHashMap<>();
        for (ModalitySpec spec : s.specs().values()) {
            int vocab = spec.vocabSize().orElseThrow();
            if (!spec.layout().sequence()) {
                in.put(spec.key(), new ModalityInput.Grid(rng.ints(spec.maxTokens(), 0, vocab).toArray()));
            } else {
                // word ids above the special ids ([PAD], [EOS], the sentinels)
                in.put(spec.key(), new ModalityInput.Tokens(rng.ints(20 + rng.nextInt(40), 300, vocab).toArray()));
            }
        }
        return in;
    }

    /**
     * Runs the measurement: warm-up steps, GEMM, timed steps, GEMM again.
     *
     * @param progress receives one line per phase (for a console)
     */
    public static Result run(Settings s, Consumer<String> progress) {
        return run(s, progress, null);
    }

    /**
     * As {@link #run(Settings, Consumer)}, with the timed steps recorded by libtorch's profiler into {@code profile}
     * (a Chrome trace, JSON: every engine operation with its duration and input shapes) when it is not null. The
     * profiler's own cost is in the timed steps then.
     */
    public static Result run(Settings s, Consumer<String> progress, java.nio.file.Path profile) {
        GemmRate.Measurement before;
        double gemmCpu;
        List<Map.Entry<MaskedBatch, List<String>>> batches = batches(s);
        double[] forward = new double[1];
        double[] backward = new double[1];
        double[] optimizer = new double[1];
        double flops = 0;
        double[] stepCpu = new double[1];
        List<double[]> timed = new ArrayList<>();
        long params;
        double total;
        try (FourMModel model = FourMModel.create(s.model(), s.seed())) {
            Map<String, NDArray> trainable = Trainer.trainable(model);
            params = 0;
            for (NDArray p : trainable.values()) {
                params += p.size();
            }
            AdamW.attachGradients(trainable);
            try (AdamW adamw = new AdamW(trainable, new AdamW.Hyper(0.9, 0.95, 1e-8, 0.05, 0))) {
                progress.accept("warm-up: " + s.warmup() + " steps ...");
                for (int i = 0; i < s.warmup(); i++) {
                    step(model, adamw, batches.get(i % batches.size()), s, new double[3]);
                }
                if (s.warmup() > 0) {
                    progress.accept("AdamW update: " + (adamw.usesFusedKernel() ? "libtorch's fused kernel"
                            : "DJL operations"));
                }
                // the yardstick is measured here, between the warm-up and the timed steps, not at the start of the
                // process: there the JVM's compiler threads and the engine's first calls still share the two cores,
                // and the first GEMM measurement of a process came out a quarter to a third below the later ones
                progress.accept(String.format(java.util.Locale.ROOT, "GEMM %d^3 fp32, %d products ...", s.gemmSize(),
                        s.gemmRepeats()));
                double cpu0 = ProcessCpu.seconds();
                before = GemmRate.measure(s.gemmSize(), 2, s.gemmRepeats());
                gemmCpu = ProcessCpu.seconds() - cpu0;
                progress.accept(String.format(java.util.Locale.ROOT, "  %.1f GFLOP/s", before.gflops()));
                progress.accept("timed: " + s.steps() + " steps ...");
                double[] phases = new double[3];
                stepCpu[0] = ProcessCpu.seconds();
                if (profile != null) {
                    ai.djl.pytorch.jni.JniUtils.startProfile(false, true, false);
                }
                long t0 = System.nanoTime();
                for (int i = 0; i < s.steps(); i++) {
                    var b = batches.get((s.warmup() + i) % batches.size());
                    double[] one = new double[3];
                    long ts = System.nanoTime();
                    flops += step(model, adamw, b, s, one);
                    timed.add(new double[] {(System.nanoTime() - ts) / 1e9, one[0], one[1], one[2]});
                    for (int k = 0; k < 3; k++) {
                        phases[k] += one[k];
                    }
                }
                total = (System.nanoTime() - t0) / 1e9;
                stepCpu[0] = ProcessCpu.seconds() - stepCpu[0];
                if (profile != null) {
                    ai.djl.pytorch.jni.JniUtils.stopProfile(profile.toAbsolutePath().toString());
                    progress.accept("profile of the timed steps: " + profile);
                }
                forward[0] = phases[0] / s.steps();
                backward[0] = phases[1] / s.steps();
                optimizer[0] = phases[2] / s.steps();
            }
        }
        progress.accept(String.format(java.util.Locale.ROOT, "GEMM %d^3 fp32 again ...", s.gemmSize()));
        double cpu1 = ProcessCpu.seconds();
        GemmRate.Measurement after = GemmRate.measure(s.gemmSize(), 2, s.gemmRepeats());
        gemmCpu += ProcessCpu.seconds() - cpu1;
        progress.accept(String.format(java.util.Locale.ROOT, "  %.1f GFLOP/s", after.gflops()));
        double perStep = total / s.steps();
        // the CPU time of each GEMM measurement includes its 2 warm-up products
        double gemmFlops = (before.repeats() + 2 + after.repeats() + 2) * 2.0 * s.gemmSize() * s.gemmSize()
                * (double) s.gemmSize();
        return new Result(s, perStep, forward[0], backward[0], optimizer[0], s.tokensPerStep() / perStep,
                flops / s.steps(), before, after, params, stepCpu[0] / s.steps(), gemmFlops / gemmCpu, timed);
    }

    /** CPU time of this process (every thread, native ones included), from {@code /proc/self/stat}. */
    static final class ProcessCpu {
        private static final double TICKS_PER_SECOND = 100;

        private ProcessCpu() {
        }

        /** User plus system CPU seconds so far, or NaN where {@code /proc} is not available. */
        static double seconds() {
            try {
                String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" +");
                return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
            } catch (java.io.IOException | RuntimeException e) {
                return Double.NaN;
            }
        }
    }

    /** One training step; adds the phase times (seconds) to {@code phases}; returns the step's model FLOPs. */
    private static double step(FourMModel model, AdamW adamw, Map.Entry<MaskedBatch, List<String>> batch, Settings s,
                               double[] phases) {
        ForwardOptions options = ForwardOptions.defaults().withNumEncoderTokens(s.tokens())
                .withNumDecoderTokens(s.tokens()).withDecoderOrder(batch.getValue()).withSparseTableGradients(true);
        double flops;
        long t0 = System.nanoTime();
        long t1;
        try (NDManager sm = model.newStepManager()) {
            try (GradientCollector gc = model.manager().getEngine().newGradientCollector()) {
                ForwardOutput fo = model.forward(sm, batch.getKey(), options);
                NDArray loss = fo.loss(LossType.MOD);
                t1 = System.nanoTime();
                gc.backward(loss);
                flops = FlopCounter.training(model.config(), FlopCounter.shapeOf(model.config(), fo));
            }
        }
        long t2 = System.nanoTime();
        adamw.step(1e-4, 1.0);
        long t3 = System.nanoTime();
        phases[0] += (t1 - t0) / 1e9;
        phases[1] += (t2 - t1) / 1e9;
        phases[2] += (t3 - t2) / 1e9;
        return flops;
    }
}
