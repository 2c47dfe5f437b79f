package fourm.vq.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import fourm.vq.Params;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference's patched UNet diffusion decoder ({@code PatchedUNetCondCat}, see {@link UNetConfig}) on DJL
 * NDArrays, with the reference's state-dict names under {@value #PREFIX} ({@link #stateDictKeys()}), so that the
 * decoder of a released DiVAE checkpoint loads into it.
 *
 * <p>One call of {@link #forward} is one denoiser evaluation: the noisy sample [B, C, H, W], its timestep (one for the
 * batch, or one per sample) and the conditioning [B, L, h, w] give the model output [B, C, H, W] (x0, epsilon or v,
 * as the decoder was trained). Tensors belong to the network's NDManager; every intermediate result belongs to the
 * caller's manager.
 *
 * <p>Shape legend: B batch, C image channels, H x W image, P patch side, nh x nw = H/P x W/P patch grid, L conditioning
 * channels, h x w token grid, K = model channels, E = 4K timestep-embedding width, T = nh nw positions.
 */
public final class PatchedUNet implements AutoCloseable {
    /** Prefix of every tensor of the decoder inside a DiVAE checkpoint. */
    public static final String PREFIX = "decoder.";
    /** GroupNorm epsilon (PyTorch's default). */
    static final float GN_EPS = 1e-5f;

    private final UNetConfig config;
    private final Params weights;
    private final List<List<Layer>> inputBlocks;
    private final List<Layer> middleBlock;
    private final List<List<Layer>> outputBlocks;

    /** One layer of a block. */
    private sealed interface Layer permits Conv, Res, Attn, Down, Up {
    }

    /** A 3x3 convolution, padding 1. */
    private record Conv(String key, int in, int out) implements Layer {
    }

    /** A residual block; a 1x1 skip convolution when the width changes. */
    private record Res(String key, int in, int out) implements Layer {
    }

    /** Self-attention over the positions. */
    private record Attn(String key, int channels, int heads) implements Layer {
    }

    /** Stride-2 3x3 convolution ({@code .op}). */
    private record Down(String key, int channels) implements Layer {
    }

    /** Nearest x2 upsampling and a 3x3 convolution ({@code .conv}). */
    private record Up(String key, int channels) implements Layer {
    }

    private PatchedUNet(UNetConfig config, Params weights) {
        this.config = config;
        this.weights = weights;
        Structure s = structure(config);
        this.inputBlocks = s.input;
        this.middleBlock = s.middle;
        this.outputBlocks = s.output;
    }

    private record Structure(List<List<Layer>> input, List<Layer> middle, List<List<Layer>> output, int outIn) {
    }

    /** The blocks of {@code UNetModel.__init__}, in order. */
    private static Structure structure(UNetConfig c) {
        int k = c.modelChannels();
        List<Integer> mult = c.channelMult();
        int ch = mult.get(0) * k;
        int inputCh = ch;
        List<List<Layer>> input = new ArrayList<>();
        input.add(List.of(new Conv("input_blocks.0.0", c.unetInChannels(), ch)));
        Deque<Integer> chans = new ArrayDeque<>();
        chans.push(ch);
        int ds = 1;
        for (int level = 0; level < mult.size(); level++) {
            for (int r = 0; r < c.numResBlocks(); r++) {
                String p = "input_blocks." + input.size();
                List<Layer> layers = new ArrayList<>();
                layers.add(new Res(p + ".0", ch, mult.get(level) * k));
                ch = mult.get(level) * k;
                if (c.attentionResolutions().contains(ds)) {
                    layers.add(new Attn(p + ".1", ch, c.heads(ch)));
                }
                input.add(List.copyOf(layers));
                chans.push(ch);
            }
            if (level != mult.size() - 1) {
                input.add(List.of(new Down("input_blocks." + input.size() + ".0", ch)));
                chans.push(ch);
                ds *= 2;
            }
        }
        List<Layer> middle = List.of(new Res("middle_block.0", ch, ch), new Attn("middle_block.1", ch, c.heads(ch)),
                new Res("middle_block.2", ch, ch));
        List<List<Layer>> output = new ArrayList<>();
        for (int level = mult.size() - 1; level >= 0; level--) {
            for (int i = 0; i <= c.numResBlocks(); i++) {
                String p = "output_blocks." + output.size();
                int ich = chans.pop();
                List<Layer> layers = new ArrayList<>();
                layers.add(new Res(p + ".0", ch + ich, k * mult.get(level)));
                ch = k * mult.get(level);
                if (c.attentionResolutions().contains(ds)) {
                    layers.add(new Attn(p + "." + layers.size(), ch, c.heads(ch)));
                }
                if (level > 0 && i == c.numResBlocks()) {
                    layers.add(new Up(p + "." + layers.size(), ch));
                    ds /= 2;
                }
                output.add(List.copyOf(layers));
            }
        }
        if (ch != inputCh) {
            throw new IllegalStateException("unet: last width " + ch + " differs from the first " + inputCh);
        }
        return new Structure(List.copyOf(input), middle, List.copyOf(output), inputCh);
    }

    /** Every tensor of the decoder (keys with {@link #PREFIX}), in the reference's state-dict order. */
    public static List<Params.Spec> layout(UNetConfig c) {
        Params.Layout l = new Params.Layout();
        int k = c.modelChannels();
        int e = c.timeEmbedDim();
        linear(l, "time_embed.0", k, e, false);
        linear(l, "time_embed.2", e, e, false);
        Structure s = structure(c);
        for (List<Layer> block : s.input) {
            block.forEach(layer -> layout(l, layer, e));
        }
        s.middle.forEach(layer -> layout(l, layer, e));
        for (List<Layer> block : s.output) {
            block.forEach(layer -> layout(l, layer, e));
        }
        groupNorm(l, "out.0", s.outIn);
        conv(l, "out.2", s.outIn, c.unetOutChannels(), 3, true);
        return l.specs();
    }

    private static void layout(Params.Layout l, Layer layer, int emb) {
        if (layer instanceof Conv cv) {
            conv(l, cv.key(), cv.in(), cv.out(), 3, false);
        } else if (layer instanceof Down d) {
            conv(l, d.key() + ".op", d.channels(), d.channels(), 3, false);
        } else if (layer instanceof Up u) {
            conv(l, u.key() + ".conv", u.channels(), u.channels(), 3, false);
        } else if (layer instanceof Res r) {
            groupNorm(l, r.key() + ".in_layers.0", r.in());
            conv(l, r.key() + ".in_layers.2", r.in(), r.out(), 3, false);
            linear(l, r.key() + ".emb_layers.1", emb, r.out(), false);
            groupNorm(l, r.key() + ".out_layers.0", r.out());
            conv(l, r.key() + ".out_layers.3", r.out(), r.out(), 3, true);
            if (r.in() != r.out()) {
                conv(l, r.key() + ".skip_connection", r.in(), r.out(), 1, false);
            }
        } else if (layer instanceof Attn a) {
            groupNorm(l, a.key() + ".norm", a.channels());
            l.add(PREFIX + a.key() + ".qkv.weight", Params.Init.TORCH_DEFAULT, 0, 3L * a.channels(),
                    a.channels(), 1);
            l.add(PREFIX + a.key() + ".qkv.bias", Params.Init.TORCH_DEFAULT_BIAS, a.channels(),
                    3L * a.channels());
            l.add(PREFIX + a.key() + ".proj_out.weight", Params.Init.ZEROS, 0, a.channels(), a.channels(), 1);
            l.add(PREFIX + a.key() + ".proj_out.bias", Params.Init.ZEROS, 0, a.channels());
        }
    }

    private static void conv(Params.Layout l, String key, int in, int out, int kernel, boolean zero) {
        l.add(PREFIX + key + ".weight", zero ? Params.Init.ZEROS : Params.Init.TORCH_DEFAULT, 0, out, in,
                kernel, kernel);
        l.add(PREFIX + key + ".bias", zero ? Params.Init.ZEROS : Params.Init.TORCH_DEFAULT_BIAS,
                (long) in * kernel * kernel, out);
    }

    private static void linear(Params.Layout l, String key, int in, int out, boolean zero) {
        l.add(PREFIX + key + ".weight", zero ? Params.Init.ZEROS : Params.Init.TORCH_DEFAULT, 0, out, in);
        l.add(PREFIX + key + ".bias", zero ? Params.Init.ZEROS : Params.Init.TORCH_DEFAULT_BIAS, in, out);
    }

    private static void groupNorm(Params.Layout l, String key, int channels) {
        l.add(PREFIX + key + ".weight", Params.Init.ONES, 0, channels);
        l.add(PREFIX + key + ".bias", Params.Init.ZEROS, 0, channels);
    }

    /**
     * A new decoder initialised as the reference initialises one (PyTorch's defaults; the {@code zero_module}
     * layers, {@code out_layers.3}, {@code proj_out} and {@code out.2}, at zero, so its output is zero until trained).
     * The same seed gives the same weights on every machine.
     */
    public static PatchedUNet create(UNetConfig config, long seed) {
        return create(config, seed, true);
    }

    /**
     * A new decoder; with {@code zeroModules} false every tensor is random (a network whose output depends on its
     * input, for tests and benchmarks).
     */
    public static PatchedUNet create(UNetConfig config, long seed, boolean zeroModules) {
        NDManager m = NDManager.newBaseManager();
        try {
            return new PatchedUNet(config, Params.create(m, layout(config), seed, Map.of(), !zeroModules));
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** Wraps loaded tensors of {@link #layout(UNetConfig)} (keys with {@link #PREFIX}); the network owns them. */
    static PatchedUNet wrap(UNetConfig config, Params weights) {
        return new PatchedUNet(config, weights);
    }

    /** The architecture. */
    public UNetConfig config() {
        return config;
    }

    /** Every state-dict key (with {@link #PREFIX}), in the reference's order. */
    public List<String> stateDictKeys() {
        return weights.specs().stream().map(Params.Spec::name).toList();
    }

    /** The tensor stored under {@code key} (a live array of the network: do not close it). */
    public NDArray tensor(String key) {
        return weights.get(key);
    }

    /** Number of parameters. */
    public long parameterCount() {
        return weights.parameterCount();
    }

    /** The tensors (for training: {@link Params#trainable()}). */
    public Params weights() {
        return weights;
    }

    /**
     * Multiply-add FLOPs (2 per multiply-add) of one evaluation at batch {@code batch} and an
     * {@code side x side} image: every convolution, linear layer and attention product.
     */
    public double flops(int batch, int side) {
        int[] res = {side / config.patchSize()};
        double total = 0;
        List<Layer> all = new ArrayList<>();
        inputBlocks.forEach(all::addAll);
        all.addAll(middleBlock);
        outputBlocks.forEach(all::addAll);
        for (Layer l : all) {
            total += layerFlops(l, res);
        }
        total += 2.0 * 9 * res[0] * res[0] * (double) config.channelMult().get(0) * config.modelChannels()
                * config.unetOutChannels();
        double timeEmbed = 2.0 * config.modelChannels() * config.timeEmbedDim()
                + 2.0 * config.timeEmbedDim() * config.timeEmbedDim();
        return batch * total + timeEmbed;
    }

    private double layerFlops(Layer layer, int[] res) {
        double t = (double) res[0] * res[0];
        double e = config.timeEmbedDim();
        if (layer instanceof Conv c) {
            return 2.0 * 9 * t * c.in() * c.out();
        }
        if (layer instanceof Down d) {
            res[0] = (res[0] + 1) / 2;
            return 2.0 * 9 * res[0] * res[0] * d.channels() * d.channels();
        }
        if (layer instanceof Up u) {
            res[0] *= 2;
            return 2.0 * 9 * res[0] * res[0] * u.channels() * u.channels();
        }
        if (layer instanceof Res r) {
            double f = 2.0 * 9 * t * r.in() * r.out() + 2.0 * 9 * t * r.out() * r.out() + 2.0 * e * r.out();
            if (r.in() != r.out()) {
                f += 2.0 * t * r.in() * r.out();
            }
            return f;
        }
        Attn a = (Attn) layer;
        return 2.0 * t * a.channels() * 3 * a.channels() + 2.0 * 2 * t * t * a.channels()
                + 2.0 * t * a.channels() * a.channels();
    }

    /**
     * One denoiser evaluation. The result belongs to {@code m}.
     *
     * @param m         the step's manager
     * @param sample    the noisy sample [B, C, H, W] (H and W multiples of the patch size)
     * @param timesteps one timestep for the whole batch, or one per sample (they may be fractional)
     * @param cond      the conditioning [B, L, h, w], upsampled (nearest) to the patch grid
     * @return the model output [B, C, H, W]
     * @throws IllegalArgumentException for shapes that do not fit the network
     */
    public NDArray forward(NDManager m, NDArray sample, float[] timesteps, NDArray cond) {
        return forward(m, sample, timesteps, cond, null);
    }

    /**
     * The network prepared for inference ({@link Inference}): its convolution weights packed once for the engine's
     * convolution kernels, while the returned object is open. Close it before the weights change (a training step).
     */
    public Inference inference() {
        return new Inference();
    }

    /**
     * The network's inference path: the same evaluation as {@link PatchedUNet#forward} (within float rounding: the
     * convolutions give the same values bit for bit, GroupNorm is libtorch's own), with every convolution weight
     * reordered once into oneDNN's blocked layout instead of on every call, and GroupNorm + SiLU as two libtorch
     * operations instead of five. Holds a copy of the convolution weights (as much memory as they take) until closed;
     * not differentiable. Where the engine has no such kernels (not PyTorch, no oneDNN) it is {@link PatchedUNet#forward}
     * itself. Not for use from several threads at once.
     */
    public final class Inference implements AutoCloseable {
        private final UNetKernels kernels;
        private final NDManager packedManager;
        private final Map<String, NDArray> packed = new HashMap<>();

        private Inference() {
            this.kernels = Boolean.parseBoolean(System.getProperty(PACKED_PROPERTY, "true")) ? UNetKernels.open()
                    : null;
            this.packedManager = kernels == null ? null : weights.manager().newSubManager();
        }

        /** Whether the packed kernels are in use (false: {@link PatchedUNet#forward}). */
        public boolean packed() {
            return kernels != null;
        }

        /** One denoiser evaluation, as {@link PatchedUNet#forward}. The result belongs to {@code m}. */
        public NDArray forward(NDManager m, NDArray sample, float[] timesteps, NDArray cond) {
            return PatchedUNet.this.forward(m, sample, timesteps, cond, kernels == null ? null : this);
        }

        /** The packed weight of the convolution {@code key} (packed on first use). */
        NDArray packedWeight(Ctx ctx, String key, int stride, int pad) {
            NDArray w = packed.get(key);
            if (w == null) {
                w = kernels.pack(packedManager, channelPadded(ctx.local, ctx.get(key + ".weight")), stride, pad);
                packed.put(key, w);
            }
            return w;
        }

        /** Frees the packed weights and the kernels. */
        @Override
        public void close() {
            if (kernels != null) {
                packedManager.close();
                packed.clear();
                kernels.close();
            }
        }
    }

    /**
     * System property that turns the packed inference path off ({@code -Dfourm.divae.packed=false}): {@link #inference()}
     * then evaluates with {@link #forward} (for comparisons).
     */
    public static final String PACKED_PROPERTY = "fourm.divae.packed";

    private NDArray forward(NDManager m, NDArray sample, float[] timesteps, NDArray cond, Inference inf) {
        Shape s = sample.getShape();
        int p = config.patchSize();
        if (s.dimension() != 4 || s.get(1) != config.inChannels() || s.get(2) % p != 0 || s.get(3) % p != 0) {
            throw new IllegalArgumentException("the sample must be [B, " + config.inChannels() + ", H, W] with H and W"
                    + " multiples of " + p + ", got " + s);
        }
        long b = s.get(0);
        Shape cs = cond.getShape();
        if (cs.dimension() != 4 || cs.get(0) != b || cs.get(1) != config.condChannels()) {
            throw new IllegalArgumentException("the conditioning must be [" + b + ", " + config.condChannels()
                    + ", h, w], got " + cs);
        }
        if (timesteps.length != 1 && timesteps.length != b) {
            throw new IllegalArgumentException("give one timestep or one per sample (" + b + "), got "
                    + timesteps.length);
        }
        int nh = (int) (s.get(2) / p);
        int nw = (int) (s.get(3) / p);
        int down = 1 << (config.channelMult().size() - 1);
        if (nh % down != 0 || nw % down != 0) {
            throw new IllegalArgumentException("the " + nh + " x " + nw + " patch grid of a " + s.get(2) + " x "
                    + s.get(3) + " sample must divide by " + down + " (the UNet halves it "
                    + (config.channelMult().size() - 1) + " times): use sides that are multiples of " + down * p);
        }
        sample = sample.get(m, new NDIndex("..."));
        cond = cond.get(m, new NDIndex("..."));
        Ctx ctx = new Ctx(m, weights.view(m), new HashMap<>(), null, inf);
        NDArray x = sample.reshape(b, config.inChannels(), nh, p, nw, p).transpose(0, 1, 3, 5, 2, 4)
                .reshape(b, (long) config.inChannels() * p * p, nh, nw);
        x = NDArrays.concat(new NDList(x, nearest(m, cond, nh, nw)), 1);
        NDArray emb = timeEmbedding(m, ctx, timesteps);
        ctx.embAct = silu(emb);
        Deque<NDArray> hs = new ArrayDeque<>();
        NDArray h = x;
        for (List<Layer> block : inputBlocks) {
            h = apply(m, ctx, block, h);
            hs.push(h);
        }
        h = apply(m, ctx, middleBlock, h);
        for (List<Layer> block : outputBlocks) {
            NDArray skip = hs.pop();
            NDArray in = NDArrays.concat(new NDList(h, skip), 1);
            h.close();
            skip.close();
            h = apply(m, ctx, block, in);
            in.close();
        }
        h = conv(ctx, "out.2", normSilu(ctx, "out.0", h), 1, 1);
        int c = config.outChannels();
        return h.reshape(b, c, p, p, nh, nw).transpose(0, 1, 4, 2, 5, 3).reshape(b, c, (long) nh * p, (long) nw * p);
    }

    private static final NDIndex ALL = new NDIndex("...");

    /**
     * What one forward pass shares: its manager, the weight views of the current scope, the GroupNorm unit vectors
     * (in the forward's manager) and the activated timestep embedding.
     */
    private static final class Ctx {
        final NDManager root;
        final Params.View w;
        final Map<Long, NDArray[]> normAffine;
        final Inference inf;
        final NDManager local;
        NDArray embAct;

        Ctx(NDManager root, Params.View w, Map<Long, NDArray[]> normAffine, NDArray embAct, Inference inf) {
            this(root, w, normAffine, embAct, inf, root);
        }

        private Ctx(NDManager root, Params.View w, Map<Long, NDArray[]> normAffine, NDArray embAct, Inference inf,
                    NDManager local) {
            this.root = root;
            this.w = w;
            this.normAffine = normAffine;
            this.embAct = embAct;
            this.inf = inf;
            this.local = local;
        }

        /** The same context with every view in {@code lm}. */
        Ctx scoped(NDManager lm, Params weights) {
            return new Ctx(root, weights.view(lm), normAffine, embAct == null ? null : embAct.get(lm, ALL), inf, lm);
        }

        NDArray get(String key) {
            return w.get(PREFIX + key);
        }
    }

    /**
     * Applies the layers of a block, each in its own sub-manager of {@code m} that is closed as soon as the layer is
     * done (only its output survives), so that a pass holds the skip connections and one layer's intermediates, not
     * every intermediate of the network: PyTorch frees a tensor as soon as nothing refers to it, a DJL manager only
     * when it closes. The input is left to the caller; the result belongs to {@code m}.
     */
    private NDArray apply(NDManager m, Ctx ctx, List<Layer> block, NDArray x) {
        NDArray h = x;
        for (Layer layer : block) {
            NDArray out;
            try (NDManager lm = m.newSubManager()) {
                Ctx lc = ctx.scoped(lm, weights);
                NDArray v = h.get(lm, ALL);
                if (layer instanceof Conv c) {
                    out = conv(lc, c.key(), v, 1, 1);
                } else if (layer instanceof Res r) {
                    out = resBlock(lc, r, v);
                } else if (layer instanceof Attn a) {
                    out = attention(lc, a, v);
                } else if (layer instanceof Down d) {
                    out = conv(lc, d.key() + ".op", v, 2, 1);
                } else {
                    Up u = (Up) layer;
                    out = conv(lc, u.key() + ".conv", upsample2(v), 1, 1);
                }
                out.attach(m);
            }
            if (h != x) {
                h.close();
            }
            h = out;
        }
        return h;
    }

    /** The sinusoidal embedding of the timesteps through {@code time_embed}: [1 or B, E]. */
    private NDArray timeEmbedding(NDManager m, Ctx ctx, float[] timesteps) {
        int dim = config.modelChannels();
        int half = dim / 2;
        NDArray freqs = m.arange(0f, (float) half, 1f, DataType.FLOAT32).mul((float) -Math.log(10000))
                .div((float) half).exp();
        NDArray args = m.create(timesteps, new Shape(timesteps.length, 1)).mul(freqs.reshape(1, half));
        NDArray e = NDArrays.concat(new NDList(args.cos(), args.sin()), 1);
        if (dim % 2 == 1) {
            e = NDArrays.concat(new NDList(e, m.zeros(new Shape(timesteps.length, 1))), 1);
        }
        NDArray h = Linear.linear(e, ctx.get("time_embed.0.weight"), ctx.get("time_embed.0.bias"))
                .singletonOrThrow();
        return Linear.linear(silu(h), ctx.get("time_embed.2.weight"), ctx.get("time_embed.2.bias"))
                .singletonOrThrow();
    }

    /**
     * A residual block. Temporaries are updated in place and closed as soon as they are used, so that the allocator
     * hands the same memory to the next operation (the results are the reference's operations in its order).
     */
    private NDArray resBlock(Ctx ctx, Res r, NDArray x) {
        String k = r.key();
        if (ctx.inf != null) {
            boolean skip = r.in() != r.out();
            NDArray[] a = new NDArray[skip ? 13 : 11];
            a[0] = ctx.embAct;
            a[1] = ctx.get(k + ".in_layers.0.weight");
            a[2] = ctx.get(k + ".in_layers.0.bias");
            a[3] = ctx.inf.packedWeight(ctx, k + ".in_layers.2", 1, 1);
            a[4] = ctx.get(k + ".in_layers.2.bias");
            a[5] = ctx.get(k + ".emb_layers.1.weight");
            a[6] = ctx.get(k + ".emb_layers.1.bias");
            a[7] = ctx.get(k + ".out_layers.0.weight");
            a[8] = ctx.get(k + ".out_layers.0.bias");
            a[9] = ctx.inf.packedWeight(ctx, k + ".out_layers.3", 1, 1);
            a[10] = ctx.get(k + ".out_layers.3.bias");
            if (skip) {
                a[11] = ctx.inf.packedWeight(ctx, k + ".skip_connection", 1, 0);
                a[12] = ctx.get(k + ".skip_connection.bias");
            }
            return ctx.inf.kernels.resBlock(ctx.local, x, a, 1e-5);
        }
        NDArray a = normSilu(ctx, k + ".in_layers.0", x);
        NDArray h = conv(ctx, k + ".in_layers.2", a, 1, 1);
        a.close();
        try (NDArray e = Linear.linear(ctx.embAct, ctx.get(k + ".emb_layers.1.weight"),
                ctx.get(k + ".emb_layers.1.bias")).singletonOrThrow()) {
            h.addi(e.reshape(e.getShape().get(0), r.out(), 1, 1));
        }
        NDArray b = normSilu(ctx, k + ".out_layers.0", h);
        h.close();
        NDArray out = conv(ctx, k + ".out_layers.3", b, 1, 1);
        b.close();
        if (r.in() == r.out()) {
            return out.addi(x);
        }
        try (NDArray skip = conv(ctx, k + ".skip_connection", x, 1, 0)) {
            return out.addi(skip);
        }
    }

    /** {@code SiLU(GroupNorm(x))} in one new array. */
    private static NDArray normSilu(Ctx ctx, String key, NDArray x) {
        if (ctx.inf != null) {
            return ctx.inf.kernels.groupNormSilu(ctx.local, x, ctx.get(key + ".weight"), ctx.get(key + ".bias"),
                    UNetConfig.GROUPS, 1e-5);
        }
        NDArray y = groupNorm(ctx, key, x);
        try (NDArray sig = Activation.sigmoid(y)) {
            return y.muli(sig);
        }
    }

    /** The "legacy" QKV attention: heads split before q, k, v; both q and k scaled by {@code ch^-1/4}. */
    private NDArray attention(Ctx ctx, Attn a, NDArray x) {
        Shape s = x.getShape();
        long b = s.get(0);
        long c = s.get(1);
        long t = s.get(2) * s.get(3);
        NDArray xf = x.reshape(b, c, t);
        NDArray n = groupNorm(ctx, a.key() + ".norm", xf);
        NDArray qkv = ctx.get(a.key() + ".qkv.weight").reshape(3 * c, c).matMul(n)
                .add(ctx.get(a.key() + ".qkv.bias").reshape(3 * c, 1));
        long heads = a.heads();
        long ch = c / heads;
        qkv = qkv.reshape(b * heads, 3 * ch, t);
        // the scale as an array of the pass's own manager (open until after the backward pass), not mul(Number): DJL
        // wraps a Java number in a temporary array over a JVM direct buffer and closes it at once, while autograd
        // keeps that tensor for the backward pass, which reads freed memory once the garbage collector has released
        // the buffer (garbage gradients, then NaN weights)
        NDArray scale = ctx.root.create((float) (1 / Math.sqrt(Math.sqrt(ch))));
        NDArray q = qkv.get(new NDIndex(":, 0:{}, :", ch)).mul(scale);
        NDArray k = qkv.get(new NDIndex(":, {}:{}, :", ch, 2 * ch)).mul(scale);
        NDArray v = qkv.get(new NDIndex(":, {}:, :", 2 * ch));
        NDArray weight = q.transpose(0, 2, 1).matMul(k).softmax(-1);
        NDArray out = v.matMul(weight.transpose(0, 2, 1)).reshape(b, c, t);
        NDArray proj = ctx.get(a.key() + ".proj_out.weight").reshape(c, c).matMul(out)
                .add(ctx.get(a.key() + ".proj_out.bias").reshape(c, 1));
        return xf.add(proj).reshape(s);
    }

    private static NDArray conv(Ctx ctx, String key, NDArray x, int stride, int pad) {
        NDArray in = channelPadded(ctx.local, x);
        if (ctx.inf != null) {
            return ctx.inf.kernels.conv(ctx.local, in, ctx.inf.packedWeight(ctx, key, stride, pad),
                    ctx.get(key + ".bias"), stride, pad);
        }
        return Conv2d.conv2d(in, channelPadded(ctx.local, ctx.get(key + ".weight")), ctx.get(key + ".bias"),
                new Shape(stride, stride), new Shape(pad, pad), new Shape(1, 1), 1).singletonOrThrow();
    }

    /** Channel blocks of libtorch's CPU convolution: see {@link #paddedChannels}. */
    static final int CHANNEL_BLOCK = 16;

    /**
     * The input channels a convolution over {@code c} channels is run with: {@code c} up to 8 and for multiples of
     * {@value #CHANNEL_BLOCK}, else the next multiple of {@value #CHANNEL_BLOCK}. libtorch's CPU convolution (oneDNN)
     * works on blocks of 16 input channels (8 on AVX2); for a count that leaves a partial block it multiplies padding
     * lanes of a buffer it does not clear by zero weights, so where that memory held NaN or Inf bit patterns of an
     * earlier, freed tensor every output turned NaN (0 * NaN), forward and backward, now and then and only once memory
     * was being reused (the UNet's first convolution: image patches and conditioning, 3 x 4 x 4 + 4 = 52 channels in
     * the tiny DiVAE preset). Zero channels with zero weights leave no partial block and change no sum. Every other
     * width of the UNet is a multiple of 32 ({@link UNetConfig#GROUPS}).
     */
    static long paddedChannels(long c) {
        return c <= 8 || c % CHANNEL_BLOCK == 0 ? c : (c + CHANNEL_BLOCK - 1) / CHANNEL_BLOCK * CHANNEL_BLOCK;
    }

    /**
     * {@code a} (an input [B, C, H, W] or a weight [O, C, k, k]) with zero channels appended along axis 1 up to
     * {@link #paddedChannels}, in {@code m} (differentiable in {@code a}); {@code a} itself when it needs none.
     */
    private static NDArray channelPadded(NDManager m, NDArray a) {
        Shape s = a.getShape();
        long c = paddedChannels(s.get(1));
        if (c == s.get(1)) {
            return a;
        }
        long[] zeros = s.getShape();
        zeros[1] = c - s.get(1);
        return NDArrays.concat(new NDList(a, m.zeros(new Shape(zeros), a.getDataType())), 1);
    }

    /**
     * GroupNorm with {@value UNetConfig#GROUPS} groups (eps 1e-5) over [B, C, ...], computed as a layer norm of each
     * group followed by the per-channel affine map.
     */
    private static NDArray groupNorm(Ctx ctx, String key, NDArray x) {
        if (ctx.inf != null) {
            return ctx.inf.kernels.groupNorm(ctx.local, x, ctx.get(key + ".weight"), ctx.get(key + ".bias"),
                    UNetConfig.GROUPS, 1e-5);
        }
        Shape s = x.getShape();
        long b = s.get(0);
        long c = s.get(1);
        long n = s.size() / (b * UNetConfig.GROUPS);
        NDArray[] unit = ctx.normAffine.computeIfAbsent(n, len -> new NDArray[] {
            ctx.root.ones(new Shape(len)), ctx.root.zeros(new Shape(len))});
        NDArray y = LayerNorm.layerNorm(x.reshape(b, UNetConfig.GROUPS, n), new Shape(n), unit[0], unit[1], GN_EPS)
                .singletonOrThrow().reshape(s);
        long[] affine = new long[s.dimension()];
        java.util.Arrays.fill(affine, 1);
        affine[1] = c;
        Shape as = new Shape(affine);
        return y.muli(ctx.get(key + ".weight").reshape(as)).addi(ctx.get(key + ".bias").reshape(as));
    }

    private static NDArray silu(NDArray x) {
        return x.mul(Activation.sigmoid(x));
    }

    /** Nearest x2 upsampling of [B, C, H, W]. */
    private static NDArray upsample2(NDArray x) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), s.get(2), 1, s.get(3), 1)
                .broadcast(new Shape(s.get(0), s.get(1), s.get(2), 2, s.get(3), 2))
                .reshape(s.get(0), s.get(1), s.get(2) * 2, s.get(3) * 2);
    }

    /**
     * {@code F.interpolate(x, (oh, ow), mode="nearest")} of [B, L, h, w]: output row i takes input row
     * {@code min(floor(i * (h / oh)), h - 1)} (the scale in float, as PyTorch computes it), each axis as a product
     * with a 0/1 selection matrix (exact).
     */
    static NDArray nearest(NDManager m, NDArray x, int oh, int ow) {
        Shape s = x.getShape();
        int h = (int) s.get(2);
        int w = (int) s.get(3);
        if (h == oh && w == ow) {
            return x;
        }
        NDArray rows = m.create(selection(h, oh), new Shape(oh, h));
        NDArray cols = m.create(selection(w, ow), new Shape(ow, w)).transpose();
        return rows.matMul(x).matMul(cols);
    }

    private static float[] selection(int in, int out) {
        float[] sel = new float[out * in];
        float scale = (float) in / out;
        for (int i = 0; i < out; i++) {
            int src;
            if (out == in) {
                src = i;
            } else if (out == 2 * in) {
                src = i >> 1;
            } else {
                src = Math.min((int) Math.floor(i * scale), in - 1);
            }
            sel[i * in + src] = 1f;
        }
        return sel;
    }

    /** Frees every tensor. */
    @Override
    public void close() {
        weights.close();
    }
}
