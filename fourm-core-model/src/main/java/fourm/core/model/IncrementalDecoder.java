package fourm.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.pytorch.engine.PtNDManager;

/**
 * The decoder of a {@link FourMModel} run one token at a time with a key-value cache, for autoregressive generation.
 *
 * <p>The reference re-runs the decoder over the whole prefix for every new token. This class keeps, per decoder block,
 * the self-attention keys (transposed) and values of the tokens decoded so far and the cross-attention keys and values
 * of the encoder context (computed once and shared with {@link FourMModel#decode}, which caches them in the
 * {@link EncoderOutput}); each {@link #step} runs only the new token, with the fewest tensor operations one query
 * needs (no cross-attention mask when the encoder has no padded slot, no transposes of a single query). The result
 * equals the last row of {@code decode} over the whole prefix with a causal mask (the new token attends to every
 * earlier token and itself), up to float rounding.
 *
 * <p>Each decoder also prepares, once, the weights a step multiplies with: the gated MLP's fc1 and fc3 stacked into one
 * weight (one product per step instead of two), and for the steps written with DJL operations the attention scale
 * folded into the query weights when that is exact; the compiled step multiplies the query by it instead (the same
 * floats, without copying the query weights at every start). {@link #logits} applies an output head to a step's
 * result.
 *
 * <p>On the PyTorch engine a step runs as one TorchScript call ({@link CompiledDecoderStep}: the same operations, on
 * one engine thread, with the self-attention cache in buffers of the full capacity written in place); elsewhere, or
 * with {@code -Dfourm.decoder.compiled=false}, as the DJL operations below.
 *
 * <p>The cached arrays live in a sub-manager of the encoder context's manager and are freed by {@link #close()} (or
 * with that manager). Each step's temporaries live in the manager the caller passes.
 *
 * <p>Shape legend: B batch, D width, H heads, Dh head width, M tokens attended to.
 */
public final class IncrementalDecoder implements AutoCloseable {
    private static final NDIndex Q = new NDIndex(":, 0");
    private static final NDIndex K = new NDIndex(":, 1");
    private static final NDIndex V = new NDIndex(":, 2");
    /**
     * Whether steps run as one compiled TorchScript call on the PyTorch engine (system property
     * {@code fourm.decoder.compiled}, default true; false runs them as DJL operations).
     */
    private static final boolean COMPILED = Boolean.parseBoolean(System.getProperty("fourm.decoder.compiled", "true"));
    /**
     * Whether the compiled step reads query weights with the scale folded in, copied for each decoder (system property
     * {@code fourm.decoder.prepared}, default false), instead of multiplying the query by the scale; for comparisons.
     */
    static final boolean PREPARED = Boolean.getBoolean("fourm.decoder.prepared");
    /**
     * Whether the compiled step is written with the fewest engine operations (system property
     * {@code fourm.decoder.lean}, default true) or as the same operations as the DJL step; the same floats.
     */
    static final boolean LEAN = Boolean.parseBoolean(System.getProperty("fourm.decoder.lean", "true"));
    /**
     * Engine threads of the output head in {@link #stepLogits} (system property {@code fourm.decoder.headThreads}; 0,
     * the default, keeps the engine's setting). The head streams its whole weight (46 MB for the 30000-token caption
     * head) for each token, which two threads read faster than one on an idle machine; on a busy one a second thread
     * may wait for a core, and 1 runs the head in the step's own call on the step's thread.
     */
    static final int HEAD_THREADS = Integer.getInteger("fourm.decoder.headThreads", 0);

    private final FourMModel model;
    private final FourMConfig config;
    private final EncoderOutput enc;
    private final NDManager cache;
    private final NDArray[] keysT;
    private final NDArray[] values;
    private final NDArray[] crossKeysT;
    private final NDArray[] crossValues;
    private final boolean crossMasked;
    private final int capacity;
    private final long batch;
    private final NDArray scale;
    private final boolean scaleFolded;
    private final Block[] blocks;
    private final NDArray finalNormWeight;
    private final NDArray finalNormBias;
    private final Prepared[] prepared;
    /** Whether the compiled step multiplies the query by the scale instead of reading weights with it folded in. */
    private final boolean scaleInStep;
    private final CompiledDecoderStep compiled;
    private int length;

    /** One decoder block's tensors, looked up once. */
    private record Block(NDArray norm1W, NDArray norm1B, NDArray qkvW, NDArray qkvB, NDArray qNormW, NDArray qNormB,
                         NDArray kNormW, NDArray kNormB, NDArray projW, NDArray projB, NDArray queryNormW,
                         NDArray queryNormB, NDArray crossQW, NDArray crossQB, NDArray crossQNormW,
                         NDArray crossQNormB, NDArray crossProjW, NDArray crossProjB, NDArray norm2W, NDArray norm2B,
                         NDArray fc1W, NDArray fc1B, NDArray fc2W, NDArray fc2B, NDArray fc3W, NDArray fc3B) {

        static Block of(ParameterStore p, int i, boolean qkNorm) {
            String pre = "decoder." + i + ".";
            String sa = pre + "self_attn.";
            String ca = pre + "cross_attn.";
            String mlp = pre + "mlp.";
            return new Block(p.get(pre + "norm1.weight"), p.get(pre + "norm1.bias"), p.get(sa + "qkv.weight"),
                    opt(p, sa + "qkv.bias"), qkNorm ? p.get(sa + "q_norm.weight") : null,
                    qkNorm ? p.get(sa + "q_norm.bias") : null, qkNorm ? p.get(sa + "k_norm.weight") : null,
                    qkNorm ? p.get(sa + "k_norm.bias") : null, p.get(sa + "proj.weight"), opt(p, sa + "proj.bias"),
                    p.get(pre + "query_norm.weight"), p.get(pre + "query_norm.bias"), p.get(ca + "q.weight"),
                    opt(p, ca + "q.bias"), qkNorm ? p.get(ca + "q_norm.weight") : null,
                    qkNorm ? p.get(ca + "q_norm.bias") : null, p.get(ca + "proj.weight"), opt(p, ca + "proj.bias"),
                    p.get(pre + "norm2.weight"), p.get(pre + "norm2.bias"), p.get(mlp + "fc1.weight"),
                    opt(p, mlp + "fc1.bias"), p.get(mlp + "fc2.weight"), opt(p, mlp + "fc2.bias"),
                    opt(p, mlp + "fc3.weight"), opt(p, mlp + "fc3.bias"));
        }
    }

    /**
     * One block's weights as a decode step uses them, prepared once per decoder in its cache manager: the attention
     * scale folded into the query rows of the qkv weight and into the cross-attention query weight (when it is exact,
     * see {@link #scaleFolded}), and the gated MLP's fc1 and fc3 stacked into one weight.
     */
    private record Prepared(NDArray qkvW, NDArray qkvB, NDArray crossQW, NDArray crossQB, NDArray fc13W,
                            NDArray fc13B) {
    }

    private IncrementalDecoder(FourMModel model, EncoderOutput enc, int capacity, boolean compile,
                               boolean prepareWeights, boolean lean) {
        this.model = model;
        this.config = model.config();
        this.enc = enc;
        this.capacity = capacity;
        this.batch = enc.context().getShape().get(0);
        this.cache = enc.context().getManager().newSubManager();
        float s = (float) Math.pow(config.headDim(), -0.5);
        this.scale = cache.create(s);
        this.scaleFolded = !config.qkNorm() && s == Math.scalb(1f, Math.getExponent(s));
        int depth = config.decoderDepth();
        ParameterStore params = model.parameters();
        this.blocks = new Block[depth];
        for (int i = 0; i < depth; i++) {
            blocks[i] = Block.of(params, i, config.qkNorm());
        }
        this.finalNormWeight = params.get("decoder_norm.weight");
        this.finalNormBias = params.get("decoder_norm.bias");
        this.keysT = new NDArray[depth];
        this.values = new NDArray[depth];
        this.crossKeysT = new NDArray[depth];
        this.crossValues = new NDArray[depth];
        boolean padded = false;
        for (int id : enc.input().modIds()) {
            padded |= id == -1;
        }
        this.crossMasked = padded;
        this.prepared = new Prepared[depth];
        this.scaleInStep = scaleFolded && compile && !prepareWeights && cache instanceof PtNDManager;
        try {
            for (int i = 0; i < depth; i++) {
                crossKeys(i);
                prepared[i] = prepare(blocks[i], !scaleInStep);
            }
            this.compiled = compile ? compiledStep(lean) : null;
        } catch (RuntimeException e) {
            cache.close();
            throw e;
        }
    }

    /**
     * The step as one TorchScript call over this decoder's prepared weights, or null on another engine. Where the
     * scale is a power of two the step multiplies the query by it instead of reading weights with it folded in: the
     * same floats, without copying the query weights at every decoder's start.
     */
    private CompiledDecoderStep compiledStep(boolean lean) {
        java.util.List<CompiledDecoderStep.BlockWeights> ws = new java.util.ArrayList<>();
        boolean gelu = config.mlp() == MlpKind.GELU;
        for (int i = 0; i < blocks.length; i++) {
            Block w = blocks[i];
            Prepared p = prepared[i];
            ws.add(new CompiledDecoderStep.BlockWeights(w.norm1W(), w.norm1B(), p.qkvW(), p.qkvB(), w.qNormW(),
                    w.qNormB(), w.kNormW(), w.kNormB(), w.projW(), w.projB(), w.queryNormW(), w.queryNormB(),
                    p.crossQW(), p.crossQB(), w.crossQNormW(), w.crossQNormB(), w.crossProjW(), w.crossProjB(),
                    w.norm2W(), w.norm2B(), gelu ? w.fc1W() : p.fc13W(), gelu ? w.fc1B() : p.fc13B(), w.fc2W(),
                    w.fc2B()));
        }
        return CompiledDecoderStep.open(model, cache, batch, capacity, ws, finalNormWeight, finalNormBias,
                crossKeysT, crossValues, crossMasked ? enc.crossMask() : null, scale, scaleFolded, scaleInStep, lean);
    }

    /**
     * A decoder over {@code enc} with room for {@code capacity} tokens.
     *
     * @throws IllegalArgumentException if the capacity is below 1
     */
    public static IncrementalDecoder start(FourMModel model, EncoderOutput enc, int capacity) {
        return start(model, enc, capacity, COMPILED);
    }

    /** As {@link #start(FourMModel, EncoderOutput, int)}, with the step compiled or as engine operations. */
    static IncrementalDecoder start(FourMModel model, EncoderOutput enc, int capacity, boolean compiled) {
        return start(model, enc, capacity, compiled, PREPARED, LEAN);
    }

    /**
     * As {@link #start(FourMModel, EncoderOutput, int, boolean)}; {@code prepareWeights} makes even the compiled step
     * read query weights with a power-of-two scale folded in (copies made for this decoder) instead of multiplying the
     * query by it; {@code lean} writes the compiled step with the fewest engine operations.
     */
    static IncrementalDecoder start(FourMModel model, EncoderOutput enc, int capacity, boolean compiled,
                                    boolean prepareWeights, boolean lean) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        return new IncrementalDecoder(model, enc, capacity, compiled, prepareWeights, lean);
    }

    /** True when this decoder's steps run as one compiled TorchScript call ({@link CompiledDecoderStep}). */
    public boolean isCompiled() {
        return compiled != null;
    }

    /** Tokens decoded so far. */
    public int length() {
        return length;
    }

    /**
     * Runs the decoder blocks and {@code decoder_norm} for the next token.
     *
     * @param m      manager of the step's temporaries and of the result
     * @param tokens [B, 1, D] the token's input embedding
     * @param emb    [B, 1, D] its positional + modality embedding
     * @return [B, 1, D], owned by {@code m}
     * @throws IllegalStateException if the capacity is exhausted
     */
    public NDArray step(NDManager m, NDArray tokens, NDArray emb) {
        if (length == capacity) {
            throw new IllegalStateException("the key-value cache is full (" + capacity + " tokens)");
        }
        if (compiled != null) {
            NDArray out = compiled.step(m, tokens, emb, length);
            length++;
            return out;
        }
        int heads = config.numHeads();
        int hd = config.headDim();
        NDArray x = tokens.add(emb);
        for (int i = 0; i < blocks.length; i++) {
            Block w = blocks[i];
            Prepared pw = prepared[i];
            NDArray h = Layers.layerNorm(x, w.norm1W(), w.norm1B());
            // one token: [B, 1, 3D] viewed as [B, 3, H, 1, Dh] is the reference's (3, B, H, N, Dh) split, transposed
            NDArray qkv = Layers.linear(h, pw.qkvW(), pw.qkvB()).reshape(batch, 3, heads, 1, hd);
            NDArray q = qkv.get(Q);
            NDArray k = qkv.get(K);
            NDArray v = qkv.get(V);
            if (config.qkNorm()) {
                q = Layers.layerNorm(q, w.qNormW(), w.qNormB());
                k = Layers.layerNorm(k, w.kNormW(), w.kNormB());
            }
            keysT[i] = append(keysT[i], k.reshape(batch, heads, hd, 1), 3);
            values[i] = append(values[i], v, 2);
            NDArray o = attendOne(q, keysT[i], values[i], null);
            x = x.add(Layers.linear(o, w.projW(), w.projB()));
            NDArray cq = Layers.linear(Layers.layerNorm(x, w.queryNormW(), w.queryNormB()), pw.crossQW(),
                    pw.crossQB()).reshape(batch, heads, 1, hd);
            if (config.qkNorm()) {
                cq = Layers.layerNorm(cq, w.crossQNormW(), w.crossQNormB());
            }
            NDArray co = attendOne(cq, crossKeysT[i], crossValues[i], crossMasked ? enc.crossMask() : null);
            x = x.add(Layers.linear(co, w.crossProjW(), w.crossProjB()));
            NDArray h2 = Layers.layerNorm(x, w.norm2W(), w.norm2B());
            NDArray a;
            if (config.mlp() == MlpKind.GELU) {
                a = Layers.gelu(Layers.linear(h2, w.fc1W(), w.fc1B()));
            } else {
                NDArray both = Layers.linear(h2, pw.fc13W(), pw.fc13B());
                NDList gateUp = both.split(2, 2);
                a = Layers.silu(gateUp.get(0)).mul(gateUp.get(1));
            }
            x = x.add(Layers.linear(a, w.fc2W(), w.fc2B()));
        }
        length++;
        return Layers.layerNorm(x, finalNormWeight, finalNormBias);
    }

    /**
     * One step from token ids, with the output head applied: the same floats as {@link #logits} of {@link #step} over
     * the ids' rows of {@code tokenTable} and position {@link #length()} of {@code positions} (the head gives the same
     * floats on one thread or two). On the PyTorch engine the embedding lookup and the step are one TorchScript call,
     * and the head a second one on the engine's threads ({@code -Dfourm.decoder.headThreads=1}: all of it in one call
     * on the step's thread).
     *
     * @param m          manager of the result
     * @param ids        B token ids
     * @param tokenTable [V_in, D] the modality's input token embedding
     * @param positions  [1, N, D] the positional + modality embedding of every step, N at least {@link #length()} + 1
     * @param modality   the output modality whose head to apply
     * @return [B, V], owned by {@code m}
     * @throws IllegalArgumentException if {@code modality} is not an output of the model or {@code ids} does not have B
     *                                  entries
     * @throws IllegalStateException    if the capacity is exhausted
     */
    public NDArray stepLogits(NDManager m, long[] ids, NDArray tokenTable, NDArray positions, String modality) {
        if (!config.isOutput(modality)) {
            throw new IllegalArgumentException("'" + modality + "' is not an output modality of the model "
                    + config.domainsOut());
        }
        if (ids.length != batch) {
            throw new IllegalArgumentException("expected " + batch + " token ids, got " + ids.length);
        }
        if (length == capacity) {
            throw new IllegalStateException("the key-value cache is full (" + capacity + " tokens)");
        }
        if (compiled != null) {
            NDArray head = model.parameters().get("decoder_embeddings." + modality + ".to_logits.weight");
            NDArray out = compiled.stepLogits(m, ids, tokenTable, positions, head, length, HEAD_THREADS);
            length++;
            return out;
        }
        NDArray tokens = Layers.rows(m.create(ids), tokenTable).reshape(batch, 1, config.dim());
        NDArray emb = positions.get(new NDIndex(":, {}:{}", length, length + 1));
        return logits(m, modality, step(m, tokens, emb));
    }

    /** {@code previous} concatenated with {@code next} along {@code axis}, kept in the cache's manager. */
    private NDArray append(NDArray previous, NDArray next, int axis) {
        NDArray all;
        if (previous == null) {
            all = next.duplicate();
        } else {
            all = previous.concat(next, axis);
            previous.close();
        }
        all.attach(cache);
        return all;
    }

    /**
     * Attention of one query per head: softmax(q k^T * Dh^-0.5) v with q [B, H, 1, Dh], kT [B, H, Dh, M] and
     * v [B, H, M, Dh] (q already scaled when {@link #scaleFolded}); masked scores ({@code mask} true) set to -FLT_MAX.
     * Returns [B, 1, H*Dh] (with one query the reference's transpose before the reshape moves nothing).
     */
    private NDArray attendOne(NDArray q, NDArray kT, NDArray v, NDArray mask) {
        NDArray scores = scaleFolded ? q.matMul(kT) : q.matMul(kT).mul(scale);
        if (mask != null) {
            NDArray negMax = q.getManager().create(-Float.MAX_VALUE);
            scores = ai.djl.ndarray.NDArrays.where(mask.logicalNot().broadcast(scores.getShape()), scores, negMax);
        }
        return scores.softmax(-1).matMul(v).reshape(batch, 1, config.dim());
    }

    /**
     * The prepared weights of one block, in the cache manager. Folding the scale into the query weights (and biases) is
     * exact when it is a power of two, as it is for head widths 4, 16, 64, 256 (the released models use 64): scaling
     * by a power of two commutes with every rounding of the products and sums, so {@code (x W^T) s} and
     * {@code x (s W)^T} are the same floats. Otherwise (and with QK norm, which comes between the projection and the
     * scaling) the scores are scaled as before. Without {@code fold} the query weights are the model's own (the compiled
     * step then scales the query).
     */
    private Prepared prepare(Block w, boolean fold) {
        int d = config.dim();
        NDArray qkvW = w.qkvW();
        NDArray qkvB = w.qkvB();
        NDArray crossQW = w.crossQW();
        NDArray crossQB = w.crossQB();
        if (scaleFolded && fold) {
            float s = scale.getFloat();
            NDArray all = Layers.in(cache, qkvW);
            qkvW = all.get(new NDIndex("0:{}", d)).mul(s).concat(all.get(new NDIndex("{}:", d)), 0);
            if (qkvB != null) {
                NDArray b = Layers.in(cache, qkvB);
                qkvB = b.get(new NDIndex("0:{}", d)).mul(s).concat(b.get(new NDIndex("{}:", d)), 0);
            }
            crossQW = Layers.in(cache, crossQW).mul(s);
            crossQB = crossQB == null ? null : Layers.in(cache, crossQB).mul(s);
        }
        NDArray fc13W = null;
        NDArray fc13B = null;
        if (config.mlp() != MlpKind.GELU) {
            fc13W = Layers.concat(cache, w.fc1W(), w.fc3W());
            fc13B = w.fc1B() == null ? null : Layers.concat(cache, w.fc1B(), w.fc3B());
        }
        return new Prepared(qkvW, qkvB, crossQW, crossQB, fc13W, fc13B);
    }

    /**
     * The head of output modality {@code modality} applied to a step's result: [B, 1, D] or [B, D] to [B, V], the same
     * values as {@link FourMModel#logits} up to float rounding. Computed as {@code W h^T} ([V, D] times [D, B], then
     * viewed transposed): with a few rows the library streams the large weight once instead of packing it for a
     * product with few rows, which at batch 8 takes about twice as long for the 30000-token caption head.
     *
     * @param m manager of the result
     * @throws IllegalArgumentException if {@code modality} is not an output of the model
     */
    public NDArray logits(NDManager m, String modality, NDArray out) {
        if (!config.isOutput(modality)) {
            throw new IllegalArgumentException("'" + modality + "' is not an output modality of the model "
                    + config.domainsOut());
        }
        NDArray h = out.reshape(batch, config.dim());
        NDArray w = Layers.in(m, model.parameters().get("decoder_embeddings." + modality + ".to_logits.weight"));
        return w.matMul(h.transpose()).transpose();
    }

    /** Computes (or takes from the encoder output) block {@code i}'s cross-attention keys and values. */
    private void crossKeys(int i) {
        ParameterStore params = model.parameters();
        String pre = "decoder." + i + ".cross_attn.";
        int heads = config.numHeads();
        int hd = config.headDim();
        NDArray k = enc.cachedKeys(i);
        NDArray v = enc.cachedValues(i);
        if (k == null) {
            NDArray ctx = norm(params, enc.context(), "decoder." + i + ".context_norm");
            long mlen = ctx.getShape().get(1);
            NDArray kv = Layers.linear(ctx, params.get(pre + "kv.weight"), opt(params, pre + "kv.bias"))
                    .reshape(batch, mlen, 2, heads, hd).transpose(2, 0, 3, 1, 4);
            k = kv.get(0);
            v = kv.get(1);
            if (config.qkNorm()) {
                k = norm(params, k, pre + "k_norm");
            }
            enc.cache(i, k, v);
        }
        // Laid out once as the products of every step read them: the keys and values are strided views of the
        // kv projection, which each step's product would otherwise copy into a contiguous block (for every block,
        // every token: 6 of these copies a step were a quarter of a cached caption step at batch 8).
        long mlen = k.getShape().get(2);
        NDArray kT = k.transpose(0, 1, 3, 2).reshape(-1).reshape(batch, heads, hd, mlen);
        NDArray vc = v.reshape(-1).reshape(batch, heads, mlen, hd);
        kT.attach(cache);
        vc.attach(cache);
        crossKeysT[i] = kT;
        crossValues[i] = vc;
    }

    private static NDArray norm(ParameterStore params, NDArray x, String prefix) {
        return Layers.layerNorm(x, params.get(prefix + ".weight"), params.get(prefix + ".bias"));
    }

    private static NDArray opt(ParameterStore params, String name) {
        return params.has(name) ? params.get(name) : null;
    }

    /** Frees the key-value buffers. */
    @Override
    public void close() {
        if (compiled != null) {
            compiled.close();
        }
        cache.close();
    }
}
