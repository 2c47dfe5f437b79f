package fourm.bench;

import fourm.core.io.Offline;
import fourm.core.bench.GemmRate;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** The machine's fp32 GEMM rate through the engine ({@link GemmRate}): one {@code size^3} product per op. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true"})
public class GemmBenchmark {
    static {
        Offline.enforce();
    }

    /** Matrix side. */
    @Param({"2048"})
    public int size;

    private GemmRate gemm;

    /** Random operands. */
    @Setup(Level.Trial)
    public void setUp() {
        gemm = GemmRate.create(size);
    }

    /** One product. */
    @Benchmark
    public float multiply(CpuTime cpu) {
        long start = CpuTime.now();
        float x = gemm.multiply();
        cpu.add(start);
        return x;
    }

    /** Frees the operands. */
    @TearDown(Level.Trial)
    public void tearDown() {
        gemm.close();
    }
}
