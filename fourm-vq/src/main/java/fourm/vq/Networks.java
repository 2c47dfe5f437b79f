package fourm.vq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import fourm.vq.VqConfig.Network;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tokenizer networks of spec-4m.md §6.1 with the reference's state-dict names: the ViT encoder and decoder
 * ({@code encoder.*}, {@code decoder.*}) and the bottleneck MLP.
 *
 * <ul>
 *   <li><b>ViT encoder</b>: {@code proj} is a Conv2d [D, C, P, P] with stride P, computed as a linear map of the
 *       {@code (c ph pw)}-flattened patches (for feature maps P = 1: a 1x1 convolution); {@code pos_emb} [1, D, h, w]
 *       (2D sin-cos, resized to the grid); {@code blocks.i} pre-norm timm blocks (LayerNorm eps 1e-6, qkv bias, GELU
 *       MLP); no final LayerNorm; optional {@code norm_mlp} + {@code post_mlp} (tanh).</li>
 *   <li><b>ViT decoder</b>: {@code pos_emb}, {@code blocks.i}, optional post-MLP, {@code out_proj} Linear(D, C P P)
 *       unpatchified {@code b (nh nw) (c ph pw) -> b c (nh ph) (nw pw)}, optional {@code out_conv.{0,1}}: two
 *       ConvNeXt blocks on the decoded map (depth-wise 7x7 conv, LayerNorm over channels, C to 4C to C, layer scale
 *       {@code gamma}, residual).</li>
 *   <li><b>Bottleneck MLP</b>: {@code linear_in}, blocks {@code x + block(layernorms.i(x))} with
 *       {@code blocks.i.block.0} (thin to wide), GELU, {@code blocks.i.block.2} (wide to thin), {@code linear_out};
 *       LayerNorm eps 1e-5 (nn.LayerNorm's default); applied to each position of a map.</li>
 * </ul>
 *
 * <p>Shape legend: B batch, C channels, H x W image, P patch, h x w = H/P x W/P token grid, N = h w tokens, D width.
 */
final class Networks {
    private Networks() {
    }

    // ----------------------------------------------------------------------------------------------------- layout

    /** The ViT encoder's tensors under {@code encoder.}. */
    static void vitEncoderLayout(Params.Layout l, Network net, int channels, int patch, int grid, boolean postMlp) {
        long d = net.dim();
        l.buffer("encoder.pos_emb", Params.Init.GIVEN, 1, d, grid, grid);
        l.param("encoder.proj.weight", Params.Init.TORCH_DEFAULT, d, channels, patch, patch);
        l.bias("encoder.proj.bias", (long) channels * patch * patch, d);
        vitBlocks(l, "encoder", net, postMlp);
    }

    /** The ViT decoder's tensors under {@code decoder.}. */
    static void vitDecoderLayout(Params.Layout l, Network net, int outChannels, int patch, int grid, boolean postMlp,
                                 boolean outConv) {
        long d = net.dim();
        l.buffer("decoder.pos_emb", Params.Init.GIVEN, 1, d, grid, grid);
        vitBlocks(l, "decoder", net, postMlp);
        l.linearXavier("decoder.out_proj", d, (long) outChannels * patch * patch);
        if (outConv) {
            for (int i = 0; i < OUT_CONV_BLOCKS; i++) {
                convNextLayout(l, "decoder.out_conv." + i, outChannels);
            }
        }
    }

    /** Blocks of the {@code out_conv} head. */
    static final int OUT_CONV_BLOCKS = 2;
    /** Kernel side of the ConvNeXt depth-wise convolution (padding 3). */
    static final int CONVNEXT_KERNEL = 7;

    /**
     * One ConvNeXt block on {@code c} channels, in the reference's registration order: {@code gamma} (layer scale),
     * {@code dwconv} (depth-wise 7x7, [c, 1, 7, 7]), {@code norm} (LayerNorm eps 1e-6 over channels), {@code pwconv1}
     * (c to 4c), {@code pwconv2} (4c to c). The linear layers are initialised like the ViT's (xavier, zero bias).
     */
    private static void convNextLayout(Params.Layout l, String prefix, long c) {
        l.param(prefix + ".gamma", Params.Init.LAYER_SCALE, c);
        l.param(prefix + ".dwconv.weight", Params.Init.TORCH_DEFAULT, c, 1, CONVNEXT_KERNEL, CONVNEXT_KERNEL);
        l.bias(prefix + ".dwconv.bias", (long) CONVNEXT_KERNEL * CONVNEXT_KERNEL, c);
        l.layerNorm(prefix + ".norm", c);
        l.linearXavier(prefix + ".pwconv1", c, 4 * c);
        l.linearXavier(prefix + ".pwconv2", 4 * c, c);
    }

    private static void vitBlocks(Params.Layout l, String prefix, Network net, boolean postMlp) {
        long d = net.dim();
        long f = d * net.mlpRatio();
        for (int i = 0; i < net.depth(); i++) {
            String b = prefix + ".blocks." + i;
            l.layerNorm(b + ".norm1", d);
            l.layerNorm(b + ".norm2", d);
            l.linearXavier(b + ".attn.qkv", d, 3 * d);
            l.linearXavier(b + ".attn.proj", d, d);
            l.linearXavier(b + ".mlp.fc1", d, f);
            l.linearXavier(b + ".mlp.fc2", f, d);
        }
        if (postMlp) {
            l.layerNorm(prefix + ".norm_mlp", d);
            l.linearXavier(prefix + ".post_mlp.fc1", d, f);
            l.linearXavier(prefix + ".post_mlp.fc2", f, d);
        }
    }

    /**
     * A bottleneck MLP's tensors under {@code prefix.} (input {@code in}, output {@code out}), in the reference's
     * registration order: {@code linear_in}, {@code linear_out}, the blocks, the LayerNorms.
     */
    static void mlpLayout(Params.Layout l, String prefix, Network net, int in, int out) {
        long thin = net.dim();
        long wide = thin * net.mlpRatio();
        l.linearDefault(prefix + ".linear_in", in, thin);
        l.linearDefault(prefix + ".linear_out", thin, out);
        for (int i = 0; i < net.depth(); i++) {
            l.linearDefault(prefix + ".blocks." + i + ".block.0", thin, wide);
            l.linearDefault(prefix + ".blocks." + i + ".block.2", wide, thin);
        }
        for (int i = 0; i < net.depth(); i++) {
            l.layerNorm(prefix + ".layernorms." + i, thin);
        }
    }

    // ---------------------------------------------------------------------------------------------------- forward

    /**
     * The ViT encoder: [B, C, H, W] to tokens [B, N, D].
     *
     * @param pos the positional table of the model (resized to the grid and cached)
     */
    static NDArray vitEncode(Params.View p, NDArray x, Network net, int patch, boolean postMlp, PositionTable pos) {
        Shape s = x.getShape();
        int h = (int) (s.get(2) / patch);
        int w = (int) (s.get(3) / patch);
        NDArray pw = p.get("encoder.proj.weight");
        NDArray weight = pw.reshape(pw.getShape().get(0), -1);
        NDArray tokens = Linear.linear(Nn.patchify(x, patch), weight, p.get("encoder.proj.bias")).singletonOrThrow();
        tokens = tokens.add(pos.tokens(p.manager(), h, w));
        return vitBlocksForward(p, "encoder", tokens, net, postMlp);
    }

    /**
     * The ViT decoder from tokens [B, N, D] (already through {@code post_quant_proj}) to [B, C, h P, w P].
     */
    static NDArray vitDecode(Params.View p, NDArray tokens, int h, int w, Network net, int outChannels, int patch,
                             boolean postMlp, boolean outConv, PositionTable pos) {
        NDArray x = tokens.add(pos.tokens(p.manager(), h, w));
        x = vitBlocksForward(p, "decoder", x, net, postMlp);
        x = Nn.linear(p, "decoder.out_proj", x);
        x = Nn.unpatchify(x, outChannels, patch, h, w);
        if (outConv) {
            for (int i = 0; i < OUT_CONV_BLOCKS; i++) {
                x = convNext(p, "decoder.out_conv." + i, x);
            }
        }
        return x;
    }

    /**
     * A ConvNeXt block on [B, C, H, W]: {@code x + gamma * pwconv2(GELU(pwconv1(LN(dwconv(x)))))}, the LayerNorm and
     * the point-wise layers acting on each pixel's channel vector.
     */
    static NDArray convNext(Params.View p, String prefix, NDArray x) {
        int pad = CONVNEXT_KERNEL / 2;
        NDArray y = depthwise(x, p.get(prefix + ".dwconv.weight"), p.get(prefix + ".dwconv.bias"), pad);
        y = y.transpose(0, 2, 3, 1);
        y = Nn.layerNorm(p, prefix + ".norm", y, Nn.VIT_LN_EPS);
        y = Activation.gelu(Nn.linear(p, prefix + ".pwconv1", y));
        y = Nn.linear(p, prefix + ".pwconv2", y).mul(p.get(prefix + ".gamma"));
        return x.add(y.transpose(0, 3, 1, 2));
    }

    /**
     * The depthwise convolution of a ConvNeXt block over [B, C, H, W] (weight [C, 1, k, k]). One channel runs as
     * channel 0 of a two-channel depthwise convolution whose second channel is zero: libtorch's CPU backward of a
     * one-channel 7x7 convolution computes the input gradient from memory it does not initialise, so where that memory
     * still held NaN bit patterns of a freed tensor every gradient turned NaN and the optimizer skipped the step (the
     * single-channel families: binary masks, depth). The depthwise kernel of two or more channels has no such fault.
     */
    private static NDArray depthwise(NDArray x, NDArray w, NDArray b, int pad) {
        long c = x.getShape().get(1);
        Shape same = new Shape(1, 1);
        if (c != 1) {
            return Conv2d.conv2d(x, w, b, same, new Shape(pad, pad), same, (int) c).singletonOrThrow();
        }
        NDManager m = x.getManager();
        NDArray x2 = NDArrays.concat(new NDList(x, m.zeros(x.getShape(), x.getDataType())), 1);
        NDArray w2 = NDArrays.concat(new NDList(w, m.zeros(w.getShape(), w.getDataType())), 0);
        NDArray b2 = NDArrays.concat(new NDList(b, m.zeros(b.getShape(), b.getDataType())), 0);
        return Conv2d.conv2d(x2, w2, b2, same, new Shape(pad, pad), same, 2).singletonOrThrow()
                .get(new NDIndex(":, 0:1"));
    }

    private static NDArray vitBlocksForward(Params.View p, String prefix, NDArray x, Network net, boolean postMlp) {
        for (int i = 0; i < net.depth(); i++) {
            x = Nn.block(p, prefix + ".blocks." + i, x, net.heads());
        }
        return postMlp ? Nn.postMlp(p, prefix, x) : x;
    }

    /** A bottleneck MLP on [B, N, in] to [B, N, out]. */
    static NDArray mlp(Params.View p, String prefix, NDArray x, Network net) {
        NDArray h = Nn.linear(p, prefix + ".linear_in", x);
        for (int i = 0; i < net.depth(); i++) {
            NDArray n = Nn.layerNorm(p, prefix + ".layernorms." + i, h, Nn.MLP_LN_EPS);
            NDArray wide = Activation.gelu(Nn.linear(p, prefix + ".blocks." + i + ".block.0", n));
            h = h.add(Nn.linear(p, prefix + ".blocks." + i + ".block.2", wide));
        }
        return Nn.linear(p, prefix + ".linear_out", h);
    }

    /** A stored positional table [1, D, h0, w0] and its token rows per grid, resized on first use. */
    static final class PositionTable {
        private final float[] table;
        private final int dim;
        private final int h0;
        private final int w0;
        private final Map<Long, float[]> cache = new ConcurrentHashMap<>();

        PositionTable(float[] table, long[] shape) {
            this.table = table;
            this.dim = (int) shape[1];
            this.h0 = (int) shape[2];
            this.w0 = (int) shape[3];
        }

        /** Token rows [1, h w, D] for an h x w grid, in {@code m}. */
        NDArray tokens(NDManager m, int h, int w) {
            float[] rows = cache.computeIfAbsent(((long) h << 32) | w,
                    k -> PosEmb.tokens(table, dim, h0, w0, h, w));
            return m.create(rows, new Shape(1, (long) h * w, dim));
        }
    }
}
