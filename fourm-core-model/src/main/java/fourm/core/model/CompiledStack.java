package fourm.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import java.util.ArrayList;
import java.util.List;

/**
 * The encoder blocks and the decoder blocks of a {@link FourMModel} without gradients (generation, evaluation), each
 * stack as one TorchScript call: the same libtorch operations in the same order as {@link FourMModel#encode} and
 * {@link FourMModel#decode} run them one by one from Java ({@code linear}, {@code layer_norm}, {@code matmul} of the
 * scaled queries with the transposed keys, the additive mask, {@code softmax}, {@code sigmoid} times the input for SiLU,
 * exact GELU; the gated MLP as two products), so the results are the same floats, with one crossing into the engine per
 * stack instead of about twenty per block.
 *
 * <p>The source is written per configuration and per mask presence; the module is compiled once per model
 * ({@link FourMModel#compiled}). The weight list is built per call from the model's current parameters.
 */
final class CompiledStack {
    private CompiledStack() {
    }

    /**
     * Encoder blocks then {@code encoder_norm} on {@code x} [B, N, D] with the additive mask {@code bias} (or null);
     * null where the engine is not PyTorch.
     */
    static NDArray encoder(FourMModel model, NDArray x, NDArray bias, NDArray scale) {
        if (!(x.getManager() instanceof PtNDManager)) {
            return null;
        }
        FourMConfig c = model.config();
        ParameterStore p = model.parameters();
        ScriptSource s = new ScriptSource();
        String scaleRef = s.ref(scale);
        String biasRef = bias == null ? null : s.ref(bias);
        sizes(s);
        for (int i = 0; i < c.encoderDepth(); i++) {
            String pre = "encoder." + i + ".";
            s.line("# block %d", i);
            selfAttention(s, c, p, pre + "norm1", pre + "attn.", scaleRef, biasRef);
            mlp(s, c, p, pre + "norm2", pre + "mlp.");
        }
        s.line("return torch.layer_norm(x, [%d], %s, %s, eps)", c.dim(), s.ref(p.get("encoder_norm.weight")),
                s.ref(p.get("encoder_norm.bias")));
        return run(model, x, s, "encoder", List.of());
    }

    /**
     * Decoder blocks then {@code decoder_norm} on {@code x} [B, N, D] with the additive self-attention mask {@code sa}
     * and cross-attention mask {@code crossBias} (each or null) over the cached keys and values of {@code enc}; null
     * where the engine is not PyTorch.
     */
    static NDArray decoder(FourMModel model, NDArray x, NDArray sa, EncoderOutput enc, NDArray crossBias,
                           NDArray scale) {
        if (!(x.getManager() instanceof PtNDManager)) {
            return null;
        }
        FourMConfig c = model.config();
        ParameterStore p = model.parameters();
        ScriptSource s = new ScriptSource();
        String scaleRef = s.ref(scale);
        String saRef = sa == null ? null : s.ref(sa);
        String crossRef = crossBias == null ? null : s.ref(crossBias);
        int heads = c.numHeads();
        int hd = c.headDim();
        List<PtNDArray> kv = new ArrayList<>();
        sizes(s);
        for (int i = 0; i < c.decoderDepth(); i++) {
            String pre = "decoder." + i + ".";
            String ca = pre + "cross_attn.";
            s.line("# block %d", i);
            selfAttention(s, c, p, pre + "norm1", pre + "self_attn.", scaleRef, saRef);
            s.line("h = torch.layer_norm(x, [%d], %s, %s, eps)", c.dim(), s.ref(p.get(pre + "query_norm.weight")),
                    s.ref(p.get(pre + "query_norm.bias")));
            s.line("q = torch.transpose(torch.reshape(torch.linear(h, %s, %s), [b, n, %d, %d]), 1, 2)",
                    s.ref(p.get(ca + "q.weight")), s.ref(opt(p, ca + "q.bias")), heads, hd);
            if (c.qkNorm()) {
                s.line("q = torch.layer_norm(q, [%d], %s, %s, eps)", hd, s.ref(p.get(ca + "q_norm.weight")),
                        s.ref(p.get(ca + "q_norm.bias")));
            }
            kv.add((PtNDArray) enc.cachedKeys(i));
            kv.add((PtNDArray) enc.cachedValues(i));
            attend(s, c, "q", "kv[" + (2 * i) + "]", "kv[" + (2 * i + 1) + "]", scaleRef, crossRef);
            s.line("x = torch.add(x, torch.linear(o, %s, %s))", s.ref(p.get(ca + "proj.weight")),
                    s.ref(opt(p, ca + "proj.bias")));
            mlp(s, c, p, pre + "norm2", pre + "mlp.");
        }
        s.line("return torch.layer_norm(x, [%d], %s, %s, eps)", c.dim(), s.ref(p.get("decoder_norm.weight")),
                s.ref(p.get("decoder_norm.bias")));
        return run(model, x, s, "decoder", kv);
    }

    /** The batch size {@code b} and token count {@code n} of the input, which the reshapes of every block use. */
    private static void sizes(ScriptSource s) {
        s.line("b = x.size(0)");
        s.line("n = x.size(1)");
    }

    /** {@code x = x + proj(attention(norm(x)))}, as {@code FourMModel.selfAttention}. */
    private static void selfAttention(ScriptSource s, FourMConfig c, ParameterStore p, String norm,
                                      String pre, String scaleRef, String biasRef) {
        s.line("h = torch.layer_norm(x, [%d], %s, %s, eps)", c.dim(), s.ref(p.get(norm + ".weight")),
                s.ref(p.get(norm + ".bias")));
        s.line("qkv = torch.permute(torch.reshape(torch.linear(h, %s, %s), [b, n, 3, %d, %d]), [2, 0, 3, 1, 4])",
                s.ref(p.get(pre + "qkv.weight")), s.ref(opt(p, pre + "qkv.bias")), c.numHeads(), c.headDim());
        s.line("q = qkv[0]");
        s.line("k = qkv[1]");
        s.line("v = qkv[2]");
        if (c.qkNorm()) {
            s.line("q = torch.layer_norm(q, [%d], %s, %s, eps)", c.headDim(), s.ref(p.get(pre + "q_norm.weight")),
                    s.ref(p.get(pre + "q_norm.bias")));
            s.line("k = torch.layer_norm(k, [%d], %s, %s, eps)", c.headDim(), s.ref(p.get(pre + "k_norm.weight")),
                    s.ref(p.get(pre + "k_norm.bias")));
        }
        attend(s, c, "q", "k", "v", scaleRef, biasRef);
        s.line("x = torch.add(x, torch.linear(o, %s, %s))", s.ref(p.get(pre + "proj.weight")),
                s.ref(opt(p, pre + "proj.bias")));
    }

    /** {@code o} [B, N, D] = softmax((q * scale) k^T + bias) v, as {@link Layers#attendBias}. */
    private static void attend(ScriptSource s, FourMConfig c, String q, String k, String v,
                               String scaleRef, String biasRef) {
        s.line("a = torch.matmul(torch.mul(%s, %s), torch.permute(%s, [0, 1, 3, 2]))", q, scaleRef, k);
        if (biasRef != null) {
            s.line("a = torch.add(a, %s)", biasRef);
        }
        s.line("o = torch.reshape(torch.permute(torch.matmul(torch.softmax(a, -1), %s), [0, 2, 1, 3]), [b, n, %d])",
                v, c.dim());
    }

    /** {@code x = x + mlp(norm(x))}, as {@code FourMModel.mlp} without gradients. */
    private static void mlp(ScriptSource s, FourMConfig c, ParameterStore p, String norm, String pre) {
        s.line("h = torch.layer_norm(x, [%d], %s, %s, eps)", c.dim(), s.ref(p.get(norm + ".weight")),
                s.ref(p.get(norm + ".bias")));
        if (c.mlp() == MlpKind.GELU) {
            s.line("g = torch.gelu(torch.linear(h, %s, %s))", s.ref(p.get(pre + "fc1.weight")),
                    s.ref(opt(p, pre + "fc1.bias")));
        } else {
            s.line("g = torch.linear(h, %s, %s)", s.ref(p.get(pre + "fc1.weight")), s.ref(opt(p, pre + "fc1.bias")));
            s.line("g = torch.mul(torch.mul(g, torch.sigmoid(g)), torch.linear(h, %s, %s))",
                    s.ref(p.get(pre + "fc3.weight")), s.ref(opt(p, pre + "fc3.bias")));
        }
        s.line("x = torch.add(x, torch.linear(g, %s, %s))", s.ref(p.get(pre + "fc2.weight")),
                s.ref(opt(p, pre + "fc2.bias")));
    }

    private static NDArray run(FourMModel model, NDArray x, ScriptSource s, String name,
                               List<PtNDArray> kv) {
        String source = "def " + name + "(self, x: Tensor, eps: float, w: List[Tensor], kv: List[Tensor]) -> Tensor:\n"
                + s.code();
        PtSymbolBlock module = model.compiled(source, m -> ScriptSource.load(m, source));
        IValue in = IValue.from((PtNDArray) x);
        IValue eps = IValue.from((double) FourMConfig.LAYER_NORM_EPS);
        IValue w = IValue.listFrom(s.weights().toArray(new PtNDArray[0]));
        IValue k = IValue.listFrom(kv.toArray(new PtNDArray[0]));
        try (IValue out = IValueUtils.runMethod(module, name, in, eps, w, k)) {
            return out.toTensor((PtNDManager) x.getManager());
        } finally {
            in.close();
            eps.close();
            w.close();
            k.close();
        }
    }

    private static NDArray opt(ParameterStore p, String name) {
        return p.has(name) ? p.get(name) : null;
    }
}
