package fourm.vq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;

/**
 * The tokenizers' building blocks as functions of NDArrays and parameter views ({@link Params.View}); every result
 * belongs to the manager of the activation argument.
 *
 * <p>Shape legend: B batch, N tokens, D width, H heads, Dh = D / H head width, F = D * mlp-ratio MLP width,
 * C channels, P patch side, nh x nw token grid.
 */
final class Nn {
    /** LayerNorm epsilon of the ViT blocks, the post-MLP and timm-style layers: 1e-6. */
    static final float VIT_LN_EPS = 1e-6f;
    /** LayerNorm epsilon of the bottleneck MLP (PyTorch's nn.LayerNorm default): 1e-5. */
    static final float MLP_LN_EPS = 1e-5f;

    private Nn() {
    }

    /** {@code x W^T + b}: [..., in] to [..., out]. */
    static NDArray linear(Params.View p, String prefix, NDArray x) {
        return Linear.linear(x, p.get(prefix + ".weight"), p.get(prefix + ".bias")).singletonOrThrow();
    }

    /** A 1x1 convolution [out, in, 1, 1] applied to tokens: [B, N, in] to [B, N, out]. */
    static NDArray conv1x1(Params.View p, String prefix, NDArray x) {
        NDArray w = p.get(prefix + ".weight");
        NDArray w2 = w.reshape(w.getShape().get(0), w.getShape().get(1));
        return Linear.linear(x, w2, p.get(prefix + ".bias")).singletonOrThrow();
    }

    /** LayerNorm over the last axis. */
    static NDArray layerNorm(Params.View p, String prefix, NDArray x, float eps) {
        long width = x.getShape().get(x.getShape().dimension() - 1);
        return LayerNorm.layerNorm(x, new Shape(width), p.get(prefix + ".weight"), p.get(prefix + ".bias"), eps)
                .singletonOrThrow();
    }

    /** Two linear layers with an activation between: {@code fc2(act(fc1(x)))}; [B, N, D] to [B, N, D]. */
    static NDArray mlp(Params.View p, String prefix, NDArray x, boolean tanh) {
        NDArray h = linear(p, prefix + ".fc1", x);
        h = tanh ? h.tanh() : Activation.gelu(h);
        return linear(p, prefix + ".fc2", h);
    }

    /**
     * Multi-head self-attention with a fused qkv projection (bias) and an output projection: softmax(q k^T Dh^-0.5) v.
     *
     * @param x [B, N, D]
     * @return [B, N, D]
     */
    static NDArray attention(Params.View p, String prefix, NDArray x, int heads) {
        Shape s = x.getShape();
        long b = s.get(0);
        long n = s.get(1);
        long d = s.get(2);
        long dh = d / heads;
        NDArray qkv = linear(p, prefix + ".qkv", x).reshape(b, n, 3, heads, dh).transpose(2, 0, 3, 1, 4);
        NDArray q = qkv.get(0);
        NDArray k = qkv.get(1);
        NDArray v = qkv.get(2);
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul(q.getManager().create((float) Math.pow(dh, -0.5)));
        NDArray out = scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(b, n, d);
        return linear(p, prefix + ".proj", out);
    }

    /** A timm pre-norm block: {@code x + attn(norm1(x))}, then {@code x + mlp(norm2(x))}; [B, N, D]. */
    static NDArray block(Params.View p, String prefix, NDArray x, int heads) {
        NDArray h = x.add(attention(p, prefix + ".attn", layerNorm(p, prefix + ".norm1", x, VIT_LN_EPS), heads));
        return h.add(mlp(p, prefix + ".mlp", layerNorm(p, prefix + ".norm2", h, VIT_LN_EPS), false));
    }

    /** The optional post-MLP of the ViT-VQGAN paper: {@code x + MLP_tanh(LN(x))}; [B, N, D]. */
    static NDArray postMlp(Params.View p, String prefix, NDArray x) {
        return x.add(mlp(p, prefix + ".post_mlp", layerNorm(p, prefix + ".norm_mlp", x, VIT_LN_EPS), true));
    }

    /**
     * Patches of an image flattened {@code (c ph pw)}, the order of a Conv2d weight [D, C, P, P] flattened:
     * [B, C, nh*P, nw*P] to [B, nh*nw, C*P*P].
     */
    static NDArray patchify(NDArray x, int patch) {
        Shape s = x.getShape();
        long b = s.get(0);
        long c = s.get(1);
        long nh = s.get(2) / patch;
        long nw = s.get(3) / patch;
        return x.reshape(b, c, nh, patch, nw, patch).transpose(0, 2, 4, 1, 3, 5).reshape(b, nh * nw, c * patch * patch);
    }

    /** The inverse of {@link #patchify}: {@code b (nh nw) (c ph pw) -> b c (nh ph) (nw pw)}. */
    static NDArray unpatchify(NDArray x, int channels, int patch, int nh, int nw) {
        long b = x.getShape().get(0);
        return x.reshape(b, nh, nw, channels, patch, patch).transpose(0, 3, 1, 4, 2, 5)
                .reshape(b, channels, (long) nh * patch, (long) nw * patch);
    }

    /** L2-normalises the last axis (norm clamped below at 1e-12, as F.normalize). */
    static NDArray l2norm(NDArray x) {
        // the floor as an array of x's manager, not maximum(Number), whose temporary array over a JVM direct buffer is
        // closed before a backward pass that would read it
        NDArray n = x.square().sum(new int[] {-1}, true).sqrt().maximum(x.getManager().create(1e-12f));
        return x.div(n);
    }
}
