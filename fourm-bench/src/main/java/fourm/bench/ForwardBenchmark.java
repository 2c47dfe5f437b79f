package fourm.bench;

import ai.djl.ndarray.NDManager;
import fourm.core.io.Offline;
import fourm.core.model.FourMModel;
import fourm.core.model.LossType;
import java.util.List;
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

/**
 * One forward pass of the 4M transformer as training runs it (heads on each modality's own targets, losses), without
 * gradients, on a masked batch of {@link BenchConfig}. The score is the time of one pass.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true"})
public class ForwardBenchmark {
    static {
        Offline.enforce();
    }

    /** The configuration: {@code tiny} or {@code micro}. */
    @Param({"tiny", "micro"})
    public String config;

    private BenchConfig cfg;
    private List<BenchConfig.Batch> batches;
    private FourMModel model;
    private int next;

    /** Builds the model (seeded) and the batches. */
    @Setup(Level.Trial)
    public void setUp() {
        cfg = BenchConfig.byName(config);
        batches = cfg.batches(TrainStepBenchmark.BATCHES);
        model = FourMModel.create(cfg.model(), BenchConfig.SEED);
    }

    /** One forward pass; returns the loss. */
    @Benchmark
    public float forward(CpuTime cpu) {
        long start = CpuTime.now();
        BenchConfig.Batch b = batches.get(next++ % batches.size());
        float loss;
        try (NDManager m = model.newStepManager()) {
            loss = model.forward(m, b.batch(), Steps.options(cfg, b)).loss(LossType.MOD).getFloat();
        }
        cpu.add(start);
        return loss;
    }

    /** Frees the model. */
    @TearDown(Level.Trial)
    public void tearDown() {
        model.close();
    }
}
