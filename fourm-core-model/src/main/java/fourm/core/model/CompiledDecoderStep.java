package fourm.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.util.List;

/**
 * One {@link IncrementalDecoder} step as a single TorchScript method: every decoder block, the key-value cache writes and
 * {@code decoder_norm} run inside libtorch in one call from Java, instead of about 25 engine calls per block (each a
 * JNI crossing with its own Java-side bookkeeping), which at batch 1 cost more than the arithmetic.
 *
 * <p>The method is written in TorchScript for one model configuration (width, heads, which biases, QK norm, GELU or
 * gated SiLU, whether the attention scale is folded into the query weights, whether cross-attention is masked) and
 * performs the same libtorch operations, in the same order, as the step of {@link IncrementalDecoder} written with
 * DJL operations ({@code linear}, {@code layer_norm}, {@code matmul}, {@code softmax}, {@code sigmoid} times the input
 * for SiLU, exact GELU). The only difference is where the self-attention keys and values live: here in buffers of the
 * decoder's full capacity, written in place at each step's position and read through views of the first
 * {@code length} positions, so a step copies one key and one value instead of concatenating the whole cache. By
 * default the method is written leaner still ({@link #leanSource}): each linear layer and attention product as the
 * one {@code mm}, {@code addmm} or {@code bmm} those operations reduce to, with the same operands, so the same floats
 * from about half the engine operations (about 4% less time per caption token's step and head on the tiny model, in
 * alternating steps of both forms in one process).
 *
 * <p>A module is compiled once per model and configuration ({@link FourMModel#compiled}); each decoder holds its
 * weight list and cache buffers as TorchScript values. Gradients are off inside the call (inference only).
 */
final class CompiledDecoderStep implements AutoCloseable {
    /**
     * Engine threads of a step (system property {@code fourm.decoder.threads}; 0 keeps the engine's setting). A step
     * is matrix-vector products and operations on a few hundred values; splitting each across threads costs more in
     * hand-overs than it saves: on 2 cores a 32-token caption of the tiny model took 6.1-6.6 ms per token at batch 1
     * with one thread against 7.6-7.7 ms with two, and 16.3-17.3 against 17.9-18.2 ms at batch 8 ({@code fourm bench
     * infer --tasks caption32}, alternating runs). The thread count is set for the calling thread during the call
     * and restored after it.
     */
    private static final int THREADS = Integer.getInteger("fourm.decoder.threads", 1);
    private final PtSymbolBlock module;
    private final IValue weights;
    private final IValue keysT;
    private final IValue values;
    private final IValue crossKeysT;
    private final IValue crossValues;
    private final IValue eps;

    private CompiledDecoderStep(PtSymbolBlock module, List<PtNDArray> weights, PtNDArray[] keysT, PtNDArray[] values,
                                PtNDArray[] crossKeysT, PtNDArray[] crossValues) {
        this.module = module;
        this.weights = IValue.listFrom(weights.toArray(new PtNDArray[0]));
        this.keysT = IValue.listFrom(keysT);
        this.values = IValue.listFrom(values);
        this.crossKeysT = IValue.listFrom(crossKeysT);
        this.crossValues = IValue.listFrom(crossValues);
        this.eps = IValue.from((double) FourMConfig.LAYER_NORM_EPS);
    }

    /**
     * The compiled step for {@code decoder}'s configuration and weights, or null where it cannot run (another engine
     * than PyTorch).
     *
     * @param cap  the cache capacity: buffers [B, H, Dh, cap] (keys, transposed) and [B, H, cap, Dh] (values) are made
     *             in {@code cache}
     * @param lean the step written with the fewest engine operations ({@link #leanSource}) rather than as the same
     *             operations as the DJL step; the same floats
     */
    static CompiledDecoderStep open(FourMModel model, NDManager cache, long batch, int cap, List<BlockWeights> blocks,
                                    NDArray finalNormW, NDArray finalNormB, NDArray[] crossKeysT,
                                    NDArray[] crossValues, NDArray crossMask, NDArray scale, boolean scaleFolded,
                                    boolean scaleInStep, boolean lean) {
        if (!(cache instanceof PtNDManager)) {
            return null;
        }
        FourMConfig c = model.config();
        int d = c.dim();
        int heads = c.numHeads();
        int hd = c.headDim();
        ScriptSource s = lean ? leanSource(cache, c, blocks, finalNormW, finalNormB, crossMask, scale, scaleFolded,
                scaleInStep) : source(c, blocks, finalNormW, finalNormB, crossMask, scale, scaleFolded, scaleInStep);
        String lists = "eps: float, w: List[Tensor], kc: List[Tensor], vc: List[Tensor], ck: List[Tensor], "
                + "cv: List[Tensor]";
        // step_ids: the token embeddings looked up and the step; head: the output head as IncrementalDecoder#logits
        // computes it (W h^T, viewed transposed); step_logits: both in one call
        String source = "def step(self, tokens: Tensor, emb: Tensor, pos: int, " + lists + ") -> Tensor:\n" + s.code()
                + "\ndef step_ids(self, ids: List[int], table: Tensor, pt: Tensor, pos: int, " + lists + ") -> Tensor:\n"
                + "  b = len(ids)\n"
                + String.format(java.util.Locale.ROOT,
                        "  tokens = torch.reshape(torch.embedding(table, torch.tensor(ids)), [b, 1, %d])%n", d)
                + "  return self.step(tokens, pt.narrow(1, pos, 1), pos, eps, w, kc, vc, ck, cv)\n"
                + "\ndef head(self, out: Tensor, head: Tensor) -> Tensor:\n"
                + String.format(java.util.Locale.ROOT,
                        "  return torch.matmul(head, torch.reshape(out, [out.size(0), %d]).t()).t()%n", d)
                + "\ndef step_logits(self, ids: List[int], table: Tensor, pt: Tensor, head: Tensor, pos: int, " + lists
                + ") -> Tensor:\n"
                + "  return self.head(self.step_ids(ids, table, pt, pos, eps, w, kc, vc, ck, cv), head)\n";
        PtSymbolBlock module = model.compiled("decoder-step\n" + source, m -> ScriptSource.load(m, source));
        int depth = blocks.size();
        PtNDArray[] kc = new PtNDArray[depth];
        PtNDArray[] vc = new PtNDArray[depth];
        PtNDArray[] ck = new PtNDArray[depth];
        PtNDArray[] cv = new PtNDArray[depth];
        for (int i = 0; i < depth; i++) {
            kc[i] = (PtNDArray) cache.zeros(new ai.djl.ndarray.types.Shape(batch, heads, hd, cap));
            vc[i] = (PtNDArray) cache.zeros(new ai.djl.ndarray.types.Shape(batch, heads, cap, hd));
            ck[i] = (PtNDArray) crossKeysT[i];
            cv[i] = (PtNDArray) crossValues[i];
        }
        return new CompiledDecoderStep(module, s.weights(), kc, vc, ck, cv);
    }

    /** The step's method body as the same operations as the DJL step: linear layers on [B, 1, D], 4-d matmuls. */
    private static ScriptSource source(FourMConfig c, List<BlockWeights> blocks, NDArray finalNormW, NDArray finalNormB,
                                       NDArray crossMask, NDArray scale, boolean scaleFolded, boolean scaleInStep) {
        int d = c.dim();
        int heads = c.numHeads();
        int hd = c.headDim();
        ScriptSource s = new ScriptSource();
        s.line("x = torch.add(tokens, emb)");
        s.line("n = pos + 1");
        s.line("b = x.size(0)");
        String scaleRef = scaleFolded ? null : s.ref(scale);
        // a power of two (scaleFolded): multiplying the query by it is exact, the same floats as folding it into the
        // weights the query is computed from
        String qScale = scaleFolded && scaleInStep ? Double.toString(scale.getFloat()) : null;
        String maskRef = crossMask == null ? null : s.ref(crossMask);
        for (int i = 0; i < blocks.size(); i++) {
            BlockWeights w = blocks.get(i);
            s.line("# block %d", i);
            s.line("h = torch.layer_norm(x, [%d], %s, %s, eps)", d, s.ref(w.norm1W()), s.ref(w.norm1B()));
            s.line("qkv = torch.reshape(torch.linear(h, %s, %s), [b, 3, %d, 1, %d])", s.ref(w.qkvW()),
                    s.ref(w.qkvB()), heads, hd);
            s.line(qScale == null ? "q = qkv.select(1, 0)" : "q = torch.mul(qkv.select(1, 0), " + qScale + ")");
            s.line("k = qkv.select(1, 1)");
            s.line("v = qkv.select(1, 2)");
            if (c.qkNorm()) {
                s.line("q = torch.layer_norm(q, [%d], %s, %s, eps)", hd, s.ref(w.qNormW()), s.ref(w.qNormB()));
                s.line("k = torch.layer_norm(k, [%d], %s, %s, eps)", hd, s.ref(w.kNormW()), s.ref(w.kNormB()));
            }
            s.line("kc[%d].select(3, pos).copy_(torch.reshape(k, [b, %d, %d]))", i, heads, hd);
            s.line("vc[%d].select(2, pos).copy_(torch.reshape(v, [b, %d, %d]))", i, heads, hd);
            s.line("a = torch.matmul(q, kc[%d].narrow(3, 0, n))", i);
            if (scaleRef != null) {
                s.line("a = torch.mul(a, %s)", scaleRef);
            }
            s.line("o = torch.reshape(torch.matmul(torch.softmax(a, -1), vc[%d].narrow(2, 0, n)), [b, 1, %d])", i, d);
            s.line("x = torch.add(x, torch.linear(o, %s, %s))", s.ref(w.projW()), s.ref(w.projB()));
            s.line("h = torch.layer_norm(x, [%d], %s, %s, eps)", d, s.ref(w.queryNormW()), s.ref(w.queryNormB()));
            String cqLinear = String.format(java.util.Locale.ROOT, "torch.linear(h, %s, %s)", s.ref(w.crossQW()),
                    s.ref(w.crossQB()));
            if (qScale != null) {
                cqLinear = "torch.mul(" + cqLinear + ", " + qScale + ")";
            }
            s.line("cq = torch.reshape(%s, [b, %d, 1, %d])", cqLinear, heads, hd);
            if (c.qkNorm()) {
                s.line("cq = torch.layer_norm(cq, [%d], %s, %s, eps)", hd, s.ref(w.crossQNormW()),
                        s.ref(w.crossQNormB()));
            }
            s.line("a = torch.matmul(cq, ck[%d])", i);
            if (scaleRef != null) {
                s.line("a = torch.mul(a, %s)", scaleRef);
            }
            if (maskRef != null) {
                s.line("a = torch.masked_fill(a, %s, -3.4028234663852886e+38)", maskRef);
            }
            s.line("o = torch.reshape(torch.matmul(torch.softmax(a, -1), cv[%d]), [b, 1, %d])", i, d);
            s.line("x = torch.add(x, torch.linear(o, %s, %s))", s.ref(w.crossProjW()), s.ref(w.crossProjB()));
            s.line("h = torch.layer_norm(x, [%d], %s, %s, eps)", d, s.ref(w.norm2W()), s.ref(w.norm2B()));
            if (c.mlp() == MlpKind.GELU) {
                s.line("g = torch.gelu(torch.linear(h, %s, %s))", s.ref(w.fc1W()), s.ref(w.fc1B()));
            } else {
                s.line("gu = torch.chunk(torch.linear(h, %s, %s), 2, 2)", s.ref(w.fc1W()), s.ref(w.fc1B()));
                s.line("g = torch.mul(torch.mul(gu[0], torch.sigmoid(gu[0])), gu[1])");
            }
            s.line("x = torch.add(x, torch.linear(g, %s, %s))", s.ref(w.fc2W()), s.ref(w.fc2B()));
        }
        s.line("return torch.layer_norm(x, [%d], %s, %s, eps)", d, s.ref(finalNormW), s.ref(finalNormB));
        return s;
    }

    /**
     * The step's method body with fewer engine operations and the same floats: the token is kept as [B, D], every
     * linear layer is one {@code mm} (or {@code addmm} with its bias) with the weight's transposed view made once per
     * decoder, which is the call {@code linear} on [B, 1, D] reduces to (its reshapes, transposes and views dropped),
     * and each attention product one {@code bmm} over [B*H, ...] views, as {@code matmul} of the 4-d operands reduces
     * to (its expands and reshapes dropped). Softmax, layer norms and elementwise operations see the same rows.
     */
    private static ScriptSource leanSource(NDManager cache, FourMConfig c, List<BlockWeights> blocks, NDArray finalNormW,
                                           NDArray finalNormB, NDArray crossMask, NDArray scale, boolean scaleFolded,
                                           boolean scaleInStep) {
        int d = c.dim();
        int heads = c.numHeads();
        int hd = c.headDim();
        ScriptSource s = new ScriptSource();
        s.line("b = tokens.size(0)");
        s.line("x = torch.reshape(torch.add(tokens, emb), [b, %d])", d);
        s.line("n = pos + 1");
        s.line("bh = b * %d", heads);
        String scaleRef = scaleFolded ? null : s.ref(scale);
        String qScale = scaleFolded && scaleInStep ? Double.toString(scale.getFloat()) : null;
        String maskRef = crossMask == null ? null : s.ref(crossMask);
        for (int i = 0; i < blocks.size(); i++) {
            BlockWeights w = blocks.get(i);
            s.line("# block %d", i);
            s.line("h = torch.layer_norm(x, [%d], %s, %s, eps)", d, s.ref(w.norm1W()), s.ref(w.norm1B()));
            s.line("qkv = torch.reshape(%s, [b, 3, %d, 1, %d])", linear(s, cache, "h", w.qkvW(), w.qkvB()), heads, hd);
            s.line(qScale == null ? "q = qkv.select(1, 0)" : "q = torch.mul(qkv.select(1, 0), " + qScale + ")");
            s.line("k = qkv.select(1, 1)");
            s.line("v = qkv.select(1, 2)");
            if (c.qkNorm()) {
                s.line("q = torch.layer_norm(q, [%d], %s, %s, eps)", hd, s.ref(w.qNormW()), s.ref(w.qNormB()));
                s.line("k = torch.layer_norm(k, [%d], %s, %s, eps)", hd, s.ref(w.kNormW()), s.ref(w.kNormB()));
            }
            s.line("kc[%d].select(3, pos).copy_(torch.reshape(k, [b, %d, %d]))", i, heads, hd);
            s.line("vc[%d].select(2, pos).copy_(torch.reshape(v, [b, %d, %d]))", i, heads, hd);
            s.line("a = torch.bmm(torch.reshape(q, [bh, 1, %d]), torch.reshape(kc[%d].narrow(3, 0, n), [bh, %d, n]))",
                    hd, i, hd);
            if (scaleRef != null) {
                s.line("a = torch.mul(a, %s)", scaleRef);
            }
            s.line("o = torch.reshape(torch.bmm(torch.softmax(a, -1), torch.reshape(vc[%d].narrow(2, 0, n), "
                    + "[bh, n, %d])), [b, %d])", i, hd, d);
            s.line("x = torch.add(x, %s)", linear(s, cache, "o", w.projW(), w.projB()));
            s.line("h = torch.layer_norm(x, [%d], %s, %s, eps)", d, s.ref(w.queryNormW()), s.ref(w.queryNormB()));
            String cq = linear(s, cache, "h", w.crossQW(), w.crossQB());
            if (qScale != null) {
                cq = "torch.mul(" + cq + ", " + qScale + ")";
            }
            s.line("cq = torch.reshape(%s, [b, %d, 1, %d])", cq, heads, hd);
            if (c.qkNorm()) {
                s.line("cq = torch.layer_norm(cq, [%d], %s, %s, eps)", hd, s.ref(w.crossQNormW()),
                        s.ref(w.crossQNormB()));
            }
            s.line("m = ck[%d].size(3)", i);
            s.line("a = torch.bmm(torch.reshape(cq, [bh, 1, %d]), torch.reshape(ck[%d], [bh, %d, m]))", hd, i, hd);
            if (scaleRef != null) {
                s.line("a = torch.mul(a, %s)", scaleRef);
            }
            if (maskRef != null) {
                s.line("a = torch.reshape(torch.masked_fill(torch.reshape(a, [b, %d, 1, m]), %s, "
                        + "-3.4028234663852886e+38), [bh, 1, m])", heads, maskRef);
            }
            s.line("o = torch.reshape(torch.bmm(torch.softmax(a, -1), torch.reshape(cv[%d], [bh, m, %d])), [b, %d])",
                    i, hd, d);
            s.line("x = torch.add(x, %s)", linear(s, cache, "o", w.crossProjW(), w.crossProjB()));
            s.line("h = torch.layer_norm(x, [%d], %s, %s, eps)", d, s.ref(w.norm2W()), s.ref(w.norm2B()));
            if (c.mlp() == MlpKind.GELU) {
                s.line("g = torch.gelu(%s)", linear(s, cache, "h", w.fc1W(), w.fc1B()));
            } else {
                s.line("gu = torch.chunk(%s, 2, 1)", linear(s, cache, "h", w.fc1W(), w.fc1B()));
                s.line("g = torch.mul(torch.mul(gu[0], torch.sigmoid(gu[0])), gu[1])");
            }
            s.line("x = torch.add(x, %s)", linear(s, cache, "g", w.fc2W(), w.fc2B()));
        }
        s.line("return torch.reshape(torch.layer_norm(x, [%d], %s, %s, eps), [b, 1, %d])", d, s.ref(finalNormW),
                s.ref(finalNormB), d);
        return s;
    }

    /**
     * {@code x W^T (+ bias)} on [B, D] as the one product {@code linear} makes of it: {@code mm} with the transposed
     * view of W (made in {@code cache}, freed with the decoder), or {@code addmm} of the bias.
     */
    private static String linear(ScriptSource s, NDManager cache, String x, NDArray weight, NDArray bias) {
        NDArray t = weight.transpose();
        t.attach(cache);
        String wt = s.ref(t);
        return bias == null ? "torch.mm(" + x + ", " + wt + ")"
                : "torch.addmm(" + s.ref(bias) + ", " + x + ", " + wt + ")";
    }

    /** Runs the step at cache position {@code pos}; the result [B, 1, D] is owned by {@code m}. */
    NDArray step(NDManager m, NDArray tokens, NDArray emb, int pos) {
        IValue t = IValue.from((PtNDArray) tokens);
        IValue e = IValue.from((PtNDArray) emb);
        IValue p = IValue.from((long) pos);
        int before = THREADS > 0 ? JniUtils.getNumThreads() : 0;
        if (THREADS > 0 && THREADS != before) {
            JniUtils.setNumThreads(THREADS);
        }
        try (IValue out = IValueUtils.runMethod(module, "step", t, e, p, eps, weights, keysT, values, crossKeysT,
                crossValues)) {
            return out.toTensor((PtNDManager) m);
        } finally {
            if (THREADS > 0 && THREADS != before) {
                JniUtils.setNumThreads(before);
            }
            t.close();
            e.close();
            p.close();
        }
    }

    /**
     * Runs the step at cache position {@code pos} from token ids and applies the output head: the tokens' rows of
     * {@code table} [V_in, D] plus row {@code pos} of {@code positions} [1, N, D] are the step's input, the result is
     * {@code head} [V, D] times the step's output, [B, V], owned by {@code m}. The step runs on its engine threads; the
     * head on {@code headThreads} (0: the engine's setting), in the same call when those are the same.
     */
    NDArray stepLogits(NDManager m, long[] ids, NDArray table, NDArray positions, NDArray head, int pos,
                       int headThreads) {
        IValue i = IValue.listFrom(ids);
        IValue t = IValue.from((PtNDArray) table);
        IValue pt = IValue.from((PtNDArray) positions);
        IValue h = IValue.from((PtNDArray) head);
        IValue p = IValue.from((long) pos);
        int before = JniUtils.getNumThreads();
        int stepThreads = THREADS > 0 ? THREADS : before;
        int lastThreads = headThreads > 0 ? headThreads : before;
        try {
            if (stepThreads != before) {
                JniUtils.setNumThreads(stepThreads);
            }
            if (lastThreads == stepThreads) {
                try (IValue out = IValueUtils.runMethod(module, "step_logits", i, t, pt, h, p, eps, weights, keysT,
                        values, crossKeysT, crossValues)) {
                    return out.toTensor((PtNDManager) m);
                }
            }
            try (IValue out = IValueUtils.runMethod(module, "step_ids", i, t, pt, p, eps, weights, keysT, values,
                    crossKeysT, crossValues)) {
                JniUtils.setNumThreads(lastThreads);
                try (IValue logits = IValueUtils.runMethod(module, "head", out, h)) {
                    return logits.toTensor((PtNDManager) m);
                }
            }
        } finally {
            if (JniUtils.getNumThreads() != before) {
                JniUtils.setNumThreads(before);
            }
            i.close();
            t.close();
            pt.close();
            h.close();
            p.close();
        }
    }

    /** Frees the TorchScript values (the tensors belong to the decoder's cache manager and the model). */
    @Override
    public void close() {
        weights.close();
        keysT.close();
        values.close();
        crossKeysT.close();
        crossValues.close();
        eps.close();
    }

    /** The tensors of one decoder block a step reads (fc1 is the stacked fc1 and fc3 of a gated MLP). */
    record BlockWeights(NDArray norm1W, NDArray norm1B, NDArray qkvW, NDArray qkvB, NDArray qNormW, NDArray qNormB,
                        NDArray kNormW, NDArray kNormB, NDArray projW, NDArray projB, NDArray queryNormW,
                        NDArray queryNormB, NDArray crossQW, NDArray crossQB, NDArray crossQNormW,
                        NDArray crossQNormB, NDArray crossProjW, NDArray crossProjB, NDArray norm2W, NDArray norm2B,
                        NDArray fc1W, NDArray fc1B, NDArray fc2W, NDArray fc2B) {
    }
}
