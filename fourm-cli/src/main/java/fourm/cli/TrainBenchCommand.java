package fourm.cli;

import fourm.bench.TrainBench;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fourm bench train}: training throughput of the reference's tiny model (dim 384, 6+6 blocks, 6 heads,
 * swiglu_nobias; tok_rgb@224 16384, tok_depth@224 8192, tok_normal@224 8192, caption 30000; batch 8, 128 + 128
 * tokens) with fourm's AdamW, next to the fp32 GEMM rate of the same engine measured in the same run
 * ({@link TrainBench}). Prints ms per step and per phase, tokens/s, model FLOP/s and their ratio to the GEMM rate.
 */
@Command(name = "train", description = {
    "Training steps of fm_tiny_6e_6d_swiglu_nobias next to the engine's fp32 GEMM rate.",
    "Vocabularies tok_rgb 16384, tok_depth 8192, tok_normal 8192, caption 30000; batch 8, 128 + 128 "
        + "tokens; forward, backward, AdamW; the GEMM rate measured in the same run. Prints s/step, the "
        + "phases, tokens/s, model FLOP/s (3 x forward matmuls, heads on their own targets) and the ratio."
})
final class TrainBenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--steps", defaultValue = "10", paramLabel = "N",
            description = "Timed steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--warmup", defaultValue = "3", paramLabel = "W",
            description = "Untimed steps first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write every timed step and the GEMM rates to "
            + "FILE (JSON).")
    java.nio.file.Path json;

    @Option(names = "--profile", paramLabel = "FILE", description = "Record the timed steps with libtorch's profiler "
            + "into FILE (a Chrome trace, JSON: every engine operation with its time and input shapes; open it in "
            + "chrome://tracing or Perfetto). The profiler's own cost is then in the timed steps.")
    java.nio.file.Path profile;

    @Override
    public Integer call() {
        if (steps < 1 || warmup < 0) {
            throw new UserError("--steps must be >= 1 and --warmup >= 0");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        double[] load = new double[] {loadAverage()};
        if (profile != null && profile.getParent() != null && !java.nio.file.Files.isDirectory(profile.getParent())) {
            throw new UserError("--profile " + profile + ": the folder " + profile.getParent() + " does not exist");
        }
        TrainBench.Result r = TrainBench.run(TrainBench.tiny().withSteps(warmup, steps), line -> {
            err.println(line);
            err.flush();
        }, profile);
        double loadAfter = loadAverage();
        TrainBench.Settings s = r.settings();
        out.println("fourm bench train: fm_tiny_6e_6d_swiglu_nobias, batch " + s.batch() + ", " + s.tokens() + " + "
                + s.tokens() + " tokens, " + r.parameters() + " parameters updated by AdamW");
        out.println(String.format(Locale.ROOT, "  step        %8.3f s  (forward %.3f, backward %.3f, optimizer %.3f)",
                r.secondsPerStep(), r.forwardSeconds(), r.backwardSeconds(), r.optimizerSeconds()));
        out.println(String.format(Locale.ROOT, "  tokens/s    %8.0f", r.tokensPerSecond()));
        out.println(String.format(Locale.ROOT, "  model       %8.1f GFLOP/s  (%.3g FLOP per step)",
                r.modelFlopsPerSecond() / 1e9, r.flopsPerStep()));
        out.println(String.format(Locale.ROOT, "  GEMM %d^3   %8.1f GFLOP/s  (before the timed steps %.1f, after %.1f)",
                s.gemmSize(), r.gemmFlopsPerSecond() / 1e9, r.gemmBefore().gflops(), r.gemmAfter().gflops()));
        out.println(String.format(Locale.ROOT, "  ratio       %8.1f %%  of the GEMM rate", 100 * r.ratio()));
        out.println(String.format(Locale.ROOT, "  per CPU s   %8.1f %%  model FLOPs per process CPU second (%.2f CPU s a step)"
                + " over GEMM FLOPs per CPU second (%.1f GFLOP)", 100 * r.cpuRatio(), r.cpuSecondsPerStep(),
                r.gemmFlopsPerCpuSecond() / 1e9));
        out.println(String.format(Locale.ROOT, "  load average %.2f before, %.2f after; engine threads %s;"
                + " OMP_WAIT_POLICY %s; MKL kernels by %s", load[0], loadAfter,
                System.getProperty("ai.djl.pytorch.num_threads", "default"),
                System.getenv().getOrDefault("OMP_WAIT_POLICY", "unset"), BenchFiles.mklKernels()));
        out.println(String.format(Locale.ROOT, "  peak resident %.2f GB (at the end: %s)",
                BenchFiles.peakResidentBytes() / 1e9, BenchFiles.residentNow()));
        out.flush();
        if (json != null) {
            com.google.gson.JsonObject root = new com.google.gson.JsonObject();
            root.addProperty("bench", "train");
            root.addProperty("config", "tiny");
            String[] names = {"step", "forward", "backward", "optimizer"};
            for (int k = 0; k < names.length; k++) {
                com.google.gson.JsonArray a = new com.google.gson.JsonArray();
                for (double[] step : r.timedSteps()) {
                    a.add(step[k]);
                }
                root.add(names[k] + "_seconds", a);
            }
            root.addProperty("flops_per_step", r.flopsPerStep());
            root.addProperty("tokens_per_step", s.tokensPerStep());
            root.addProperty("gemm_gflops_before", r.gemmBefore().gflops());
            root.addProperty("gemm_gflops_after", r.gemmAfter().gflops());
            BenchFiles.addEnvironment(root, load[0], loadAfter);
            BenchFiles.writeJson(json, root);
        }
        return Main.OK;
    }

    /** The 1-minute load average from {@code /proc/loadavg}, or NaN where there is none. */
    private static double loadAverage() {
        try {
            String s = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
            return Double.parseDouble(s.substring(0, s.indexOf(' ')));
        } catch (java.io.IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
