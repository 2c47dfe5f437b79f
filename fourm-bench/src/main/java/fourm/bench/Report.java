package fourm.bench;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns JMH results into the figures fourm reports: per configuration and benchmark (training step, forward pass),
 * the time of a step, tokens per second, model FLOP/s and their ratio to the GEMM rate measured in the same run.
 *
 * <p>Model FLOPs per step come from {@link fourm.core.model.FlopCounter} over the same seeded batches the benchmarks
 * cycle through (mean per step): 3 x the forward's matmul FLOPs for a training step, 1 x for a forward pass, each
 * output head counted on its own modality's target rows only. Tokens per step are encoder plus decoder slots,
 * {@code B * 2N}. The GEMM rate is {@code 2 n^3} over the time of one {@code n x n} product; with several GEMM
 * measurements (before and after the model benchmarks) their mean is the yardstick.
 */
public final class Report {
    /** Simple name of the training-step benchmark method. */
    public static final String TRAIN = "TrainStepBenchmark.step";
    /** Simple name of the forward benchmark method. */
    public static final String FORWARD = "ForwardBenchmark.forward";
    /** Simple name of the GEMM benchmark method. */
    public static final String GEMM = "GemmBenchmark.multiply";

    private Report() {
    }

    /**
     * One JMH result.
     *
     * @param benchmark  the benchmark's simple name, {@code Class.method}
     * @param params     its parameters
     * @param msPerOp    mean milliseconds per operation
     * @param msError    the 99.9% confidence half-width, in ms (NaN when JMH gives none)
     * @param cpuPerOp   process CPU seconds per operation ({@link CpuTime}), NaN when not recorded
     */
    public record Measured(String benchmark, Map<String, String> params, double msPerOp, double msError,
                           double cpuPerOp) {
        /** Copies the parameters. */
        public Measured {
            params = Map.copyOf(params);
        }
    }

    /**
     * What one step of a configuration costs.
     *
     * @param tokens        encoder plus decoder slots per step
     * @param trainFlops    model FLOPs of a training step (mean over the batches)
     * @param forwardFlops  model FLOPs of a forward pass (mean over the batches)
     */
    public record StepCost(long tokens, double trainFlops, double forwardFlops) {
    }

    /**
     * One line of the report.
     *
     * @param config          configuration name
     * @param kind            {@code train} or {@code forward}
     * @param msPerStep       mean time of one step
     * @param msError         its confidence half-width
     * @param tokensPerSecond tokens per second
     * @param flopsPerStep    model FLOPs per step
     * @param flopsPerSecond  model FLOP/s
     * @param ratioToGemm     model FLOP/s over the GEMM rate
     * @param cpuPerStep      process CPU seconds per step (NaN when not recorded)
     * @param cpuRatioToGemm  model FLOPs per CPU second over the GEMM's FLOPs per CPU second (NaN when not recorded)
     */
    public record Line(String config, String kind, double msPerStep, double msError, double tokensPerSecond,
                       double flopsPerStep, double flopsPerSecond, double ratioToGemm, double cpuPerStep,
                       double cpuRatioToGemm) {
    }

    /**
     * The figures.
     *
     * @param gemmRates  every GEMM measurement, FLOP/s, in run order
     * @param gemm       the yardstick: their mean (NaN without any)
     * @param gemmCpu    the GEMM's FLOPs per process CPU second, mean over the measurements (NaN if not recorded)
     * @param lines      per configuration, training first, then forward
     */
    public record Figures(List<Double> gemmRates, double gemm, double gemmCpu, List<Line> lines) {
    }

    /** The cost of a step of each configuration, from its benchmark batches. */
    public static Map<String, StepCost> costs(List<String> configs) {
        Map<String, StepCost> out = new LinkedHashMap<>();
        for (String name : configs) {
            BenchConfig c = BenchConfig.byName(name);
            List<BenchConfig.Batch> batches = c.batches(TrainStepBenchmark.BATCHES);
            out.put(name, new StepCost(c.tokensPerStep(), c.meanFlops(batches, true), c.meanFlops(batches, false)));
        }
        return out;
    }

    /**
     * Computes the figures of {@code results} with the step costs of {@code costs} (results of configurations without
     * a cost are skipped).
     */
    public static Figures compute(List<Measured> results, Map<String, StepCost> costs) {
        List<Double> rates = new ArrayList<>();
        List<Double> cpuRates = new ArrayList<>();
        for (Measured m : results) {
            if (m.benchmark().equals(GEMM)) {
                double n = Double.parseDouble(m.params().getOrDefault("size", "2048"));
                rates.add(2 * n * n * n / (m.msPerOp() / 1e3));
                cpuRates.add(2 * n * n * n / m.cpuPerOp());
            }
        }
        double gemm = rates.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double gemmCpu = cpuRates.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        List<Line> lines = new ArrayList<>();
        for (String kind : List.of("train", "forward")) {
            for (Map.Entry<String, StepCost> c : costs.entrySet()) {
                Optional<Measured> m = results.stream()
                        .filter(r -> r.benchmark().equals(kind.equals("train") ? TRAIN : FORWARD))
                        .filter(r -> c.getKey().equals(r.params().get("config"))).findFirst();
                if (m.isEmpty()) {
                    continue;
                }
                double sec = m.get().msPerOp() / 1e3;
                double flops = kind.equals("train") ? c.getValue().trainFlops() : c.getValue().forwardFlops();
                double cpu = m.get().cpuPerOp();
                lines.add(new Line(c.getKey(), kind, m.get().msPerOp(), m.get().msError(),
                        c.getValue().tokens() / sec, flops, flops / sec, flops / sec / gemm, cpu,
                        flops / cpu / gemmCpu));
            }
        }
        lines.sort((a, b) -> Integer.compare(rank(a), rank(b)));
        return new Figures(List.copyOf(rates), gemm, gemmCpu, List.copyOf(lines));
    }

    private static int rank(Line l) {
        int c = BenchConfig.NAMES.indexOf(l.config());
        return (c < 0 ? 99 : c) * 2 + (l.kind().equals("train") ? 0 : 1);
    }

    /** The figures as a Markdown table with a heading line per GEMM measurement. */
    public static String render(Figures f) {
        StringBuilder sb = new StringBuilder();
        List<String> each = new ArrayList<>();
        for (double r : f.gemmRates()) {
            each.add(String.format(Locale.ROOT, "%.1f", r / 1e9));
        }
        sb.append(String.format(Locale.ROOT, "fp32 GEMM 2048^3 through the engine: %.1f GFLOP/s (mean of %s); "
                + "%.1f GFLOP per CPU second%n%n", f.gemm() / 1e9, each, f.gemmCpu() / 1e9));
        sb.append("| config | step | ms/step | tokens/s | model GFLOP/step | model GFLOP/s | ratio to GEMM "
                + "| CPU s/step | ratio to GEMM per CPU second |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Line l : f.lines()) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %.1f ± %.1f | %.0f | %.1f | %.1f | %.1f%% | %.2f "
                            + "| %.1f%% |%n",
                    l.config(), l.kind(), l.msPerStep(), Double.isNaN(l.msError()) ? 0 : l.msError(),
                    l.tokensPerSecond(), l.flopsPerStep() / 1e9, l.flopsPerSecond() / 1e9, 100 * l.ratioToGemm(),
                    l.cpuPerStep(), 100 * l.cpuRatioToGemm()));
        }
        return sb.toString();
    }

    /** The results of a JMH JSON result file ({@code -rf json}). */
    public static List<Measured> readJmhJson(Path file) throws IOException {
        JsonElement root = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
        if (!root.isJsonArray()) {
            throw new IOException(file + ": not a JMH JSON result (expected an array)");
        }
        List<Measured> out = new ArrayList<>();
        for (JsonElement e : root.getAsJsonArray()) {
            JsonObject o = e.getAsJsonObject();
            String name = o.get("benchmark").getAsString();
            String[] parts = name.split("\\.");
            String simple = parts.length >= 2 ? parts[parts.length - 2] + "." + parts[parts.length - 1] : name;
            Map<String, String> params = new LinkedHashMap<>();
            if (o.has("params")) {
                for (Map.Entry<String, JsonElement> p : o.getAsJsonObject("params").entrySet()) {
                    params.put(p.getKey(), p.getValue().getAsString());
                }
            }
            JsonObject metric = o.getAsJsonObject("primaryMetric");
            double scale = toMillis(metric.get("scoreUnit").getAsString(), file);
            JsonElement err = metric.get("scoreError");
            double error = err == null || !err.isJsonPrimitive() || !err.getAsJsonPrimitive().isNumber() ? Double.NaN
                    : err.getAsDouble() * scale;
            double cpuPerOp = Double.NaN;
            JsonObject secondary = o.has("secondaryMetrics") ? o.getAsJsonObject("secondaryMetrics") : null;
            if (secondary != null && secondary.has("cpuSeconds") && secondary.has("ops")) {
                double ops = secondary.getAsJsonObject("ops").get("score").getAsDouble();
                cpuPerOp = secondary.getAsJsonObject("cpuSeconds").get("score").getAsDouble() / ops;
            }
            out.add(new Measured(simple, params, metric.get("score").getAsDouble() * scale, error, cpuPerOp));
        }
        return out;
    }

    private static double toMillis(String unit, Path file) throws IOException {
        return switch (unit) {
            case "s/op" -> 1e3;
            case "ms/op" -> 1;
            case "us/op" -> 1e-3;
            case "ns/op" -> 1e-6;
            default -> throw new IOException(file + ": unsupported score unit '" + unit + "' (expected time per op)");
        };
    }
}
