package fourm.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import fourm.core.io.Offline;
import fourm.core.model.ForwardOutput;
import fourm.core.model.FourMModel;
import fourm.core.model.LossType;
import fourm.core.optim.AdamW;
import java.util.List;
import java.util.Map;
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
 * One training step of the 4M transformer: forward with the 'mod' loss, backward, and fourm's {@link AdamW} update
 * (the reference's defaults: betas 0.9 / 0.95, eps 1e-8, weight decay 0.05, no clipping; constant learning rate) of
 * the parameters training updates, on a masked batch of {@link BenchConfig} (cycling through {@value #BATCHES} seeded
 * batches). The score is the time of one step.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 10)
@Measurement(iterations = 3, time = 15)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true"})
public class TrainStepBenchmark {
    static {
        Offline.enforce();
    }

    /** Distinct masked batches a run cycles through. */
    public static final int BATCHES = 8;
    /** Learning rate of the update (the value does not change the cost). */
    public static final double LR = 1e-4;
    /** The reference's AdamW settings. */
    public static final AdamW.Hyper HYPER = new AdamW.Hyper(0.9, 0.95, 1e-8, 0.05, 0);

    /** The configuration: {@code tiny} or {@code micro}. */
    @Param({"tiny", "micro"})
    public String config;

    private BenchConfig cfg;
    private List<BenchConfig.Batch> batches;
    private FourMModel model;
    private AdamW optimizer;
    private int next;

    /** Builds the model (seeded), the batches and the optimizer. */
    @Setup(Level.Trial)
    public void setUp() {
        cfg = BenchConfig.byName(config);
        batches = cfg.batches(BATCHES);
        model = FourMModel.create(cfg.model(), BenchConfig.SEED);
        Map<String, NDArray> params = Steps.learned(model);
        AdamW.attachGradients(params);
        optimizer = new AdamW(params, HYPER);
    }

    /** Forward, backward, update; returns the loss. */
    @Benchmark
    public float step(CpuTime cpu) {
        long start = CpuTime.now();
        BenchConfig.Batch b = batches.get(next++ % batches.size());
        float loss;
        try (NDManager m = model.newStepManager();
             GradientCollector gc = model.manager().getEngine().newGradientCollector()) {
            ForwardOutput out = model.forward(m, b.batch(), Steps.options(cfg, b).withSparseTableGradients(true));
            NDArray l = out.loss(LossType.MOD);
            gc.backward(l);
            loss = l.getFloat();
        }
        optimizer.step(LR, 1.0);
        cpu.add(start);
        return loss;
    }

    /** Frees the optimizer's moments, the model and its gradients. */
    @TearDown(Level.Trial)
    public void tearDown() {
        optimizer.close();
        model.close();
    }
}
