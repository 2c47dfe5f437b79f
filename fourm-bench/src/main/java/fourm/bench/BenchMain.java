package fourm.bench;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import fourm.api.io.AtomicFiles;
import fourm.core.io.Offline;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every fourm benchmark and prints the report (what {@code bin/fourm-bench} calls):
 *
 * <ol>
 *   <li>the GEMM rate ({@link GemmBenchmark});</li>
 *   <li>the training step ({@link TrainStepBenchmark}) and the forward pass ({@link ForwardBenchmark}) of each
 *       configuration;</li>
 *   <li>the GEMM rate again (the machine may have become busier or quieter meanwhile);</li>
 *   <li>the report ({@link Report}): tokens/s, model FLOP/s and the ratio to the mean GEMM rate, with the load average
 *       before and after and the engine's thread settings.</li>
 * </ol>
 *
 * <p>Options: {@code --configs tiny,micro} (default both), {@code --only train,forward} (default both),
 * {@code --quick} (short iterations, for a smoke run), {@code --out DIR} (default {@code fourm-bench/target/bench},
 * where the JMH JSON results and {@code report.md} are written), {@code --report FILE...} (only report existing JMH
 * JSON results). Forked JVMs get the offline settings and any {@code -Dai.djl.pytorch.*} property and {@code -Xmx} of
 * this JVM.
 */
public final class BenchMain {
    private BenchMain() {
    }

    /** Entry point; exit code 2 on bad arguments, 1 on a failed run. */
    public static void main(String[] args) {
        Offline.enforce();
        try {
            System.exit(run(args, System.out));
        } catch (IllegalArgumentException e) {
            System.err.println("fourm-bench: error: " + e.getMessage());
            System.exit(2);
        } catch (IOException | RunnerException e) {
            System.err.println("fourm-bench: failed: " + e);
            System.exit(1);
        }
    }

    static int run(String[] args, PrintStream out) throws IOException, RunnerException {
        List<String> configs = BenchConfig.NAMES;
        List<String> only = List.of("train", "forward");
        boolean quick = false;
        Path dir = Paths.get("fourm-bench", "target", "bench");
        List<Path> reportOnly = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--configs" -> configs = list(args, ++i, BenchConfig.NAMES);
                case "--only" -> only = list(args, ++i, List.of("train", "forward"));
                case "--quick" -> quick = true;
                case "--out" -> dir = Paths.get(value(args, ++i));
                case "--report" -> {
                    while (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                        reportOnly.add(Paths.get(args[++i]));
                    }
                }
                case "-h", "--help" -> {
                    out.println("usage: fourm-bench [--configs tiny,micro] [--only train,forward] [--quick] "
                            + "[--out DIR] [--report JMH_JSON...]");
                    return 0;
                }
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "' (see --help)");
            }
        }
        if (!reportOnly.isEmpty()) {
            List<Report.Measured> all = new ArrayList<>();
            for (Path p : reportOnly) {
                all.addAll(Report.readJmhJson(p));
            }
            out.print(Report.render(Report.compute(all, Report.costs(configs))));
            return 0;
        }
        Files.createDirectories(dir);
        String loadBefore = loadAverage();
        String started = Instant.now().toString();
        Path gemmBefore = dir.resolve("gemm-before.json");
        Path models = dir.resolve("models.json");
        Path gemmAfter = dir.resolve("gemm-after.json");
        runJmh(GemmBenchmark.class.getSimpleName(), gemmBefore, List.of(), quick, true);
        List<String> includes = new ArrayList<>();
        if (only.contains("train")) {
            includes.add(TrainStepBenchmark.class.getSimpleName());
        }
        if (only.contains("forward")) {
            includes.add(ForwardBenchmark.class.getSimpleName());
        }
        runJmh(String.join("|", includes), models, configs, quick, false);
        runJmh(GemmBenchmark.class.getSimpleName(), gemmAfter, List.of(), quick, true);
        String loadAfter = loadAverage();

        List<Report.Measured> all = new ArrayList<>(Report.readJmhJson(gemmBefore));
        all.addAll(Report.readJmhJson(models));
        all.addAll(Report.readJmhJson(gemmAfter));
        Report.Figures f = Report.compute(all, Report.costs(configs));
        StringBuilder md = new StringBuilder();
        md.append("# fourm-bench report\n\n");
        md.append("started ").append(started).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" CPUs, Java ").append(Runtime.version()).append(", ").append(threads()).append('\n');
        md.append("load average (1, 5, 15 min) before: ").append(loadBefore).append("; after: ").append(loadAfter)
                .append(quick ? "; QUICK run (short iterations)" : "").append("\n\n");
        md.append(Report.render(f));
        AtomicFiles.writeString(dir.resolve("report.md"), md.toString());
        out.print(md);
        out.println("\n(JMH results and report.md in " + dir.toAbsolutePath() + ")");
        return 0;
    }

    private static void runJmh(String include, Path result, List<String> configs, boolean quick, boolean gemm)
            throws RunnerException {
        ChainedOptionsBuilder o = new OptionsBuilder().include("fourm\\.bench\\.(" + include + ")\\.")
                .resultFormat(ResultFormatType.JSON).result(result.toString()).forks(1)
                .jvmArgsAppend(forkArgs());
        if (!configs.isEmpty()) {
            o.param("config", configs.toArray(String[]::new));
        }
        if (quick) {
            o.warmupIterations(1).warmupTime(TimeValue.seconds(gemm ? 1 : 3)).measurementIterations(gemm ? 2 : 1)
                    .measurementTime(TimeValue.seconds(gemm ? 1 : 5));
        }
        new Runner(o.build()).run();
    }

    /** Offline settings, plus the engine thread settings and heap size this JVM was given. */
    static String[] forkArgs() {
        List<String> a = new ArrayList<>(List.of("-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true"));
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-Dai.djl.pytorch.") || arg.startsWith("-Xmx")) {
                a.add(arg);
            }
        }
        return a.toArray(String[]::new);
    }

    private static String threads() {
        try {
            Engine.getEngine("PyTorch");
            return String.format(Locale.ROOT, "PyTorch intra-op threads %d, inter-op threads %d",
                    JniUtils.getNumThreads(), JniUtils.getNumInteropThreads());
        } catch (RuntimeException | LinkageError e) {
            return "engine threads unknown (" + e.getMessage() + ")";
        }
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Paths.get("/proc/loadavg")).trim().split("\\s+");
            return String.join(" ", Arrays.copyOf(f, 3));
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private static List<String> list(String[] args, int i, List<String> allowed) {
        List<String> v = Arrays.stream(value(args, i).split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .toList();
        for (String s : v) {
            if (!allowed.contains(s)) {
                throw new IllegalArgumentException(args[i - 1] + ": unknown value '" + s + "'; allowed: " + allowed);
            }
        }
        if (v.isEmpty()) {
            throw new IllegalArgumentException(args[i - 1] + " needs at least one value of " + allowed);
        }
        return v;
    }
}
