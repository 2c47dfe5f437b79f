package fourm.vq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A network's tensors under the reference's state-dict names, in registration order: trainable parameters and
 * buffers (sin-cos positions, the codebook and its usage statistics), all owned by one NDManager. The one tensor
 * store of fourm-vq: the ViT and MLP tokenizers and the diffusion decoder ({@link fourm.vq.diffusion.PatchedUNet})
 * keep their weights in one; {@link VqCheckpoints} checks and reads them.
 *
 * <p>Forward passes never compute on these arrays directly: {@link #view(NDManager)} gives per-step views created in
 * the step's manager (gradients still flow to the parameters), so that every intermediate result belongs to the step
 * and closing the step frees it.
 */
public final class Params implements AutoCloseable {

    /** Trainable parameter, or buffer (saved, never touched by the optimiser). */
    public enum Role {
        PARAMETER, BUFFER
    }

    /** How a new model fills an entry. */
    public enum Init {
        /** All zeros (drawn at random by {@link #create(NDManager, List, long, Map, boolean)} when asked to). */
        ZEROS,
        /** All ones. */
        ONES,
        /** Xavier-uniform over [out, in] (qkv with its fan-out split in three, as the reference does). */
        XAVIER,
        /** PyTorch's default Linear/Conv2d weight init: U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = numel/shape[0]. */
        TORCH_DEFAULT,
        /** PyTorch's default bias init; the fan-in is given by the spec's {@code fanIn}. */
        TORCH_DEFAULT_BIAS,
        /** N(0, 1) (nn.Embedding, Memcodes codes). */
        NORMAL,
        /** Rows of a kaiming-uniform matrix, each scaled to unit length (the cosine codebook). */
        UNIT_ROWS,
        /** The ConvNeXt layer scale's start value, 1e-6 everywhere. */
        LAYER_SCALE,
        /** Filled by the caller (sin-cos tables). */
        GIVEN
    }

    /**
     * One entry.
     *
     * @param name  state-dict key
     * @param shape shape
     * @param role  parameter or buffer
     * @param init  initialisation of a new model
     * @param fanIn fan-in for {@link Init#TORCH_DEFAULT_BIAS}, else 0
     */
    public record Spec(String name, long[] shape, Role role, Init init, long fanIn) {
        public Spec {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        /** Number of values. */
        public long numel() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        @Override
        public String toString() {
            return name + " " + Arrays.toString(shape) + " " + role;
        }
    }

    /** Collects the specs of a layout in order. */
    public static final class Layout {
        private final Map<String, Spec> specs = new LinkedHashMap<>();

        /**
         * A trainable entry; {@code fanIn} is the fan-in of a {@link Init#TORCH_DEFAULT_BIAS} entry (else 0).
         *
         * @throws IllegalStateException for a name already in the layout
         */
        public Layout add(String name, Init init, long fanIn, long... shape) {
            return add(new Spec(name, shape, Role.PARAMETER, init, fanIn));
        }

        Layout param(String name, Init init, long... shape) {
            return add(new Spec(name, shape, Role.PARAMETER, init, 0));
        }

        Layout bias(String name, long fanIn, long size) {
            return add(new Spec(name, new long[] {size}, Role.PARAMETER, Init.TORCH_DEFAULT_BIAS, fanIn));
        }

        Layout buffer(String name, Init init, long... shape) {
            return add(new Spec(name, shape, Role.BUFFER, init, 0));
        }

        /** A linear layer {@code prefix.weight} [out, in] and {@code prefix.bias} [out], initialised like timm's ViT. */
        Layout linearXavier(String prefix, long in, long out) {
            param(prefix + ".weight", Init.XAVIER, out, in);
            return param(prefix + ".bias", Init.ZEROS, out);
        }

        /** A linear layer with PyTorch's default initialisation. */
        Layout linearDefault(String prefix, long in, long out) {
            param(prefix + ".weight", Init.TORCH_DEFAULT, out, in);
            return bias(prefix + ".bias", in, out);
        }

        /** A 1x1 convolution {@code prefix.weight} [out, in, 1, 1] with PyTorch's default initialisation. */
        Layout conv1x1(String prefix, long in, long out) {
            param(prefix + ".weight", Init.TORCH_DEFAULT, out, in, 1, 1);
            return bias(prefix + ".bias", in, out);
        }

        /** A LayerNorm {@code prefix.weight} (ones) and {@code prefix.bias} (zeros). */
        Layout layerNorm(String prefix, long width) {
            param(prefix + ".weight", Init.ONES, width);
            return param(prefix + ".bias", Init.ZEROS, width);
        }

        private Layout add(Spec s) {
            if (specs.put(s.name(), s) != null) {
                throw new IllegalStateException("duplicate tensor " + s.name());
            }
            return this;
        }

        /** The specs in order. */
        public List<Spec> specs() {
            return List.copyOf(specs.values());
        }
    }

    private final NDManager manager;
    private final Map<String, Spec> specs;
    private final Map<String, NDArray> arrays;

    private Params(NDManager manager, List<Spec> specs, Map<String, NDArray> arrays) {
        this.manager = manager;
        Map<String, Spec> s = new LinkedHashMap<>();
        for (Spec spec : specs) {
            s.put(spec.name(), spec);
            if (!arrays.containsKey(spec.name())) {
                throw new IllegalArgumentException("no array for " + spec.name());
            }
        }
        this.specs = Collections.unmodifiableMap(s);
        this.arrays = Collections.unmodifiableMap(new LinkedHashMap<>(arrays));
    }

    /**
     * New tensors for {@code layout}, initialised from {@code seed} (each entry from its own stream, derived from the
     * seed and its name, so the same seed gives the same weights on every machine); {@code given} supplies the
     * {@link Init#GIVEN} entries as row-major floats.
     */
    static Params create(NDManager manager, List<Spec> layout, long seed, Map<String, float[]> given) {
        return create(manager, layout, seed, given, false);
    }

    /**
     * New tensors as {@link #create(NDManager, List, long, Map)}; with {@code drawZeros} the {@link Init#ZEROS}
     * entries are drawn at random too (PyTorch's default bound of their fan-in, or of a 3x3 convolution of their
     * width for vectors): a network whose zero-initialised output layers do not hide its input, for tests and
     * benchmarks.
     */
    public static Params create(NDManager manager, List<Spec> layout, long seed, Map<String, float[]> given,
                                boolean drawZeros) {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        for (Spec s : layout) {
            arrays.put(s.name(), engineOwned(manager.create(initial(s, seed, given, drawZeros),
                    new Shape(s.shape()))));
        }
        return new Params(manager, layout, arrays);
    }

    /** Wraps arrays already in {@code manager} (loading); {@code arrays} must hold every entry of the layout. */
    public static Params wrap(NDManager manager, List<Spec> layout, Map<String, NDArray> arrays) {
        return new Params(manager, layout, arrays);
    }

    private static float[] initial(Spec s, long seed, Map<String, float[]> given, boolean drawZeros) {
        int n = Math.toIntExact(s.numel());
        float[] v = new float[n];
        long[] shape = s.shape();
        switch (s.init()) {
            case ZEROS:
                if (drawZeros) {
                    double bound = shape.length > 1 ? 1.0 / Math.sqrt((double) s.numel() / shape[0])
                            : 1.0 / Math.sqrt(9.0 * shape[0]);
                    uniform(rngFor(seed, s.name()), v, bound);
                }
                return v;
            case ONES:
                Arrays.fill(v, 1f);
                return v;
            case LAYER_SCALE:
                Arrays.fill(v, 1e-6f);
                return v;
            case GIVEN: {
                float[] g = given.get(s.name());
                if (g == null || g.length != n) {
                    throw new IllegalStateException("no initial values of length " + n + " for " + s.name());
                }
                return g.clone();
            }
            default:
                break;
        }
        SplittableRandom rng = rngFor(seed, s.name());
        switch (s.init()) {
            case XAVIER: {
                double out = shape[0];
                double in = s.numel() / shape[0];
                double bound = s.name().contains("qkv") ? Math.sqrt(6.0 / (out / 3 + in)) : Math.sqrt(6.0 / (out + in));
                uniform(rng, v, bound);
                break;
            }
            case TORCH_DEFAULT:
                uniform(rng, v, 1.0 / Math.sqrt((double) s.numel() / shape[0]));
                break;
            case TORCH_DEFAULT_BIAS:
                uniform(rng, v, 1.0 / Math.sqrt(s.fanIn()));
                break;
            case NORMAL:
                for (int i = 0; i < n; i++) {
                    v[i] = (float) rng.nextGaussian();
                }
                break;
            case UNIT_ROWS: {
                int cols = (int) shape[shape.length - 1];
                uniform(rng, v, Math.sqrt(6.0 / cols));
                for (int r = 0; r < n / cols; r++) {
                    double ss = 0;
                    for (int c = 0; c < cols; c++) {
                        ss += (double) v[r * cols + c] * v[r * cols + c];
                    }
                    double inv = 1.0 / Math.max(Math.sqrt(ss), 1e-12);
                    for (int c = 0; c < cols; c++) {
                        v[r * cols + c] = (float) (v[r * cols + c] * inv);
                    }
                }
                break;
            }
            default:
                throw new IllegalStateException("unhandled init " + s.init());
        }
        return v;
    }

    private static void uniform(SplittableRandom rng, float[] v, double bound) {
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
    }

    /** The random stream of one entry: the seed mixed with the entry's name. */
    static SplittableRandom rngFor(long seed, String name) {
        long key = seed;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            key = key * 1_000_003L + b;
        }
        return new SplittableRandom(key);
    }

    /** A copy in engine memory (arrays made from Java data are backed by direct buffers of the JVM). */
    static NDArray engineOwned(NDArray staged) {
        try (staged) {
            return staged.duplicate();
        }
    }

    /** The manager owning every tensor. */
    public NDManager manager() {
        return manager;
    }

    /** The array of {@code name}. */
    public NDArray get(String name) {
        NDArray a = arrays.get(name);
        if (a == null) {
            throw new IllegalArgumentException("the network has no tensor '" + name + "'");
        }
        return a;
    }

    /** True when there is an entry {@code name}. */
    public boolean has(String name) {
        return specs.containsKey(name);
    }

    /** Every entry in order. */
    public List<Spec> specs() {
        return List.copyOf(specs.values());
    }

    /** The spec of {@code name}. */
    Spec spec(String name) {
        Spec s = specs.get(name);
        if (s == null) {
            throw new IllegalArgumentException("the network has no tensor '" + name + "'");
        }
        return s;
    }

    /** Every key in order. */
    public List<String> keys() {
        return List.copyOf(specs.keySet());
    }

    /** The trainable parameters by name, in order. */
    public Map<String, NDArray> trainable() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Spec s : specs.values()) {
            if (s.role() == Role.PARAMETER) {
                out.put(s.name(), arrays.get(s.name()));
            }
        }
        return out;
    }

    /** Number of trainable elements. */
    public long parameterCount() {
        long n = 0;
        for (Spec s : specs.values()) {
            if (s.role() == Role.PARAMETER) {
                n += s.numel();
            }
        }
        return n;
    }

    /** Views of the tensors created in {@code m}, made on first use. */
    public View view(NDManager m) {
        return new View(m);
    }

    /** Frees every tensor. */
    @Override
    public void close() {
        manager.close();
    }

    /** Per-step views of the tensors, owned by the step's manager. */
    public final class View {
        private final NDManager m;
        private final Map<String, NDArray> views = new HashMap<>();

        private View(NDManager m) {
            this.m = m;
        }

        /** The step's manager. */
        public NDManager manager() {
            return m;
        }

        /** A view of {@code name} in the step's manager; differentiable in the parameter. */
        public NDArray get(String name) {
            NDArray v = views.get(name);
            if (v == null) {
                v = Params.this.get(name).get(m, new NDIndex("..."));
                views.put(name, v);
            }
            return v;
        }

        /** True when the network has {@code name}. */
        public boolean has(String name) {
            return Params.this.has(name);
        }
    }

    /** Names of the entries whose key starts with one of {@code prefixes}. */
    List<String> keysStartingWith(String... prefixes) {
        List<String> out = new ArrayList<>();
        for (String k : specs.keySet()) {
            for (String p : prefixes) {
                if (k.startsWith(p)) {
                    out.add(k);
                    break;
                }
            }
        }
        return out;
    }
}
