package fourm.core.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The machine's fp32 matrix-multiply rate through the engine fourm computes with (DJL on libtorch, its configured
 * threads): square {@code n x n} products, {@code 2 n^3} FLOPs each. This is the yardstick of every "ratio to GEMM"
 * figure (the {@code fourm-bench} benchmarks and {@code fourm bench train}); measure it in the same run as the thing it
 * is compared with, since a loaded machine moves both.
 *
 * <p>An instance holds two random operands (uniform in [-1, 1), from the engine's random generator) in its own NDManager; {@link #multiply()}
 * runs one product and frees its result. {@link #measure(int, int, int)} times repeated products.
 */
public final class GemmRate implements AutoCloseable {
    /** The default matrix side: 2048, large enough to reach the kernel's peak on a CPU. */
    public static final int DEFAULT_SIZE = 2048;

    private final NDManager manager;
    private final NDArray a;
    private final NDArray b;
    private final int n;

    private GemmRate(NDManager manager, NDArray a, NDArray b, int n) {
        this.manager = manager;
        this.a = a;
        this.b = b;
        this.n = n;
    }

    /**
     * Two random {@code n x n} fp32 operands.
     *
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public static GemmRate create(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("matrix side must be >= 1, got " + n);
        }
        NDManager m = NDManager.newBaseManager();
        try {
            NDArray a = m.randomUniform(-1f, 1f, new Shape(n, n));
            NDArray b = m.randomUniform(-1f, 1f, new Shape(n, n));
            return new GemmRate(m, a, b, n);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** The matrix side. */
    public int size() {
        return n;
    }

    /** FLOPs of one product: {@code 2 n^3}. */
    public double flopsPerMultiply() {
        return 2.0 * n * n * n;
    }

    /** One product {@code a b}; the result is freed before returning. Returns its first element (keeps it live). */
    public float multiply() {
        try (NDArray c = a.matMul(b)) {
            return c.getFloat(0, 0);
        }
    }

    /** Frees the operands. */
    @Override
    public void close() {
        manager.close();
    }

    /**
     * A timed measurement.
     *
     * @param size          matrix side
     * @param repeats       timed products
     * @param seconds       wall time of the timed products
     * @param flopsPerSecond {@code repeats * 2 n^3 / seconds}
     */
    public record Measurement(int size, int repeats, double seconds, double flopsPerSecond) {
        /** The rate in GFLOP/s. */
        public double gflops() {
            return flopsPerSecond / 1e9;
        }
    }

    /**
     * Times {@code repeats} products of side {@code n} after {@code warmup} untimed ones.
     *
     * @throws IllegalArgumentException if {@code n < 1}, {@code warmup < 0} or {@code repeats < 1}
     */
    public static Measurement measure(int n, int warmup, int repeats) {
        if (warmup < 0 || repeats < 1) {
            throw new IllegalArgumentException("need warmup >= 0 and repeats >= 1, got " + warmup + ", " + repeats);
        }
        try (GemmRate g = create(n)) {
            for (int i = 0; i < warmup; i++) {
                g.multiply();
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < repeats; i++) {
                g.multiply();
            }
            double sec = (System.nanoTime() - t0) / 1e9;
            return new Measurement(n, repeats, sec, repeats * g.flopsPerMultiply() / sec);
        }
    }
}
