package fourm.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import fourm.core.bench.GemmRate;
import fourm.core.io.CheckpointException;
import fourm.vq.diffusion.DiffusionDecoder;
import fourm.vq.diffusion.DivaeCheckpoints;
import fourm.vq.diffusion.DivaeModel;
import fourm.vq.diffusion.DiffusionScheduler;
import fourm.vq.diffusion.GaussianNoise;
import fourm.vq.diffusion.PatchedUNet;
import fourm.vq.diffusion.SchedulerConfig;
import fourm.vq.diffusion.UNetConfig;
import fourm.vq.values.ImageValueKit;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fourm bench divae}: the reference's DiVAE diffusion decoder at the released size ({@code unet_patched}: patch
 * 4, 256 channels, 3 residual blocks per level, attention at rates 4 and 8, multipliers 1, 2, 2, 2; 224 px, 3
 * channels, a 14 x 14 conditioning map of width 32; random weights; the released DDPM x0 scheduler), next to the fp32
 * GEMM rate of the same run: one UNet evaluation per batch size, full decodes, and the resident memory of the process
 * over a long decode. With {@code --reference} the reference implementation's own decoder is timed on the same sizes
 * in a Python subprocess between two rounds of fourm's measurements, and the ratios are printed.
 */
@Command(name = "divae", description = {
    "The DiVAE diffusion decoder (unet_patched at 224 px, random weights) next to the GEMM rate of the same run.",
    "Prints ms per UNet evaluation, s per decode, model GFLOP/s and their ratio to the GEMM rate, and resident memory "
        + "over a long decode; with --reference, the reference's own decoder timed in between (Debian python3-torch) "
        + "and the ratio."})
final class DivaeBenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--side", defaultValue = "224", paramLabel = "PX", description = "Image side (default: "
            + "${DEFAULT-VALUE}).")
    int side;

    @Option(names = "--batches", defaultValue = "1", split = ",", paramLabel = "B",
            description = "Batch sizes of the UNet evaluation (default: ${DEFAULT-VALUE}).")
    int[] batches;

    @Option(names = "--decode-batches", defaultValue = "1", split = ",", paramLabel = "B",
            description = "Batch sizes of the full decode (default: ${DEFAULT-VALUE}; 0 for none).")
    int[] decodeBatches;

    @Option(names = "--steps", defaultValue = "25", paramLabel = "N",
            description = "Steps of a full decode (default: ${DEFAULT-VALUE}, the reference's demo uses 25-50).")
    int steps;

    @Option(names = "--warmup", defaultValue = "1", paramLabel = "W",
            description = "Untimed UNet evaluations first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--repeats", defaultValue = "3", paramLabel = "R",
            description = "Timed UNet evaluations; the best counts (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--rss-steps", defaultValue = "20", paramLabel = "N",
            description = "Steps of the decode whose resident memory is followed (default: ${DEFAULT-VALUE}; 0: none).")
    int rssSteps;

    @Option(names = "--reference", paramLabel = "DIR",
            description = "An export of apple/ml-4m: also time the reference's decoder (Python subprocess).")
    Path reference;

    @Mixin
    ReferenceProcess referenceProcess;

    @Option(names = "--compare-steps", split = ",", paramLabel = "N",
            description = "Instead of the timings: decode one conditioning map with the released DDPM scheduler at "
                    + "--compare-base steps and at each N steps with DDPM and with DDIM (trailing spacing), from the "
                    + "same noise seed, and print each decode's mean squared error and PSNR against the --compare-base "
                    + "one, and its time.")
    int[] compareSteps;

    @Option(names = "--compare-base", defaultValue = "50", paramLabel = "N",
            description = "Steps of the decode the --compare-steps ones are measured against (default: "
                    + "${DEFAULT-VALUE}, the most the reference's demo uses).")
    int compareBase;

    @Option(names = "--compare-checkpoint", paramLabel = "FILE",
            description = "A DiVAE checkpoint of RGB images (fourm's own file, or the reference's layout) for "
                    + "--compare-steps: random token ids of its codebook decoded at its own image size with its own "
                    + "prediction type (default: the benchmark's random-weight network on a random conditioning map).")
    Path compareCheckpoint;

    private PrintWriter out;
    private PrintWriter err;

    @Override
    public Integer call() throws Exception {
        if (side < 32 || side % 32 != 0 || steps < 1 || steps > 1000 || warmup < 0 || repeats < 1 || rssSteps < 0
                || Arrays.stream(batches).anyMatch(b -> b < 1) || Arrays.stream(decodeBatches).anyMatch(b -> b < 0)) {
            throw new UserError("--side must be a positive multiple of 32 (patch 4, three halvings), --steps in [1, 1000], --batches >= 1, "
                    + "--decode-batches >= 0, --repeats >= 1, --warmup and --rss-steps >= 0");
        }
        if (reference != null) {
            referenceProcess.check(reference);
        }
        out = spec.commandLine().getOut();
        err = spec.commandLine().getErr();
        if (compareSteps != null && compareSteps.length > 0) {
            if (compareBase < 1 || compareBase > 1000 || Arrays.stream(compareSteps).anyMatch(n -> n < 1 || n > 1000)) {
                throw new UserError("--compare-steps and --compare-base must be in [1, 1000]");
            }
            return compare();
        }
        int threads = Integer.getInteger("ai.djl.pytorch.num_threads", Runtime.getRuntime().availableProcessors());
        double load = BenchFiles.loadAverage();
        UNetConfig config = UNetConfig.unetPatched(side, 3, 32);
        int grid = side / 16;
        try (PatchedUNet unet = PatchedUNet.create(config, 1, false)) {
            DiffusionDecoder decoder = new DiffusionDecoder(unet,
                    new DiffusionScheduler(SchedulerConfig.releasedPredX0()));
            out.printf(Locale.ROOT, "fourm bench divae: unet_patched (%.1fM parameters), %d px, conditioning 32 x %d x %d,"
                    + " DDPM x0 (released), random weights; engine %s, %d threads%n", unet.parameterCount() / 1e6,
                    side, grid, grid, Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion(),
                    threads);
            out.flush();
            Round first = round(unet, decoder, grid);
            // the yardstick is measured after the first round, not at the start of the process, where the JVM's
            // compiler threads and the engine's first calls still share the cores with it (TrainBench does the same)
            GemmRate.Measurement gemmBefore = GemmRate.measure(GemmRate.DEFAULT_SIZE, 1, 3);
            JsonObject ref = null;
            Round second = null;
            if (reference != null) {
                ref = runReference(threads, grid);
                second = round(unet, decoder, grid);
            }
            GemmRate.Measurement gemmAfter = GemmRate.measure(GemmRate.DEFAULT_SIZE, 1, 3);
            double gemm = (gemmBefore.flopsPerSecond() + gemmAfter.flopsPerSecond()) / 2;
            report(unet, first, second, ref, gemm, gemmBefore, gemmAfter);
            rss(decoder, grid);
            out.printf(Locale.ROOT, "load average %.2f before, %.2f after; engine threads %d; OMP_WAIT_POLICY %s%n", load,
                    BenchFiles.loadAverage(), threads, System.getenv().getOrDefault("OMP_WAIT_POLICY", "unset"));
            out.flush();
        }
        return Main.OK;
    }

    /** {@code --compare-steps}: fewer-step decodes against the {@code --compare-base}-step one. */
    private int compare() throws IOException {
        if (compareCheckpoint != null) {
            if (!Files.exists(compareCheckpoint)) {
                throw new UserError("--compare-checkpoint " + compareCheckpoint + ": no such file or directory");
            }
            DivaeModel model;
            try {
                model = DivaeCheckpoints.load(compareCheckpoint, ImageValueKit.rgb(), Optional.empty());
            } catch (CheckpointException e) {
                throw new UserError("--compare-checkpoint " + e.getMessage());
            }
            try (model; NDManager m = NDManager.newBaseManager()) {
                int grid = model.encoder().config().imageSize() / model.encoder().config().patchSize();
                int codes = model.encoder().config().quantizer().codebookSize();
                java.util.SplittableRandom rnd = new java.util.SplittableRandom(11);
                long[] ids = new long[grid * grid];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = rnd.nextInt(codes);
                }
                NDArray cond = model.embedTokens(m, ids, 1, grid, grid);
                out.printf(Locale.ROOT, "fourm bench divae --compare-steps: %s, %d random token ids, %d px%n",
                        compareCheckpoint, ids.length, model.unet().config().imageSize());
                compare(model.unet(), model.decoder().scheduler().config(), cond, model.unet().config().imageSize());
            }
            return Main.OK;
        }
        int grid = side / 16;
        try (PatchedUNet unet = PatchedUNet.create(UNetConfig.unetPatched(side, 3, 32), 1, false);
             NDManager m = NDManager.newBaseManager()) {
            out.printf(Locale.ROOT, "fourm bench divae --compare-steps: unet_patched, random weights, %d px, a random "
                    + "32 x %d x %d conditioning map%n", side, grid, grid);
            compare(unet, SchedulerConfig.releasedPredX0(), GaussianNoise.seeded(4).next(m, new Shape(1, 32, grid,
                    grid)), side);
        }
        return Main.OK;
    }

    private void compare(PatchedUNet unet, SchedulerConfig base, NDArray cond, int px) {
        SchedulerConfig ddpm = base.withKind(SchedulerConfig.Kind.DDPM);
        long t0 = System.nanoTime();
        float[] want = decodeOnce(unet, ddpm, cond, compareBase, px);
        double baseSeconds = (System.nanoTime() - t0) / 1e9;
        out.printf(Locale.ROOT, "DDPM %d steps (the base): %.1f s%n", compareBase, baseSeconds);
        out.flush();
        for (int n : compareSteps) {
            for (SchedulerConfig.Kind kind : List.of(SchedulerConfig.Kind.DDPM, SchedulerConfig.Kind.DDIM)) {
                SchedulerConfig c = base.withKind(kind).withSpacing(SchedulerConfig.Spacing.TRAILING);
                long t1 = System.nanoTime();
                float[] got = decodeOnce(unet, c, cond, n, px);
                double s = (System.nanoTime() - t1) / 1e9;
                double sq = 0;
                for (int i = 0; i < got.length; i++) {
                    double d = got[i] - want[i];
                    sq += d * d;
                }
                double mse = sq / got.length;
                out.printf(Locale.ROOT, "%s %d steps vs DDPM %d: MSE %.5f, PSNR %.2f dB (values in [-1, 1]), %.1f s "
                        + "(%.1fx faster)%n", kind, n, compareBase, mse, 10 * Math.log10(4 / mse), s, baseSeconds / s);
                out.flush();
            }
        }
    }

    private static float[] decodeOnce(PatchedUNet unet, SchedulerConfig c, NDArray cond, int n, int px) {
        try (NDManager m = NDManager.newBaseManager()) {
            return new DiffusionDecoder(unet, new DiffusionScheduler(c)).decode(m, cond, n, px,
                    GaussianNoise.seeded(9), null).toFloatArray();
        }
    }

    /** Best times of one round of fourm's measurements. */
    private record Round(Map<Integer, Double> unetSeconds, Map<Integer, Double> decodeSeconds) {
    }

    private Round round(PatchedUNet unet, DiffusionDecoder decoder, int grid) {
        Map<Integer, Double> u = new LinkedHashMap<>();
        Map<Integer, Double> d = new LinkedHashMap<>();
        try (NDManager m = NDManager.newBaseManager()) {
            long p0 = System.nanoTime();
            try (PatchedUNet.Inference net = unet.inference()) {
                try (NDManager sm = m.newSubManager()) {
                    // packs every convolution weight (the first evaluation does it; a decode does it once)
                    net.forward(sm, GaussianNoise.seeded(2).next(sm, new Shape(1, 3, side, side)), new float[] {500},
                            GaussianNoise.seeded(2).next(sm, new Shape(1, 32, grid, grid))).toFloatArray();
                }
                err.printf(Locale.ROOT, "fourm inference path: %s; first evaluation at batch 1 (packing included):"
                        + " %.2f s%n", net.packed() ? "convolution weights packed once (oneDNN)" : "not packed (-D"
                        + PatchedUNet.PACKED_PROPERTY + "=false or no oneDNN)", (System.nanoTime() - p0) / 1e9);
                err.flush();
                unetRound(net, m, grid, u);
            }
            for (int b : decodeBatches) {
                if (b == 0) {
                    continue;
                }
                NDArray cond = GaussianNoise.seeded(4).next(m, new Shape(b, 32, grid, grid));
                try (NDManager dm = m.newSubManager()) {
                    long t0 = System.nanoTime();
                    decoder.decode(dm, cond, steps, side, GaussianNoise.seeded(5), null).toFloatArray();
                    double s = (System.nanoTime() - t0) / 1e9;
                    d.put(b, s);
                    err.printf(Locale.ROOT, "fourm decode batch %d, %d steps: %.2f s%n", b, steps, s);
                    err.flush();
                }
            }
        }
        return new Round(u, d);
    }

    /** One UNet evaluation per batch size, through the inference path, best of the repeats after the warm-up. */
    private void unetRound(PatchedUNet.Inference net, NDManager m, int grid, Map<Integer, Double> u) {
        for (int b : batches) {
            GaussianNoise noise = GaussianNoise.seeded(3);
            NDArray x = noise.next(m, new Shape(b, 3, side, side));
            NDArray cond = noise.next(m, new Shape(b, 32, grid, grid));
            double best = Double.POSITIVE_INFINITY;
            for (int i = 0; i < warmup + repeats; i++) {
                try (NDManager sm = m.newSubManager()) {
                    long t0 = System.nanoTime();
                    net.forward(sm, x, new float[] {500}, cond).toFloatArray();
                    double s = (System.nanoTime() - t0) / 1e9;
                    if (i >= warmup) {
                        best = Math.min(best, s);
                    }
                }
            }
            u.put(b, best);
            err.printf(Locale.ROOT, "fourm unet batch %d: %.3f s%n", b, best);
            err.flush();
        }
    }

    private void report(PatchedUNet unet, Round first, Round second, JsonObject ref, double gemm,
                        GemmRate.Measurement before, GemmRate.Measurement after) {
        out.printf(Locale.ROOT, "GEMM %d^3: %.1f GFLOP/s (after the first round %.1f, at the end %.1f)%n",
                before.size(), gemm / 1e9, before.gflops(), after.gflops());
        for (int b : batches) {
            double s = best(first.unetSeconds(), second == null ? null : second.unetSeconds(), b);
            double flops = unet.flops(b, side);
            out.printf(Locale.ROOT, "UNet evaluation, batch %d: %8.1f ms, %.1f GFLOP, %.1f GFLOP/s = %.1f%% of GEMM%s%n",
                    b, s * 1e3, flops / 1e9, flops / s / 1e9, 100 * flops / s / gemm,
                    ref == null ? "" : refRatio(ref, "unet", b, s));
        }
        for (int b : decodeBatches) {
            if (b == 0) {
                continue;
            }
            double s = best(first.decodeSeconds(), second == null ? null : second.decodeSeconds(), b);
            double flops = unet.flops(b, side) * steps;
            out.printf(Locale.ROOT, "decode, batch %d, %d steps: %8.2f s, %.1f GFLOP/s = %.1f%% of GEMM%s%n", b, steps, s,
                    flops / s / 1e9, 100 * flops / s / gemm, ref == null ? "" : refRatio(ref, "decode", b, s));
        }
        if (ref != null) {
            out.println(referenceProcess.describe(ref, "speed-up = reference time over fourm's (the best of its "
                    + "rounds before and after the reference)"));
        }
    }

    private static double best(Map<Integer, Double> a, Map<Integer, Double> b, int key) {
        double s = a.get(key);
        return b == null ? s : Math.min(s, b.get(key));
    }

    private static String refRatio(JsonObject ref, String what, int batch, double fourmSeconds) {
        JsonArray times = ref.getAsJsonObject(what).getAsJsonArray(Integer.toString(batch));
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < times.size(); i++) {
            best = Math.min(best, times.get(i).getAsDouble());
        }
        return String.format(Locale.ROOT, "; reference %.3f s, speed-up %.2fx", best, best / fourmSeconds);
    }

    /** Resident memory after each step of a long decode at batch 1. */
    private void rss(DiffusionDecoder decoder, int grid) {
        if (rssSteps == 0) {
            return;
        }
        long[] rss = new long[rssSteps];
        long before;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray cond = GaussianNoise.seeded(6).next(m, new Shape(1, 32, grid, grid));
            before = residentKb();
            try (NDManager dm = m.newSubManager()) {
                decoder.decode(dm, cond, rssSteps, side, GaussianNoise.seeded(7), (i, total, t) -> rss[i] = residentKb());
            }
        }
        long after = residentKb();
        long max = Arrays.stream(rss).max().orElse(0);
        StringBuilder quarters = new StringBuilder();
        for (int q = 1; q <= 3; q++) {
            int i = Math.max(0, rssSteps * q / 4 - 1);
            quarters.append(String.format(Locale.ROOT, "%.0f MB after step %d, ", rss[i] / 1024.0, i + 1));
        }
        out.printf(Locale.ROOT, "resident memory over a %d-step decode (batch 1): %.0f MB before, %.0f MB after step 1, "
                + "%s%.0f MB after step %d (max %.0f MB), %.0f MB once closed%n", rssSteps, before / 1024.0,
                rss[0] / 1024.0, quarters, rss[rssSteps - 1] / 1024.0, rssSteps, max / 1024.0, after / 1024.0);
    }

    /** VmRSS of this process in kB (0 where /proc is absent). */
    static long residentKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    private JsonObject runReference(int threads, int grid) throws IOException, InterruptedException {
        return referenceProcess.run("divae_reference_bench.py", reference, List.of("--side", Integer.toString(side),
                "--grid", Integer.toString(grid), "--batches", ReferenceProcess.join(batches), "--decode-batches",
                ReferenceProcess.join(decodeBatches), "--steps", Integer.toString(steps), "--warmup",
                Integer.toString(warmup), "--repeats", Integer.toString(repeats), "--threads",
                Integer.toString(threads)), threads, err);
    }
}
