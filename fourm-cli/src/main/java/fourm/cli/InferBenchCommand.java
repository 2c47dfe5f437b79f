package fourm.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import fourm.bench.InferBench;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fourm bench infer}: generation latency of the tiny model ({@link InferBench}): a 32-token caption with the
 * key-value cache, ROAR in 1 step and MaskGIT in 8 steps of tok_depth@224, each conditioned on a full tok_rgb@224
 * grid, at the given batch sizes; the same model, conditioning and schedules as the reference's generation benchmark.
 * Prints the median, minimum and maximum of the timed generations; {@code --json FILE} also writes every timing.
 */
@Command(name = "infer", description = {
    "Generation latency of fm_tiny_6e_6d_swiglu_nobias: caption32, roar1, maskgit8 at batch 1 and 8.",
    "caption32: 32 caption tokens with the key-value cache; roar1: the depth token grid by ROAR in 1 step; "
        + "maskgit8: the depth token grid by MaskGIT in 8 cosine steps; each conditioned on a full random RGB token grid, "
        + "temperature 1, no top-k/top-p, no guidance. Prints the median of the timed generations."
})
final class InferBenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--tasks", defaultValue = "caption32,roar1,maskgit8", split = ",", paramLabel = "T",
            description = "Tasks (default: ${DEFAULT-VALUE}).")
    List<String> tasks;

    @Option(names = "--batches", defaultValue = "1,8", split = ",", paramLabel = "B",
            description = "Batch sizes (default: ${DEFAULT-VALUE}).")
    int[] batches;

    @Option(names = "--warmup", defaultValue = "2", paramLabel = "W",
            description = "Untimed generations first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--iters", defaultValue = "5", paramLabel = "N",
            description = "Timed generations (default: ${DEFAULT-VALUE}).")
    int iters;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write every timing to FILE (JSON).")
    Path json;

    @Option(names = "--profile", paramLabel = "PREFIX", description = "Record each task's timed generations with "
            + "libtorch's profiler into PREFIX-<task>-B<batch>.json (Chrome traces; open them in chrome://tracing or "
            + "Perfetto). The profiler's own cost is then in the timings.")
    java.nio.file.Path profile;

    @Override
    public Integer call() throws java.io.IOException {
        for (String t : tasks) {
            if (!InferBench.TASKS.contains(t)) {
                throw new UserError("--tasks " + t + ": unknown task; known: " + String.join(", ", InferBench.TASKS));
            }
        }
        if (warmup < 0 || iters < 1 || Arrays.stream(batches).anyMatch(b -> b < 1)) {
            throw new UserError("--warmup must be >= 0, --iters >= 1 and every --batches value >= 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        double loadBefore = BenchFiles.loadAverage();
        if (profile != null && profile.getParent() != null && !java.nio.file.Files.isDirectory(profile.getParent())) {
            throw new UserError("--profile " + profile + ": the folder " + profile.getParent() + " does not exist");
        }
        List<InferBench.Timing> timings = InferBench.run(tasks, batches, warmup, iters, line -> {
            err.println(line);
            err.flush();
        }, profile);
        double loadAfter = BenchFiles.loadAverage();
        out.println("fourm bench infer: fm_tiny_6e_6d_swiglu_nobias, conditioned on 196 " + fourm.bench.InferBench.CONDITION + " tokens, "
                + warmup + " warm-up + " + iters + " timed generations each");
        JsonObject root = new JsonObject();
        root.addProperty("bench", "infer");
        JsonObject tasksJson = new JsonObject();
        for (InferBench.Timing t : timings) {
            double min = t.seconds().stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
            double max = t.seconds().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
            String per = t.task().equals("caption32")
                    ? String.format(Locale.ROOT, "  (%.2f ms/token)", 1000 * t.median() / 32) : "";
            out.println(String.format(Locale.ROOT, "  %-9s B=%-2d median %8.4f s  (min %.4f, max %.4f)%s", t.task(),
                    t.batch(), t.median(), min, max, per));
            JsonObject e = new JsonObject();
            JsonArray all = new JsonArray();
            t.seconds().forEach(all::add);
            e.add("seconds", all);
            e.addProperty("median", t.median());
            e.addProperty("reruns", t.reruns());
            tasksJson.add(t.task() + "_B" + t.batch(), e);
        }
        root.add("tasks", tasksJson);
        BenchFiles.addEnvironment(root, loadBefore, loadAfter);
        out.println(String.format(Locale.ROOT, "  load average %.2f before, %.2f after; peak resident %.2f GB; "
                + "OMP_WAIT_POLICY %s; MKL kernels by %s", loadBefore, loadAfter, BenchFiles.peakResidentBytes() / 1e9,
                System.getenv().getOrDefault("OMP_WAIT_POLICY", "unset"), BenchFiles.mklKernels()));
        out.flush();
        if (json != null) {
            BenchFiles.writeJson(json, root);
        }
        return Main.OK;
    }
}
