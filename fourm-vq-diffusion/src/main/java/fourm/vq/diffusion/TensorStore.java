package fourm.vq.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Named tensors in registration order, owned by one NDManager: the diffusion decoder's parameters under the
 * reference's state-dict names. Computations never run on these arrays directly: {@link #view(NDManager)} gives views
 * created in a step's manager, so every result of a step belongs to the step and closing it frees them.
 */
final class TensorStore implements AutoCloseable {

    /** How a new network fills an entry. */
    enum Init {
        /** All zeros (the reference's {@code zero_module} layers, GroupNorm biases). */
        ZEROS,
        /** All ones (GroupNorm weights). */
        ONES,
        /** PyTorch's default weight init: U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = numel / shape[0]. */
        TORCH_DEFAULT,
        /** PyTorch's default bias init with the spec's fan-in. */
        TORCH_DEFAULT_BIAS
    }

    /**
     * One entry.
     *
     * @param name  state-dict key
     * @param shape shape
     * @param init  initialisation of a new network
     * @param fanIn fan-in of a {@link Init#TORCH_DEFAULT_BIAS} entry, else 0
     */
    record Spec(String name, long[] shape, Init init, long fanIn) {
        Spec {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        long numel() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        @Override
        public String toString() {
            return name + " " + Arrays.toString(shape);
        }
    }

    /** Collects specs in order; duplicate names are a programming error. */
    static final class Layout {
        private final Map<String, Spec> specs = new LinkedHashMap<>();

        Layout add(String name, Init init, long fanIn, long... shape) {
            if (specs.put(name, new Spec(name, shape, init, fanIn)) != null) {
                throw new IllegalStateException("duplicate tensor " + name);
            }
            return this;
        }

        List<Spec> specs() {
            return List.copyOf(specs.values());
        }
    }

    private final NDManager manager;
    private final Map<String, Spec> specs;
    private final Map<String, NDArray> arrays;

    private TensorStore(NDManager manager, List<Spec> layout, Map<String, NDArray> arrays) {
        Map<String, Spec> s = new LinkedHashMap<>();
        for (Spec spec : layout) {
            s.put(spec.name(), spec);
            if (!arrays.containsKey(spec.name())) {
                throw new IllegalArgumentException("no array for " + spec.name());
            }
        }
        this.manager = manager;
        this.specs = Collections.unmodifiableMap(s);
        this.arrays = Collections.unmodifiableMap(new LinkedHashMap<>(arrays));
    }

    /**
     * New tensors in {@code manager}, each drawn from its own stream (the seed mixed with its name), so the same seed
     * gives the same weights on every machine. With {@code zeroModules} false the reference's zero-initialised
     * layers are drawn like any other (a network whose output depends on its input, for tests and benchmarks).
     */
    static TensorStore create(NDManager manager, List<Spec> layout, long seed, boolean zeroModules) {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        for (Spec s : layout) {
            float[] v = initial(s, seed, zeroModules);
            try (NDArray staged = manager.create(v, new Shape(s.shape()))) {
                arrays.put(s.name(), staged.duplicate());
            }
        }
        return new TensorStore(manager, layout, arrays);
    }

    /** Wraps arrays already in {@code manager} (loading). */
    static TensorStore wrap(NDManager manager, List<Spec> layout, Map<String, NDArray> arrays) {
        return new TensorStore(manager, layout, arrays);
    }

    private static float[] initial(Spec s, long seed, boolean zeroModules) {
        int n = Math.toIntExact(s.numel());
        float[] v = new float[n];
        Init init = s.init();
        if (init == Init.ONES) {
            Arrays.fill(v, 1f);
            return v;
        }
        if (init == Init.ZEROS && zeroModules) {
            return v;
        }
        double bound;
        if (init == Init.TORCH_DEFAULT_BIAS) {
            bound = 1.0 / Math.sqrt(s.fanIn());
        } else if (init == Init.TORCH_DEFAULT) {
            bound = 1.0 / Math.sqrt((double) s.numel() / s.shape()[0]);
        } else if (s.shape().length > 1) {
            bound = 1.0 / Math.sqrt((double) s.numel() / s.shape()[0]);
        } else {
            // a zero-initialised bias drawn for a non-trivial network: the bound of a 3x3 convolution of its width
            bound = 1.0 / Math.sqrt(9.0 * s.shape()[0]);
        }
        SplittableRandom rng = rngFor(seed, s.name());
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
        return v;
    }

    /** The random stream of one entry: the seed mixed with the entry's name. */
    static SplittableRandom rngFor(long seed, String name) {
        long key = seed;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            key = key * 1_000_003L + b;
        }
        return new SplittableRandom(key);
    }

    /** Every entry in order. */
    List<Spec> specs() {
        return List.copyOf(specs.values());
    }

    /** The live array of {@code name}. */
    NDArray get(String name) {
        NDArray a = arrays.get(name);
        if (a == null) {
            throw new IllegalArgumentException("the network has no tensor '" + name + "'");
        }
        return a;
    }

    /** Number of values. */
    long count() {
        long n = 0;
        for (Spec s : specs.values()) {
            n += s.numel();
        }
        return n;
    }

    /** Views of the tensors in {@code m}, made on first use. */
    View view(NDManager m) {
        return new View(m);
    }

    @Override
    public void close() {
        manager.close();
    }

    /** Per-step views of the tensors, owned by the step's manager. */
    final class View {
        private final NDManager m;
        private final Map<String, NDArray> views = new HashMap<>();

        private View(NDManager m) {
            this.m = m;
        }

        NDManager manager() {
            return m;
        }

        NDArray get(String name) {
            NDArray v = views.get(name);
            if (v == null) {
                v = TensorStore.this.get(name).get(m, new NDIndex("..."));
                views.put(name, v);
            }
            return v;
        }
    }
}
