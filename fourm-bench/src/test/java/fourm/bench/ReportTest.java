package fourm.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's arithmetic and its reading of JMH JSON results (no benchmark runs here). */
class ReportTest {
    @TempDir
    Path dir;

    @Test
    void ratiosAreModelFlopsPerSecondOverTheMeanGemmRate() {
        List<Report.Measured> results = List.of(
                new Report.Measured(Report.GEMM, Map.of("size", "2048"), 100, 1, 0.2),
                new Report.Measured(Report.FORWARD, Map.of("config", "tiny"), 500, 5, 1.0),
                new Report.Measured(Report.TRAIN, Map.of("config", "tiny"), 2000, 20, 3.0),
                new Report.Measured(Report.GEMM, Map.of("size", "2048"), 120, 1, 0.2),
                new Report.Measured(Report.TRAIN, Map.of("config", "other"), 1, 0, Double.NaN));
        Map<String, Report.StepCost> costs = Map.of("tiny", new Report.StepCost(2048, 150e9, 50e9));

        Report.Figures f = Report.compute(results, costs);

        double g1 = 2.0 * 2048 * 2048 * 2048 / 0.100;
        double g2 = 2.0 * 2048 * 2048 * 2048 / 0.120;
        assertThat(f.gemmRates()).containsExactly(g1, g2);
        assertThat(f.gemm()).isCloseTo((g1 + g2) / 2, within(1.0));
        assertThat(f.lines()).extracting(Report.Line::kind).containsExactly("train", "forward");
        Report.Line train = f.lines().get(0);
        assertThat(train.tokensPerSecond()).isCloseTo(1024, within(1e-9));
        assertThat(train.flopsPerSecond()).isCloseTo(75e9, within(1e-3));
        assertThat(train.ratioToGemm()).isCloseTo(75e9 / f.gemm(), within(1e-12));
        Report.Line forward = f.lines().get(1);
        assertThat(forward.flopsPerSecond()).isCloseTo(100e9, within(1e-3));
        assertThat(forward.msError()).isEqualTo(5);
        double gemmPerCpuSecond = 2.0 * 2048 * 2048 * 2048 / 0.2;
        assertThat(f.gemmCpu()).isCloseTo(gemmPerCpuSecond, within(1.0));
        assertThat(train.cpuPerStep()).isEqualTo(3.0);
        assertThat(train.cpuRatioToGemm()).isCloseTo(150e9 / 3.0 / gemmPerCpuSecond, within(1e-12));
        assertThat(forward.cpuRatioToGemm()).isCloseTo(50e9 / gemmPerCpuSecond, within(1e-12));
        assertThat(Report.render(f)).contains("| tiny | train | 2000.0 ± 20.0 | 1024 | 150.0 | 75.0 |",
                "| tiny | forward | 500.0 ± 5.0 | 4096 | 50.0 | 100.0 |", "| 3.00 | 58.2% |");
    }

    @Test
    void jmhJsonIsReadInMillisecondsPerOperation() throws IOException {
        Path json = dir.resolve("r.json");
        Files.writeString(json, """
                [ { "benchmark" : "fourm.bench.TrainStepBenchmark.step", "mode" : "avgt",
                    "params" : { "config" : "micro" },
                    "primaryMetric" : { "score" : 1.5, "scoreError" : 0.25, "scoreUnit" : "s/op" },
                    "secondaryMetrics" : { "cpuSeconds" : { "score" : 9.0, "scoreUnit" : "#" },
                                           "ops" : { "score" : 4.0, "scoreUnit" : "#" } } },
                  { "benchmark" : "fourm.bench.GemmBenchmark.multiply", "mode" : "avgt",
                    "params" : { "size" : "2048" },
                    "primaryMetric" : { "score" : 95.0, "scoreError" : "NaN", "scoreUnit" : "ms/op" } } ]
                """);
        List<Report.Measured> r = Report.readJmhJson(json);
        assertThat(r).hasSize(2);
        assertThat(r.get(0).benchmark()).isEqualTo(Report.TRAIN);
        assertThat(r.get(0).params()).containsEntry("config", "micro");
        assertThat(r.get(0).msPerOp()).isEqualTo(1500);
        assertThat(r.get(0).msError()).isEqualTo(250);
        assertThat(r.get(1).benchmark()).isEqualTo(Report.GEMM);
        assertThat(r.get(1).msPerOp()).isEqualTo(95);
        assertThat(r.get(1).msError()).isNaN();
        assertThat(r.get(0).cpuPerOp()).isEqualTo(2.25);
        assertThat(r.get(1).cpuPerOp()).isNaN();
    }
}
