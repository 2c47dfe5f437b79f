package fourm.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import fourm.api.ModalitySpec;
import fourm.api.TokenLayout;
import fourm.core.batch.MaskedBatch;
import fourm.core.batch.ModalityTensors;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The 4M encoder-decoder (spec section 2) on DJL NDArrays, faithful to the reference's numerics: pre-norm blocks,
 * LayerNorm eps 1e-6, exact GELU or gated SiLU, attention scores {@code (q k^T) * Dh^-0.5} masked with
 * {@code -Float.MAX_VALUE}, per-modality heads and cross-entropy losses.
 *
 * <p>Parameters live in {@link #parameters()} under the reference's state-dict names and belong to this model's
 * NDManager; every forward computation happens in a caller-supplied step manager (a sub-manager of
 * {@link #manager()}, see {@link #newStepManager()}), so closing the step manager frees all of it. The forward is
 * differentiable: attach gradients to {@link ParameterStore#trainable()} and record under a
 * {@code GradientCollector}.
 *
 * <p>The passes are callable separately, for generation: {@link #embedEncoder} + {@link #encode} once, then
 * {@link #decode} as many times as needed with {@link #embedDecoder} inputs or explicit queries
 * ({@link #decoderQuery}) and an explicit self-attention mask; {@link #logits} applies a modality's head.
 *
 * <p>Shape legend: B batch, N decoder or encoder slots, M encoder slots, D width, H heads, Dh head width, F MLP width,
 * V vocabulary, L positions of a modality, K rows.
 */
public final class FourMModel implements AutoCloseable {
    private final FourMConfig config;
    private final NDManager manager;
    private final ParameterStore params;
    private final float scale;
    /**
     * Whether passes without gradients run each block stack as one compiled TorchScript call on the PyTorch engine
     * (system property {@code fourm.model.compiled}, default true; false runs them as DJL operations).
     */
    static final boolean COMPILED = Boolean.parseBoolean(System.getProperty("fourm.model.compiled", "true"));
    private volatile boolean compiledStacks = COMPILED;
    /** Whether training passes compute each cross-entropy as {@link FusedCrossEntropy} (tests switch it). */
    private volatile boolean fusedCrossEntropy = FusedCrossEntropy.ENABLED;
    /** Whether training passes run the SwiGLU gate as {@link SwiGluGate} (tests switch it). */
    private volatile boolean scriptedSwiglu = SwiGluGate.ENABLED;
    /** Whether training passes run the attention core as {@link RecordedAttention} (tests switch it). */
    private volatile boolean recordedAttention = RecordedAttention.ENABLED;
    private final java.util.Map<String, AutoCloseable> compiled = new java.util.HashMap<>();

    FourMModel(FourMConfig config, NDManager manager, ParameterStore params) {
        this.config = config;
        this.manager = manager;
        this.params = params;
        this.scale = (float) Math.pow(config.headDim(), -0.5);
    }

    /**
     * A new model initialised as the reference initialises one (spec section 2.6): xavier-uniform linear weights
     * (qkv and kv with their split fan-out), zero biases, unit LayerNorm weights, N(0, 0.02) embeddings, mask token,
     * modality and learned positional embeddings, fixed sin-cos tables. The same seed gives the same weights.
     */
    public static FourMModel create(FourMConfig config, long seed) {
        NDManager m = NDManager.newBaseManager();
        try {
            return initialise(config, seed, m);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** As {@link #create(FourMConfig, long)}, in a sub-manager of {@code parent}. */
    public static FourMModel create(FourMConfig config, long seed, NDManager parent) {
        NDManager m = parent.newSubManager();
        try {
            return initialise(config, seed, m);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    private static FourMModel initialise(FourMConfig config, long seed, NDManager m) {
        List<ParameterLayout.Spec> layout = ParameterLayout.of(config);
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        for (ParameterLayout.Spec s : layout) {
            if (!s.isAlias()) {
                arrays.put(s.name(), initial(m, s, seed));
            }
        }
        return new FourMModel(config, m, new ParameterStore(layout, arrays));
    }

    private static NDArray initial(NDManager m, ParameterLayout.Spec s, long seed) {
        long[] shape = s.shape();
        Shape sh = new Shape(shape);
        switch (s.init()) {
            case ZEROS:
                return m.zeros(sh);
            case ONES:
                return m.ones(sh);
            case FIXED:
                return engineOwned(m.create(s.layout().fixedPositions((int) shape[2]), sh));
            default:
                break;
        }
        long key = seed;
        for (byte b : s.name().getBytes(StandardCharsets.UTF_8)) {
            key = key * 1_000_003L + b;
        }
        SplittableRandom rng = new SplittableRandom(key);
        boolean normal = s.init() == ParameterLayout.Init.NORMAL;
        double bound = normal ? 0 : s.xavierBound();
        // written in place into the engine's memory, a chunk at a time: no Java array or JVM buffer of the tensor's size
        NDArray out = m.zeros(sh);
        java.nio.FloatBuffer dst = out.toByteBuffer(true).order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
        if (dst.capacity() != s.numel()) {
            throw new IllegalStateException("the engine gave no direct view of " + s.name());
        }
        float[] chunk = new float[(int) Math.min(s.numel(), 1 << 16)];
        for (long done = 0; done < s.numel(); done += chunk.length) {
            int n = (int) Math.min(chunk.length, s.numel() - done);
            for (int i = 0; i < n; i++) {
                chunk[i] = normal ? (float) (rng.nextGaussian() * 0.02) : (float) ((rng.nextDouble() * 2 - 1) * bound);
            }
            dst.put(chunk, 0, n);
        }
        return out;
    }

    /**
     * A copy in engine memory: arrays created from Java data are backed by JVM direct buffers, which count against the
     * JVM's direct-memory limit; weights of a large model must not.
     */
    private static NDArray engineOwned(NDArray staged) {
        try (staged) {
            return staged.duplicate();
        }
    }

    /** The configuration. */
    public FourMConfig config() {
        return config;
    }

    /** The tensors, by reference state-dict name. */
    public ParameterStore parameters() {
        return params;
    }

    /** The manager that owns the parameters. */
    public NDManager manager() {
        return manager;
    }

    /** A new sub-manager for one step; close it after use. */
    public NDManager newStepManager() {
        return manager.newSubManager();
    }

    /** Runs passes without gradients as compiled stacks ({@link CompiledStack}) or as DJL operations (for tests). */
    void compiledStacks(boolean on) {
        compiledStacks = on;
    }

    /**
     * Computes the training cross-entropies as {@link FusedCrossEntropy} (true) or by recording log-softmax and gather
     * (false; for tests).
     */
    void fusedCrossEntropy(boolean on) {
        fusedCrossEntropy = on;
    }

    /** Runs the SwiGLU gate of training passes as {@link SwiGluGate} (true) or as DJL operations (false; tests). */
    void scriptedSwiglu(boolean on) {
        scriptedSwiglu = on;
    }

    /** Runs the attention core of training passes as {@link RecordedAttention} (true) or DJL operations (false). */
    void recordedAttention(boolean on) {
        recordedAttention = on;
    }

    /**
     * The compiled program stored under {@code key} (its source, for example), made by {@code make} in a sub-manager of
     * the model's manager on first use and kept until the model is closed.
     */
    @SuppressWarnings("unchecked")
    synchronized <T extends AutoCloseable> T compiled(String key, java.util.function.Function<NDManager, T> make) {
        AutoCloseable found = compiled.get(key);
        if (found == null) {
            NDManager m = manager.newSubManager();
            try {
                found = make.apply(m);
            } catch (RuntimeException | Error e) {
                m.close();
                throw e;
            }
            compiled.put(key, found);
        }
        return (T) found;
    }

    /** Frees the parameters, the compiled programs and every sub-manager still open. */
    @Override
    public void close() {
        synchronized (this) {
            for (AutoCloseable c : compiled.values()) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException("cannot free a compiled program of the model", e);
                }
            }
            compiled.clear();
        }
        manager.close();
    }

    // ------------------------------------------------------------------------------------------------ batch checks

    /** The modalities of {@code batch} the encoder embeds, in batch order. */
    public List<String> encoderModalities(MaskedBatch batch) {
        checkKnown(batch);
        return batch.modalities().keySet().stream().filter(config::isInput).toList();
    }

    /** The modalities of {@code batch} the decoder predicts, in batch order. */
    public List<String> decoderModalities(MaskedBatch batch) {
        checkKnown(batch);
        return batch.modalities().keySet().stream().filter(config::isOutput).toList();
    }

    private void checkKnown(MaskedBatch batch) {
        for (String k : batch.modalities().keySet()) {
            if (!config.isInput(k) && !config.isOutput(k)) {
                throw new IllegalArgumentException("batch modality '" + k + "' is not a domain of the model (inputs "
                        + config.domainsIn() + ", outputs " + config.domainsOut() + ")");
            }
        }
    }

    /** The largest number of valid encoder tokens of a sample (the default number of encoder slots). */
    public int maxValidEncoderTokens(MaskedBatch batch) {
        int best = 0;
        for (int b = 0; b < batch.batchSize(); b++) {
            int n = 0;
            for (String k : encoderModalities(batch)) {
                ModalityTensors t = batch.modalities().get(k);
                for (int p = 0; p < t.length(); p++) {
                    n += t.inputMask()[b * t.length() + p] ? 0 : 1;
                }
            }
            best = Math.max(best, n);
        }
        return best;
    }

    /** The largest number of valid decoder targets of a sample (the default number of decoder slots). */
    public int maxValidDecoderTokens(MaskedBatch batch) {
        int best = 0;
        for (int b = 0; b < batch.batchSize(); b++) {
            int n = 0;
            for (String k : decoderModalities(batch)) {
                ModalityTensors t = batch.modalities().get(k);
                boolean seq = config.modality(k).layout().sequence();
                for (int c = 0; c < candidates(t, seq); c++) {
                    n += decoderValid(t, seq, b, c) ? 1 : 0;
                }
            }
            best = Math.max(best, n);
        }
        return best;
    }

    private ModalityTensors checked(MaskedBatch batch, String key, boolean decoderSide) {
        ModalityTensors t = batch.modalities().get(key);
        TokenLayout l = config.modality(key).layout();
        String where = "batch modality '" + key + "' (" + l.name() + "): ";
        if (l.discrete() != t.isDiscrete()) {
            throw new IllegalArgumentException(where + (l.discrete() ? "expected token ids, got values"
                    : "expected values, got token ids"));
        }
        if (!l.sequence() && t.length() != l.length()) {
            throw new IllegalArgumentException(where + "has " + t.length() + " positions, the model expects "
                    + l.length());
        }
        if (decoderSide && l.sequence() && t.length() < 2) {
            throw new IllegalArgumentException(where + "a target sequence needs at least 2 positions");
        }
        if (!l.discrete()) {
            int[] expected = expectedValueShape(l, t.batchSize(), t.length());
            if (!Arrays.equals(t.valueShape(), expected)) {
                throw new IllegalArgumentException(where + "values of shape " + Arrays.toString(t.valueShape())
                        + ", expected " + Arrays.toString(expected));
            }
        }
        return t;
    }

    /**
     * The value shape of a batch of {@code batch} samples of {@code length} positions: B then the layout's value
     * shape, whose first dimension is the position count for a sequence.
     */
    static int[] expectedValueShape(TokenLayout l, int batch, int length) {
        int[] one = l.valueShape();
        int[] out = new int[one.length + 1];
        out[0] = batch;
        System.arraycopy(one, 0, out, 1, one.length);
        if (l.sequence() && one.length > 0) {
            out[1] = length;
        }
        return out;
    }

    private long tokenId(ModalityTensors t, int index, String role) {
        long id = t.ids()[index];
        int vocab = config.vocabSize(t.key());
        if (id < 0 || id >= vocab) {
            throw new IllegalArgumentException("batch modality '" + t.key() + "': " + role + " id " + id
                    + " at sample " + index / t.length() + ", position " + index % t.length()
                    + " is outside the vocabulary [0, " + vocab + ")");
        }
        return id;
    }

    // ------------------------------------------------------------------------------------------------ encoder

    /**
     * Embeds the encoder side of {@code batch} and keeps, per sample, the first {@code numEncoderTokens} valid tokens
     * (inputs first, in modality then position order); padded slots are zero with modality id -1.
     *
     * @throws IllegalArgumentException if the batch does not fit the model or N exceeds the batch's positions
     */
    public EncoderInput embedEncoder(NDManager m, MaskedBatch batch, int numEncoderTokens) {
        return embedEncoder(m, batch, numEncoderTokens, false);
    }

    private EncoderInput embedEncoder(NDManager m, MaskedBatch batch, int numEncoderTokens, boolean sparse) {
        List<String> keys = encoderModalities(batch);
        int bsz = batch.batchSize();
        int n = numEncoderTokens;
        int d = config.dim();
        int total = 0;
        List<ModalityTensors> mods = new ArrayList<>();
        for (String k : keys) {
            ModalityTensors t = checked(batch, k, false);
            mods.add(t);
            total += t.length();
        }
        if (n < 0 || n > total) {
            throw new IllegalArgumentException("num_encoder_tokens " + n + " must be between 0 and the " + total
                    + " encoder positions of the batch");
        }
        int[] rowOf = new int[bsz * n];
        int[] modIds = new int[bsz * n];
        Arrays.fill(rowOf, -1);
        Arrays.fill(modIds, -1);
        List<Selection> sel = new ArrayList<>();
        for (int i = 0; i < mods.size(); i++) {
            sel.add(new Selection());
        }
        for (int b = 0; b < bsz; b++) {
            int j = 0;
            for (int mi = 0; mi < mods.size() && j < n; mi++) {
                ModalityTensors t = mods.get(mi);
                ModalitySpec mm = config.modality(t.key());
                TokenLayout l = mm.layout();
                // once per modality: the id is a SHA-256 of the key, computed anew by every call
                int modalityId = mm.modalityId();
                int visible = 0;
                for (int p = 0; p < t.length() && j < n; p++) {
                    if (!t.inputMask()[b * t.length() + p]) {
                        int pos = l.sequence() ? visible : p;
                        if (pos >= l.positionRows()) {
                            throw new IllegalArgumentException("batch modality '" + t.key() + "', sample " + b
                                    + ": input position " + pos + " is beyond the " + l.positionRows()
                                    + " rows of its positional table");
                        }
                        sel.get(mi).add(b * n + j, b * t.length() + p, pos);
                        modIds[b * n + j] = modalityId;
                        j++;
                        visible++;
                    }
                }
            }
        }
        List<NDArray> xs = new ArrayList<>();
        List<NDArray> es = new ArrayList<>();
        int offset = 0;
        for (int mi = 0; mi < mods.size(); mi++) {
            Selection s = sel.get(mi);
            if (s.size() == 0) {
                continue;
            }
            ModalityTensors t = mods.get(mi);
            TokenLayout l = config.modality(t.key()).layout();
            String prefix = "encoder_embeddings." + t.key() + ".";
            for (int r = 0; r < s.size(); r++) {
                rowOf[s.slot(r)] = offset + r;
            }
            xs.add(encoderContent(m, t, l, prefix, s, sparse));
            es.add(embRows(m, prefix, s.positions()));
            offset += s.size();
        }
        NDArray tokens = Layers.assemble(m, xs, rowOf, bsz, n, d);
        NDArray emb = Layers.assemble(m, es, rowOf, bsz, n, d);
        boolean[] pad = new boolean[bsz * n];
        for (int i = 0; i < pad.length; i++) {
            pad[i] = modIds[i] == -1;
        }
        NDArray mask = Layers.bools(m, pad, bsz, 1, n);
        return new EncoderInput(tokens, emb, mask, modIds, bsz, n);
    }

    private NDArray encoderContent(NDManager m, ModalityTensors t, TokenLayout l, String prefix, Selection s,
                                   boolean sparse) {
        int k = s.size();
        if (l.discrete()) {
            long[] ids = new long[k];
            for (int r = 0; r < k; r++) {
                ids[r] = tokenId(t, s.source(r), "input");
            }
            return tokenRows(m, params.get(prefix + l.inputWeight()), ids, l.zeroIdIsPadding(), sparse);
        }
        int width = l.tokenWidth();
        int per = t.values().length / t.batchSize();
        float[] rows = new float[k * width];
        float[] sample = new float[per];
        int loaded = -1;
        for (int r = 0; r < k; r++) {
            int b = s.source(r) / t.length();
            if (b != loaded) {
                System.arraycopy(t.values(), b * per, sample, 0, per);
                loaded = b;
            }
            l.tokenVector(sample, s.source(r) % t.length(), rows, r * width);
        }
        NDArray in = m.create(rows, new Shape(k, width));
        return Layers.linear(in, params.get(prefix + l.inputWeight()),
                l.inputBias().map(bias -> params.get(prefix + bias)).orElse(null));
    }

    /**
     * Token-table rows; with {@code paddingIdx} row 0 receives no gradient (torch's {@code padding_idx=0}); with
     * {@code sparse} the backward pass adds the rows' gradients into the table's gradient (see
     * {@link ForwardOptions#sparseTableGradients()}).
     */
    private static NDArray tokenRows(NDManager m, NDArray table, long[] ids, boolean paddingIdx, boolean sparse) {
        NDArray rows = sparse ? Layers.sparseRows(m.create(ids), table) : Layers.rows(m.create(ids), table);
        if (paddingIdx) {
            boolean[] zero = new boolean[ids.length];
            boolean any = false;
            for (int i = 0; i < ids.length; i++) {
                zero[i] = ids[i] == 0;
                any |= zero[i];
            }
            if (any) {
                NDArray cond = Layers.bools(m, zero, ids.length, 1).broadcast(rows.getShape());
                rows = NDArrays.where(cond, rows.stopGradient(), rows);
            }
        }
        return rows;
    }

    /** {@code pos_emb[positions] + mod_emb}: [K, D]. */
    private NDArray embRows(NDManager m, String prefix, long[] positions) {
        NDArray table = Layers.first(m, params.get(prefix + "pos_emb"));
        NDArray mod = Layers.first(m, params.get(prefix + "mod_emb"));
        return Layers.rows(m.create(positions), table).add(mod);
    }

    /**
     * Runs the encoder blocks and {@code encoder_norm}, and builds the decoder context
     * {@code decoder_proj_context(x) + encoder_emb}. Results belong to the manager of {@code in.tokens()}.
     */
    public EncoderOutput encode(EncoderInput in) {
        return encode(in, null);
    }

    /**
     * As {@link #encode(EncoderInput)}; passes without gradients on the result reuse {@code projection} (of this
     * model, made by {@link #crossProjection}, or null to compute it per pass) for the decoder's cross-attention keys
     * and values.
     *
     * @throws IllegalArgumentException if {@code projection} belongs to another model
     */
    public EncoderOutput encode(EncoderInput in, CrossProjection projection) {
        if (projection != null && projection.model() != this) {
            throw new IllegalArgumentException("the cross projection was made by another model");
        }
        NDArray x = in.tokens().add(in.emb());
        // without a padded slot the bias is all zeros: adding it changes no score, so it is left out
        NDArray bias = anyPadding(in.modIds()) ? Layers.maskBias(in.mask().reshape(in.batch(), 1, 1, in.length()))
                : null;
        NDArray out = compiledStacks && !GradMode.recording()
                ? CompiledStack.encoder(this, x, bias, Layers.scalar(x, scale)) : null;
        if (out == null) {
            for (int i = 0; i < config.encoderDepth(); i++) {
                String pre = "encoder." + i + ".";
                x = scoped(x, h -> {
                    NDArray y = h.add(selfAttention(norm(h, pre + "norm1"), pre + "attn.", bias));
                    return y.add(mlp(norm(y, pre + "norm2"), pre + "mlp."));
                });
            }
            out = norm(x, "encoder_norm");
        }
        NDArray context = Layers.linear(out, p("decoder_proj_context.weight"), p("decoder_proj_context.bias"))
                .add(in.emb());
        return new EncoderOutput(in, out, context, config.decoderDepth(), projection);
    }

    // ------------------------------------------------------------------------------------------------ decoder

    /** True when some slot is padding (modality id -1). */
    static boolean anyPadding(int[] modIds) {
        for (int id : modIds) {
            if (id == -1) {
                return true;
            }
        }
        return false;
    }

    /**
     * Embeds the decoder side of {@code batch} with the modalities of {@code order} concatenated in that order (the
     * full forward uses every output modality of the batch; generation may name a subset): image targets as
     * {@code mask_token}, sequences teacher-forced ({@code x[:, :-1]}, targets {@code ids[:, 1:]}, valid where
     * {@code tm[:, 1:] | tm[:, :-1]} is false, positions beyond max length mapped to 0). Keeps the first
     * {@code numDecoderTokens} slots of a stable valid-first partition and builds the self-attention mask (cumulative
     * attention counts, plus modality separation computed before padded ids become -1).
     *
     * @throws IllegalArgumentException if {@code order} repeats a modality or names one that is not an output
     *                                  modality of the batch, the batch does not fit the model, or N exceeds the
     *                                  batch's decoder positions
     */
    public DecoderInput embedDecoder(NDManager m, MaskedBatch batch, List<String> order, int numDecoderTokens) {
        return embedDecoder(m, batch, order, numDecoderTokens, false);
    }

    private DecoderInput embedDecoder(NDManager m, MaskedBatch batch, List<String> order, int numDecoderTokens,
                                      boolean sparse) {
        List<String> present = decoderModalities(batch);
        if (order.isEmpty() || new java.util.HashSet<>(order).size() != order.size()
                || !present.containsAll(order)) {
            throw new IllegalArgumentException("decoder order " + order + " must list distinct output modalities of "
                    + "the batch " + present);
        }
        int bsz = batch.batchSize();
        int n = numDecoderTokens;
        int d = config.dim();
        List<ModalityTensors> mods = new ArrayList<>();
        int total = 0;
        for (String k : order) {
            ModalityTensors t = checked(batch, k, true);
            mods.add(t);
            total += candidates(t, config.modality(k).layout().sequence());
        }
        if (n < 0 || n > total) {
            throw new IllegalArgumentException("num_decoder_tokens " + n + " must be between 0 and the " + total
                    + " decoder positions of the batch");
        }
        int[] rowOf = new int[bsz * n];
        int[] modIds = new int[bsz * n];
        int[] preIds = new int[bsz * n];
        long[] dam = new long[bsz * n];
        long[] targets = new long[bsz * n];
        Arrays.fill(rowOf, -1);
        Arrays.fill(modIds, -1);
        List<Selection> sel = new ArrayList<>();
        for (int i = 0; i < mods.size(); i++) {
            sel.add(new Selection());
        }
        for (int b = 0; b < bsz; b++) {
            int j = 0;
            for (int pass = 0; pass < 2 && j < n; pass++) {
                boolean wantValid = pass == 0;
                for (int mi = 0; mi < mods.size() && j < n; mi++) {
                    ModalityTensors t = mods.get(mi);
                    ModalitySpec mm = config.modality(t.key());
                    TokenLayout l = mm.layout();
                    int modalityId = mm.modalityId();
                    boolean seq = l.sequence();
                    int[] targetPos = seq ? targetPositions(t, l, b) : null;
                    for (int c = 0; c < candidates(t, seq) && j < n; c++) {
                        boolean valid = decoderValid(t, seq, b, c);
                        if (valid != wantValid) {
                            continue;
                        }
                        int slot = b * n + j;
                        int src = b * t.length() + c;
                        preIds[slot] = modalityId;
                        dam[slot] = t.decoderAttentionMask()[src];
                        if (valid) {
                            modIds[slot] = modalityId;
                            targets[slot] = tokenId(t, seq ? src + 1 : src, "target");
                            int pos = seq ? targetPos[c] : c;
                            if (pos >= l.positionRows()) {
                                throw new IllegalArgumentException("batch modality '" + t.key() + "', sample " + b
                                        + ": target position " + pos + " is beyond the " + l.positionRows()
                                        + " rows of its positional table");
                            }
                            sel.get(mi).add(slot, src, pos);
                        }
                        j++;
                    }
                }
            }
        }
        List<NDArray> xs = new ArrayList<>();
        List<NDArray> es = new ArrayList<>();
        int offset = 0;
        for (int mi = 0; mi < mods.size(); mi++) {
            Selection s = sel.get(mi);
            if (s.size() == 0) {
                continue;
            }
            ModalityTensors t = mods.get(mi);
            TokenLayout l = config.modality(t.key()).layout();
            String prefix = "decoder_embeddings." + t.key() + ".";
            for (int r = 0; r < s.size(); r++) {
                rowOf[s.slot(r)] = offset + r;
            }
            if (l.sequence()) {
                long[] ids = new long[s.size()];
                for (int r = 0; r < s.size(); r++) {
                    ids[r] = tokenId(t, s.source(r), "decoder input");
                }
                xs.add(tokenRows(m, params.get(prefix + l.inputWeight()), ids, l.zeroIdIsPadding(), sparse));
            } else {
                NDArray maskToken = Layers.first(m, p("mask_token"));
                xs.add(Layers.rows(m.zeros(new Shape(s.size()), DataType.INT64), maskToken));
            }
            es.add(embRows(m, prefix, s.positions()));
            offset += s.size();
        }
        NDArray tokens = Layers.assemble(m, xs, rowOf, bsz, n, d);
        NDArray emb = Layers.assemble(m, es, rowOf, bsz, n, d);
        boolean[] pad = new boolean[bsz * n];
        for (int i = 0; i < pad.length; i++) {
            pad[i] = modIds[i] == -1;
        }
        NDArray mask = Layers.bools(m, pad, bsz, 1, n);
        NDArray attention = Layers.bools(m, selfAttentionMask(dam, preIds, bsz, n), bsz, n, n);
        return new DecoderInput(tokens, emb, mask, attention, targets, modIds, bsz, n, List.copyOf(order));
    }

    static int candidates(ModalityTensors t, boolean seq) {
        return seq ? t.length() - 1 : t.length();
    }

    static boolean decoderValid(ModalityTensors t, boolean seq, int b, int c) {
        boolean[] tm = t.targetMask();
        int i = b * t.length() + c;
        return seq ? !(tm[i] || tm[i + 1]) : !tm[i];
    }

    /** {@code cumsum(~tm) - 1} at target positions, 0 elsewhere and at or beyond max length. */
    private static int[] targetPositions(ModalityTensors t, TokenLayout l, int b) {
        int[] out = new int[t.length()];
        int count = 0;
        for (int p = 0; p < t.length(); p++) {
            if (!t.targetMask()[b * t.length() + p]) {
                count++;
                int pos = count - 1;
                out[p] = pos >= l.maxLength() ? 0 : pos;
            }
        }
        return out;
    }

    /**
     * The reference's decoder self-attention mask (true = may not attend): {@code j >= cumsum(dam)[i]} (or
     * {@code j > i} with the causal mask), OR'd with {@code mod[i] != mod[j]} when modalities are separated.
     */
    boolean[] selfAttentionMask(long[] dam, int[] modIds, int bsz, int n) {
        boolean[] out = new boolean[bsz * n * n];
        long[] cum = new long[n];
        for (int b = 0; b < bsz; b++) {
            long c = 0;
            for (int i = 0; i < n; i++) {
                c += dam[b * n + i];
                cum[i] = c;
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    boolean masked = config.decoderCausalMask() ? j > i : j >= cum[i];
                    if (config.decoderSepMask() && modIds[b * n + i] != modIds[b * n + j]) {
                        masked = true;
                    }
                    out[(b * n + i) * n + j] = masked;
                }
            }
        }
        return out;
    }

    /**
     * Explicit decoder queries for {@code modality} (generation): {@code tokens} are {@code mask_token} for grids, or
     * the decoder token embedding of {@code inputIds} for sequences; {@code emb} is {@code pos_emb[positions] +
     * mod_emb}.
     *
     * @param m         manager of the result
     * @param modality  an output modality
     * @param batch     B
     * @param positions B*K row-major positional indices (grid positions, or sequence target positions)
     * @param inputIds  B*K row-major previous tokens for sequences; ignored (may be null) for grids
     */
    public DecoderQuery decoderQuery(NDManager m, String modality, int batch, long[] positions, long[] inputIds) {
        if (!config.isOutput(modality)) {
            throw new IllegalArgumentException("'" + modality + "' is not an output modality of the model "
                    + config.domainsOut());
        }
        TokenLayout l = config.modality(modality).layout();
        if (batch < 1 || positions.length % batch != 0) {
            throw new IllegalArgumentException(positions.length + " positions do not split into " + batch
                    + " samples");
        }
        int k = positions.length / batch;
        for (long p : positions) {
            if (p < 0 || p >= l.positionRows()) {
                throw new IllegalArgumentException(modality + ": position " + p + " outside [0, " + l.positionRows()
                        + ")");
            }
        }
        String prefix = "decoder_embeddings." + modality + ".";
        int d = config.dim();
        NDArray tokens;
        if (l.sequence()) {
            int vocab = config.vocabSize(modality);
            if (inputIds == null || inputIds.length != positions.length) {
                throw new IllegalArgumentException(modality + ": a sequence query needs one input id per position");
            }
            for (long id : inputIds) {
                if (id < 0 || id >= vocab) {
                    throw new IllegalArgumentException(modality + ": input id " + id + " outside the vocabulary [0, "
                            + vocab + ")");
                }
            }
            tokens = tokenRows(m, params.get(prefix + l.inputWeight()), inputIds, l.zeroIdIsPadding(), false);
        } else {
            tokens = Layers.rows(m.zeros(new Shape(positions.length), DataType.INT64),
                    Layers.first(m, p("mask_token")));
        }
        NDArray emb = embRows(m, prefix, positions);
        return new DecoderQuery(tokens.reshape(batch, k, d), emb.reshape(batch, k, d));
    }

    /**
     * Runs the decoder blocks and {@code decoder_norm}.
     *
     * @param enc               the encoder pass to attend to (its cross-attention keys/values are cached)
     * @param tokens            [B, N, D] decoder input embeddings
     * @param emb               [B, N, D] positional + modality embeddings
     * @param selfAttentionMask [B, N, N] boolean, true = may not attend; null for full attention
     * @return [B, N, D], owned by the manager of {@code tokens}
     */
    public NDArray decode(EncoderOutput enc, NDArray tokens, NDArray emb, NDArray selfAttentionMask) {
        NDArray x = tokens.add(emb);
        NDArray sa = selfAttentionMask == null ? null : Layers.maskBias(selfAttentionMask.expandDims(1));
        if (compiledStacks && !GradMode.recording()) {
            boolean missing = false;
            for (int i = 0; i < config.decoderDepth(); i++) {
                missing |= enc.cachedKeys(i) == null;
            }
            if (missing) {
                crossKeysAndValues(enc);
            }
            NDArray out = CompiledStack.decoder(this, x, sa, enc, enc.crossBias(), Layers.scalar(x, scale));
            if (out != null) {
                return out;
            }
        }
        for (int i = 0; i < config.decoderDepth(); i++) {
            String pre = "decoder." + i + ".";
            int block = i;
            x = scoped(x, h -> {
                NDArray y = h.add(selfAttention(norm(h, pre + "norm1"), pre + "self_attn.", sa));
                y = y.add(crossAttention(norm(y, pre + "query_norm"), block, enc));
                return y.add(mlp(norm(y, pre + "norm2"), pre + "mlp."));
            });
        }
        return norm(x, "decoder_norm");
    }

    /**
     * Runs one block on {@code x} in a scope of its own: the block's intermediate arrays (normalised inputs, attention
     * scores, the fused MLP weight of the pass, ...) are released when it ends, and only its output joins the manager
     * of {@code x}. Without it every intermediate of every block stays allocated until the step's manager closes,
     * which at the B size costs about a gigabyte for one forward pass. In training, autograd keeps what the backward
     * pass needs by itself (the engine tensors it saved outlive their closed arrays), as PyTorch frees a forward
     * pass's intermediates when nothing refers to them; so a block must create no array from Java data (backed by a
     * JVM buffer, which the collector may free before the backward pass): its constants come from
     * {@link Layers#scalar}. {@code GradientStabilityTest} holds gradients bit-identical across a collection.
     */
    private static NDArray scoped(NDArray x, java.util.function.UnaryOperator<NDArray> block) {
        NDManager outer = x.getManager();
        try (NDManager scope = outer.newSubManager()) {
            x.tempAttach(scope);
            NDArray y = block.apply(x);
            y.attach(outer);
            return y;
        }
    }

    /** The head of {@code modality}: [..., D] to [..., V]. */
    public NDArray logits(String modality, NDArray decoderOutput) {
        if (!config.isOutput(modality)) {
            throw new IllegalArgumentException("'" + modality + "' is not an output modality of the model "
                    + config.domainsOut());
        }
        return Layers.linear(decoderOutput, p("decoder_embeddings." + modality + ".to_logits.weight"), null);
    }

    // ------------------------------------------------------------------------------------------------ full pass

    /**
     * The reference's training forward (spec sections 2.4 and 2.5) in manager {@code m}: encoder, decoder, per-modality
     * logits at each modality's own target slots, cross-entropies and both losses. While gradients are recorded, each
     * cross-entropy is computed as {@link FusedCrossEntropy} (system property {@code fourm.model.fusedCrossEntropy},
     * default true): the same values, and gradients equal up to float rounding, without recording log-softmax and
     * gather over the [K, V] logits; the loss logits then hold values only.
     */
    public ForwardOutput forward(NDManager m, MaskedBatch batch, ForwardOptions options) {
        List<String> outputs = decoderModalities(batch);
        if (outputs.isEmpty()) {
            throw new IllegalArgumentException("the batch has no output modality of the model "
                    + config.domainsOut());
        }
        List<String> order = options.decoderOrder().orElseGet(() -> shuffled(outputs, options.shuffleSeed()));
        if (order.size() != outputs.size() || !order.containsAll(outputs)) {
            throw new IllegalArgumentException("decoder order " + order + " must be a permutation of the batch's "
                    + "output modalities " + outputs);
        }
        int nEnc = options.numEncoderTokens().orElseGet(() -> maxValidEncoderTokens(batch));
        int nDec = options.numDecoderTokens().orElseGet(() -> maxValidDecoderTokens(batch));
        EncoderInput ei = embedEncoder(m, batch, nEnc, options.sparseTableGradients());
        EncoderOutput eo = encode(ei);
        DecoderInput di = embedDecoder(m, batch, order, nDec, options.sparseTableGradients());
        NDArray y = decode(eo, di.tokens(), di.emb(), di.attentionMask());
        int bsz = di.batch();
        int n = di.length();
        NDArray flat = y.reshape((long) bsz * n, config.dim());
        Map<String, NDArray> lossLogits = new LinkedHashMap<>();
        Map<String, NDArray> lossTargets = new LinkedHashMap<>();
        Map<String, NDArray> modLoss = new LinkedHashMap<>();
        Map<String, NDArray> logits = new LinkedHashMap<>();
        NDArray sum = null;
        NDArray weighted = null;
        long numel = 0;
        for (String key : outputs) {
            ModalitySpec mm = config.modality(key);
            int vocab = config.vocabSize(key);
            int id = mm.modalityId();
            int k = 0;
            for (int v : di.modIds()) {
                k += v == id ? 1 : 0;
            }
            long[] rows = new long[k];
            long[] tgt = new long[k];
            int r = 0;
            for (int s = 0; s < di.modIds().length; s++) {
                if (di.modIds()[s] == id) {
                    rows[r] = s;
                    tgt[r++] = di.targetIds()[s];
                }
            }
            NDArray ce;
            if (k == 0) {
                lossLogits.put(key, m.zeros(new Shape(0, vocab)));
                lossTargets.put(key, m.zeros(new Shape(0), DataType.INT64));
                ce = m.zeros(new Shape());
            } else {
                NDArray selected = Layers.rows(m.create(rows), flat);
                NDArray targets = m.create(tgt);
                if (fusedCrossEntropy && FusedCrossEntropy.supports(m) && GradMode.recording()) {
                    FusedCrossEntropy.Result fused = FusedCrossEntropy.compute(this, selected,
                            p("decoder_embeddings." + key + ".to_logits.weight"), targets);
                    ce = fused.value();
                    lossLogits.put(key, fused.logits());
                } else {
                    NDArray lg = logits(key, selected);
                    NDArray nll = lg.logSoftmax(1).gather(targets.reshape(k, 1), 1).neg();
                    ce = nll.mean();
                    lossLogits.put(key, lg);
                }
                lossTargets.put(key, targets);
                long cnt = (long) k * vocab;
                NDArray count = m.create((float) cnt);
                weighted = weighted == null ? ce.mul(count) : weighted.add(ce.mul(count));
                numel += cnt;
            }
            modLoss.put(key, ce);
            sum = sum == null ? ce : sum.add(ce);
            if (options.fullLogits()) {
                logits.put(key, logits(key, y));
            }
        }
        NDArray lossMod = sum.div(m.create((float) outputs.size()));
        NDArray lossToken = numel == 0 ? m.zeros(new Shape()) : weighted.div(m.create((float) numel));
        return new ForwardOutput(ei, eo, di, y, Collections.unmodifiableMap(logits),
                Collections.unmodifiableMap(lossLogits), Collections.unmodifiableMap(lossTargets),
                Collections.unmodifiableMap(modLoss), lossMod, lossToken);
    }

    /**
     * The reference's decoder modality shuffle: Python's {@code random.seed(seed)} then
     * {@code random.sample(keys, len(keys))}.
     */
    static List<String> shuffled(List<String> keys, long seed) {
        return List.copyOf(new PythonRandom(seed).sample(keys, keys.size()));
    }

    // ------------------------------------------------------------------------------------------------ blocks

    private NDArray p(String name) {
        return params.get(name);
    }

    private NDArray opt(String name) {
        return params.has(name) ? params.get(name) : null;
    }

    private NDArray norm(NDArray x, String prefix) {
        return Layers.layerNorm(x, p(prefix + ".weight"), p(prefix + ".bias"));
    }

    /**
     * Self-attention: [B, N, D] with an additive mask broadcastable to [B, H, N, N] (or null) to [B, N, D]. The fused
     * qkv projection is split into views (its backward concatenates the three gradients, instead of scattering each
     * into a zero tensor of the full size).
     */
    private NDArray selfAttention(NDArray h, String pre, NDArray bias) {
        Shape s = h.getShape();
        long b = s.get(0);
        long n = s.get(1);
        NDList qkv = Layers.linear(h, p(pre + "qkv.weight"), opt(pre + "qkv.bias"))
                .reshape(b, n, 3, config.numHeads(), config.headDim()).transpose(2, 0, 3, 1, 4).split(3, 0);
        NDArray q = qkv.get(0).squeeze(0);
        NDArray k = qkv.get(1).squeeze(0);
        NDArray v = qkv.get(2).squeeze(0);
        if (config.qkNorm()) {
            q = norm(q, pre + "q_norm");
            k = norm(k, pre + "k_norm");
        }
        NDArray o = attend(q, k, v, bias);
        return Layers.linear(o, p(pre + "proj.weight"), opt(pre + "proj.bias"));
    }

    /**
     * {@link Layers#attendBias}, or {@link RecordedAttention} in a training pass (both give [B, N, D]).
     */
    private NDArray attend(NDArray q, NDArray k, NDArray v, NDArray bias) {
        if (recordedAttention && RecordedAttention.supports(q.getManager()) && GradMode.recording()) {
            return RecordedAttention.attend(this, q, k, v, bias, scale);
        }
        return Layers.attendBias(q, k, v, bias, scale);
    }

    /** Cross-attention of block {@code i}: queries [B, N, D] (already query-normed) over the context [B, M, D]. */
    private NDArray crossAttention(NDArray h, int i, EncoderOutput enc) {
        String pre = "decoder." + i + ".cross_attn.";
        Shape s = h.getShape();
        long b = s.get(0);
        long n = s.get(1);
        int heads = config.numHeads();
        int hd = config.headDim();
        NDArray q = Layers.linear(h, p(pre + "q.weight"), opt(pre + "q.bias")).reshape(b, n, heads, hd)
                .transpose(0, 2, 1, 3);
        if (config.qkNorm()) {
            q = norm(q, pre + "q_norm");
        }
        if (enc.cachedKeys(i) == null) {
            crossKeysAndValues(enc);
        }
        NDArray o = attend(q, enc.cachedKeys(i), enc.cachedValues(i), enc.crossBias());
        return Layers.linear(o, p(pre + "proj.weight"), opt(pre + "proj.bias"));
    }

    /**
     * The cross-attention keys and values of every decoder block whose cache is empty, in one matrix product.
     *
     * <p>Block i projects {@code context_norm_i(ctx) = n * g_i + b_i} ({@code n} the normalised context, shared by all
     * blocks) with {@code kv_i}: {@code (n * g_i + b_i) W_i^T + c_i = n (W_i * g_i)^T + (W_i b_i + c_i)}. So the
     * blocks' weights, each scaled by its norm's weight, are stacked into one [depth * 2D, D] projection of {@code n}
     * (differentiable in every weight, norm weight and bias), and the result is split per block. The same values as
     * norm-then-project, up to float rounding; one large product instead of one small one per block.
     */
    private void crossKeysAndValues(EncoderOutput enc) {
        NDArray ctx = enc.context();
        NDManager m = ctx.getManager();
        long cb = ctx.getShape().get(0);
        long mlen = ctx.getShape().get(1);
        int heads = config.numHeads();
        int hd = config.headDim();
        int d = config.dim();
        List<Integer> blocks = new ArrayList<>();
        for (int i = 0; i < config.decoderDepth(); i++) {
            if (enc.cachedKeys(i) == null) {
                blocks.add(i);
            }
        }
        CrossProjection reused = enc.crossProjection();
        NDArray[] wb = reused != null && blocks.size() == config.decoderDepth() && !GradMode.recording()
                ? new NDArray[] {reused.weight(), reused.bias()} : stackedCrossProjection(m, blocks);
        NDArray n = Layers.layerNorm(ctx, m.ones(new Shape(d)), m.zeros(new Shape(d)));
        NDArray all = Layers.linear(n, wb[0], wb[1]);
        NDList perBlock = blocks.size() == 1 ? new NDList(all) : all.split(blocks.size(), 2);
        for (int j = 0; j < blocks.size(); j++) {
            int i = blocks.get(j);
            NDList kv = perBlock.get(j).reshape(cb, mlen, 2, heads, hd).transpose(2, 0, 3, 1, 4).split(2, 0);
            NDArray k = kv.get(0).squeeze(0);
            NDArray v = kv.get(1).squeeze(0);
            if (config.qkNorm()) {
                k = norm(k, "decoder." + i + ".cross_attn.k_norm");
            }
            enc.cache(i, k, v);
        }
    }

    /**
     * The stacked cross-attention projection of {@code blocks} (see {@link #crossKeysAndValues}): the weight
     * [blocks * 2D, D] and the bias [blocks * 2D] (null when no block has one), arrays of {@code m}, differentiable.
     */
    private NDArray[] stackedCrossProjection(NDManager m, List<Integer> blocks) {
        int d = config.dim();
        NDList weights = new NDList();
        NDList biases = new NDList();
        boolean anyBias = false;
        for (int i : blocks) {
            String pre = "decoder." + i + ".";
            NDArray w = Layers.in(m, p(pre + "cross_attn.kv.weight"));
            weights.add(w.mul(Layers.in(m, p(pre + "context_norm.weight"))));
            NDArray c = null;
            if (config.normBias()) {
                c = w.matMul(Layers.in(m, p(pre + "context_norm.bias")));
            }
            NDArray kvBias = opt(pre + "cross_attn.kv.bias");
            if (kvBias != null) {
                c = c == null ? Layers.in(m, kvBias) : c.add(Layers.in(m, kvBias));
            }
            anyBias |= c != null;
            biases.add(c);
        }
        NDArray bias = null;
        if (anyBias) {
            for (int j = 0; j < biases.size(); j++) {
                if (biases.get(j) == null) {
                    biases.set(j, m.zeros(new Shape(2L * d)));
                }
            }
            bias = biases.size() == 1 ? biases.get(0) : NDArrays.concat(biases, 0);
        }
        NDArray w = weights.size() == 1 ? weights.get(0) : NDArrays.concat(weights, 0);
        return new NDArray[] {w, bias};
    }

    /**
     * The cross-attention key-value projection of every decoder block with its context norm folded in (see
     * {@link #decode}), computed now from the parameters as they are, in {@code m}, for passes that reuse it
     * ({@link #encode(EncoderInput, CrossProjection)}) instead of stacking the blocks' weights again on every pass:
     * at the tiny model's width, six scaled [768, 384] weights and their 7 MB concatenation per pass. The values are
     * those every pass would compute; they stay valid while the parameters do not change (generation, evaluation).
     */
    public CrossProjection crossProjection(NDManager m) {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < config.decoderDepth(); i++) {
            all.add(i);
        }
        NDArray[] wb = stackedCrossProjection(m, all);
        return new CrossProjection(this, wb[0], wb[1]);
    }

    /**
     * The MLP: {@code fc2(gelu(fc1(h)))}, or gated {@code fc2(silu(fc1(h)) * fc3(h))}. The gated form runs fc1 and fc3
     * as one projection of twice the width (their weights concatenated for the pass, the result split into views):
     * one larger matrix product instead of two, forward and backward. Without gradients (generation, evaluation) they
     * run as two products of the parameters as they are, which saves copying both weights into the concatenation on
     * every pass.
     */
    private NDArray mlp(NDArray h, String pre) {
        NDArray a;
        if (config.mlp() == MlpKind.GELU) {
            a = Layers.gelu(Layers.linear(h, p(pre + "fc1.weight"), opt(pre + "fc1.bias")));
        } else if (!GradMode.recording()) {
            // without a backward pass the single product gains nothing over two: no concatenated weight copy per pass
            a = Layers.silu(Layers.linear(h, p(pre + "fc1.weight"), opt(pre + "fc1.bias")))
                    .mul(Layers.linear(h, p(pre + "fc3.weight"), opt(pre + "fc3.bias")));
        } else {
            NDManager m = h.getManager();
            NDArray w = Layers.concat(m, p(pre + "fc1.weight"), p(pre + "fc3.weight"));
            NDArray b = config.mlpBias() ? Layers.concat(m, p(pre + "fc1.bias"), p(pre + "fc3.bias")) : null;
            NDArray both = Layers.linear(h, w, b);
            if (scriptedSwiglu && SwiGluGate.supports(m)) {
                a = SwiGluGate.apply(this, both);
            } else {
                NDList gateUp = both.split(2, both.getShape().dimension() - 1);
                a = Layers.silu(gateUp.get(0)).mul(gateUp.get(1));
            }
        }
        return Layers.linear(a, p(pre + "fc2.weight"), opt(pre + "fc2.bias"));
    }

    /** Selected tokens of one modality: target slot, source index b*L+p, positional index. */
    private static final class Selection {
        private int[] slots = new int[16];
        private int[] sources = new int[16];
        private long[] positions = new long[16];
        private int size;

        void add(int slot, int source, long position) {
            if (size == slots.length) {
                slots = Arrays.copyOf(slots, size * 2);
                sources = Arrays.copyOf(sources, size * 2);
                positions = Arrays.copyOf(positions, size * 2);
            }
            slots[size] = slot;
            sources[size] = source;
            positions[size++] = position;
        }

        int size() {
            return size;
        }

        int slot(int r) {
            return slots[r];
        }

        int source(int r) {
            return sources[r];
        }

        long[] positions() {
            return Arrays.copyOf(positions, size);
        }
    }
}
