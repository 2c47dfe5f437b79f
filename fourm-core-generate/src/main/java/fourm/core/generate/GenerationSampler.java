package fourm.core.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import fourm.api.GenerationScheme;
import fourm.api.ModalitySpec;
import fourm.api.masking.SpecialTokens;
import fourm.core.batch.MaskedBatch;
import fourm.core.batch.ModalityTensors;
import fourm.core.model.CrossProjection;
import fourm.core.model.DecoderQuery;
import fourm.core.model.EncoderOutput;
import fourm.core.model.FourMConfig;
import fourm.core.model.FourMModel;
import fourm.core.model.IncrementalDecoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Runs a generation schedule on a {@link FourMModel} (spec section 4.3), batched: every step re-encodes every visible
 * token of every modality (decoded tokens included) and decodes one target modality.
 *
 * <ul>
 *   <li><b>MaskGIT</b>: the decoder queries every still-masked position of the target (mask token + position and
 *       modality embedding, full self-attention among the queries); every position is sampled, and the
 *       {@code tokens} positions whose sampled token had the highest probability are committed (ties: lower
 *       position first).</li>
 *   <li><b>ROAR</b>: one random order of the target's positions, shared by the batch; the first {@code tokens}
 *       still-masked positions in that order are queried, sampled and all committed.</li>
 *   <li><b>Autoregressive</b>: starting from the target's first target token ({@code [S_1]}), each new token is
 *       predicted from the prefix (decoder token embeddings + target position and modality embeddings, causal
 *       attention) until every sample has produced its end token (its last target token, {@code [S_2]} for an empty
 *       target) or the target's positions (at most the modality's maximum token count) are used up. Each sentinel of
 *       the sample's input is then replaced by the span predicted after that sentinel, and the merged sequence becomes
 *       a full input, right-padded with {@code [PAD]} (padding is not an input). With the key-value cache (default),
 *       each token runs only itself through the decoder ({@link IncrementalDecoder}); without it the whole prefix is
 *       re-run for every token, as the reference does. Both give the same tokens.</li>
 * </ul>
 *
 * <p>Classifier-free guidance: the unconditional pass sees the step's conditions emptied
 * ({@link GenerationInputs#emptied}); logits are {@code uncond + scale (cond - uncond)}, or with weights
 * {@code uncond + sum_i w_i (cond_i - uncond)} where pass i sees condition i only. A scale of 1 skips the
 * unconditional pass. An encoder with no visible token at all (a fully emptied input) is valid: cross-attention over an
 * empty context contributes zeros.
 *
 * <p>Randomness: a {@link SplittableRandom} seeded with the generation seed is split once per scheduled step, in order;
 * the step draws ROAR's order (one number per position) and then one number per sampled row. The same seed, inputs and
 * plan give the same tokens.
 *
 * <p>Native memory: each step works in a sub-manager of the model's manager, closed before the next step; the
 * returned batch is host memory.
 */
public final class GenerationSampler {
    /**
     * Whether a run computes the decoder's stacked cross-attention projection once and every pass of the run reuses it
     * (system property {@code fourm.generate.reuseCrossProjection}, read at the start of every run, default true; false
     * stacks it per pass, to compare). The parameters do not change during a run, so the values are the same.
     */
    static final String REUSE_CROSS_PROJECTION = "fourm.generate.reuseCrossProjection";
    private final FourMModel model;
    private final FourMConfig config;
    private final SpecialTokens specials;
    private final boolean kvCache;
    private final boolean alwaysGuide;
    private final boolean prefixHead;
    private final GenerationListener listener;

    private GenerationSampler(Builder b) {
        this.model = b.model;
        this.config = b.model.config();
        this.specials = b.specials;
        this.kvCache = b.kvCache;
        this.alwaysGuide = b.alwaysGuide;
        this.prefixHead = b.prefixHead;
        this.listener = b.listener;
    }

    /** A builder for {@code model}. */
    public static Builder builder(FourMModel model) {
        return new Builder(model);
    }

    /** The model. */
    public FourMModel model() {
        return model;
    }

    /**
     * Runs {@code plan} from {@code start}, which must already hold every target (prepared as
     * {@link GenerationInputs#emptyTarget} does, or partially decoded) and every condition.
     *
     * @throws IllegalArgumentException if a target is not an output of the model, is missing from the batch or does
     *                                  not suit its scheme, or a condition is missing from the batch
     */
    public MaskedBatch generate(MaskedBatch start, GenerationPlan plan, long seed) {
        validate(start, plan);
        List<ScheduledStep> schedule = plan.schedule(t -> maxTargets(start.modalities().get(t)));
        return run(start, schedule, plan.topK(), plan.topP(), seed);
    }

    /** Checks that {@code plan} can run on {@code batch} with this model (see {@link #generate}). */
    public void validate(MaskedBatch batch, GenerationPlan plan) {
        for (String k : batch.modalities().keySet()) {
            if (!config.isInput(k) && !config.isOutput(k)) {
                throw new IllegalArgumentException("input modality '" + k + "' is not a domain of the model (inputs "
                        + config.domainsIn() + ", outputs " + config.domainsOut() + ")");
            }
        }
        for (String c : plan.conditions()) {
            if (!batch.modalities().containsKey(c)) {
                throw new IllegalArgumentException("condition '" + c + "' is not among the inputs "
                        + batch.modalities().keySet());
            }
        }
        for (Map.Entry<String, Step> e : plan.targets().entrySet()) {
            String t = e.getKey();
            if (!config.isOutput(t)) {
                throw new IllegalArgumentException("target '" + t + "' is not an output modality of the model "
                        + config.domainsOut());
            }
            ModalityTensors tensors = batch.modalities().get(t);
            if (tensors == null) {
                throw new IllegalArgumentException("target '" + t + "' is not in the batch; prepare it as an empty "
                        + "target (GenerationInputs.emptyTarget)");
            }
            boolean seq = config.modality(t).layout().sequence();
            GenerationScheme scheme = e.getValue().scheme();
            if (seq != (scheme == GenerationScheme.AUTOREGRESSIVE)) {
                throw new IllegalArgumentException("target '" + t + "' is " + config.modality(t).layout().name()
                        + (seq ? ": a sequence is decoded autoregressive" : ": a grid is decoded with maskgit or roar")
                        + ", got " + scheme.configName());
            }
            if (maxTargets(tensors) == 0) {
                throw new IllegalArgumentException("target '" + t + "' has no target position (target_mask is true "
                        + "everywhere): nothing to generate");
            }
        }
    }

    /**
     * Runs an explicit schedule.
     *
     * @param topK filter of every sampling
     * @param topP nucleus threshold of every sampling, 0 for none
     */
    public MaskedBatch run(MaskedBatch start, List<ScheduledStep> schedule, TopK topK, double topP, long seed) {
        SplittableRandom root = new SplittableRandom(seed);
        MaskedBatch state = start;
        try (NDManager runManager = model.newStepManager()) {
            // the cached autoregressive decoder projects the context block by block itself
            boolean decodes = !kvCache || schedule.stream().anyMatch(s -> s.scheme() != GenerationScheme.AUTOREGRESSIVE);
            boolean reuse = decodes && Boolean.parseBoolean(System.getProperty(REUSE_CROSS_PROJECTION, "true"));
            CrossProjection projection = reuse ? model.crossProjection(runManager) : null;
            for (int i = 0; i < schedule.size(); i++) {
                ScheduledStep s = schedule.get(i);
                SplittableRandom rng = root.split();
                state = s.scheme() == GenerationScheme.AUTOREGRESSIVE
                        ? autoregressive(state, s, i, topK, topP, rng, projection)
                        : parallel(state, s, i, topK, topP, rng, projection);
            }
        }
        return state;
    }

    static int maxTargets(ModalityTensors t) {
        int best = 0;
        for (int b = 0; b < t.batchSize(); b++) {
            int n = 0;
            for (int p = 0; p < t.length(); p++) {
                n += t.targetMask()[b * t.length() + p] ? 0 : 1;
            }
            best = Math.max(best, n);
        }
        return best;
    }

    // ------------------------------------------------------------------------------------------------ MaskGIT, ROAR

    private MaskedBatch parallel(MaskedBatch state, ScheduledStep s, int index, TopK topK, double topP,
                                 SplittableRandom rng, CrossProjection projection) {
        ModalityTensors t = state.modalities().get(s.target());
        int bsz = t.batchSize();
        int len = t.length();
        boolean[] tm = t.targetMask();
        int[][] queried = new int[bsz][];
        if (s.scheme() == GenerationScheme.ROAR) {
            double[] key = new double[len];
            for (int p = 0; p < len; p++) {
                key[p] = rng.nextDouble();
            }
            Integer[] order = new Integer[len];
            for (int p = 0; p < len; p++) {
                order[p] = p;
            }
            Arrays.sort(order, Comparator.comparingDouble(p -> key[p]));
            for (int b = 0; b < bsz; b++) {
                int[] row = new int[len];
                int n = 0;
                for (int p : order) {
                    if (!tm[b * len + p] && n < s.tokens()) {
                        row[n++] = p;
                    }
                }
                queried[b] = Arrays.copyOf(row, n);
            }
        } else {
            for (int b = 0; b < bsz; b++) {
                int[] row = new int[len];
                int n = 0;
                for (int p = 0; p < len; p++) {
                    if (!tm[b * len + p]) {
                        row[n++] = p;
                    }
                }
                queried[b] = Arrays.copyOf(row, n);
            }
        }
        int k = 0;
        boolean uniform = true;
        for (int[] q : queried) {
            uniform &= q.length == queried[0].length;
            k = Math.max(k, q.length);
        }
        int vocab = config.vocabSize(s.target());
        int[][] committed = new int[bsz][];
        long[][] written = new long[bsz][];
        float[][] hostLogits = listener.wantsLogits() ? new float[bsz][] : null;
        if (k == 0 || s.tokens() == 0) {
            for (int b = 0; b < bsz; b++) {
                committed[b] = new int[0];
                written[b] = new long[0];
                if (hostLogits != null) {
                    hostLogits[b] = new float[0];
                }
            }
            listener.onStep(new StepResult(index, s, queried, committed, written, hostLogits, vocab));
            return state;
        }
        long[] positions = new long[bsz * k];
        boolean[] padKey = new boolean[bsz * k * k];
        for (int b = 0; b < bsz; b++) {
            for (int j = 0; j < k; j++) {
                boolean pad = j >= queried[b].length;
                positions[b * k + j] = pad ? 0 : queried[b][j];
                for (int i = 0; i < k; i++) {
                    padKey[(b * k + i) * k + j] = pad;
                }
            }
        }
        try (NDManager sm = model.newStepManager()) {
            NDArray sa = uniform ? null : sm.create(padKey, new Shape(bsz, k, k));
            NDArray logits = guidedLogits(sm, state, s, positions, bsz, k, sa, projection).reshape((long) bsz * k, vocab);
            Sampling.Samples smp = Sampling.sample(logits, s.temperature(), topK, topP, rng);
            float[] all = hostLogits == null ? null : logits.toFloatArray();
            for (int b = 0; b < bsz; b++) {
                int n = queried[b].length;
                Integer[] pick = new Integer[n];
                for (int j = 0; j < n; j++) {
                    pick[j] = j;
                }
                int select = n;
                if (s.scheme() == GenerationScheme.MASKGIT) {
                    int base = b * k;
                    Arrays.sort(pick, (x, y) -> Float.compare(smp.probs()[base + y], smp.probs()[base + x]));
                    select = Math.min(s.tokens(), n);
                }
                committed[b] = new int[select];
                written[b] = new long[select];
                for (int j = 0; j < select; j++) {
                    committed[b][j] = queried[b][pick[j]];
                    written[b][j] = smp.ids()[b * k + pick[j]];
                }
                if (all != null) {
                    hostLogits[b] = Arrays.copyOfRange(all, b * k * vocab, (b * k + n) * vocab);
                }
            }
        }
        listener.onStep(new StepResult(index, s, queried, committed, written, hostLogits, vocab));
        long[] ids = t.ids().clone();
        boolean[] in = t.inputMask().clone();
        boolean[] tg = t.targetMask().clone();
        for (int b = 0; b < bsz; b++) {
            for (int j = 0; j < committed[b].length; j++) {
                int i = b * len + committed[b][j];
                ids[i] = written[b][j];
                in[i] = false;
                tg[i] = true;
            }
        }
        return replace(state, ModalityTensors.ofIds(t.key(), bsz, len, ids, in, tg,
                t.decoderAttentionMask().clone()));
    }

    // ------------------------------------------------------------------------------------------------ guidance

    /** The batches whose logits guidance combines: [cond] unguided, [cond, uncond], or [cond_1..cond_n, uncond]. */
    List<MaskedBatch> passes(MaskedBatch state, ScheduledStep s) {
        boolean guided = s.isGuided() || alwaysGuide && !s.cfgConditions().isEmpty();
        if (!guided) {
            return List.of(state);
        }
        MaskedBatch uncond = state;
        for (String c : s.cfgConditions()) {
            ModalityTensors t = state.modalities().get(c);
            if (t != null) {
                uncond = replace(uncond, GenerationInputs.emptied(t, config.modality(c), specials));
            }
        }
        if (s.cfgWeights().isEmpty()) {
            return List.of(state, uncond);
        }
        List<MaskedBatch> out = new ArrayList<>();
        for (String c : s.cfgConditions()) {
            ModalityTensors t = state.modalities().get(c);
            out.add(t == null ? uncond : replace(uncond, t));
        }
        out.add(uncond);
        return out;
    }

    /** Combines per-pass logits as {@link #passes} ordered them. */
    static NDArray combine(List<NDArray> logits, ScheduledStep s) {
        if (logits.size() == 1) {
            return logits.get(0);
        }
        NDArray uncond = logits.get(logits.size() - 1);
        if (s.cfgWeights().isEmpty()) {
            return uncond.add(logits.get(0).sub(uncond).mul((float) s.cfgScale()));
        }
        NDArray sum = null;
        for (int i = 0; i < s.cfgWeights().size(); i++) {
            NDArray term = logits.get(i).sub(uncond).mul(s.cfgWeights().get(i).floatValue());
            sum = sum == null ? term : sum.add(term);
        }
        return uncond.add(sum);
    }

    private NDArray guidedLogits(NDManager m, MaskedBatch state, ScheduledStep s, long[] positions, int bsz, int k,
                                 NDArray sa, CrossProjection projection) {
        List<NDArray> out = new ArrayList<>();
        for (MaskedBatch batch : passes(state, s)) {
            EncoderOutput eo = encode(m, batch, projection);
            DecoderQuery q = model.decoderQuery(m, s.target(), bsz, positions, null);
            NDArray y = model.decode(eo, q.tokens(), q.emb(), sa);
            out.add(model.logits(s.target(), y));
        }
        return combine(out, s);
    }

    private EncoderOutput encode(NDManager m, MaskedBatch batch, CrossProjection projection) {
        return model.encode(model.embedEncoder(m, batch, model.maxValidEncoderTokens(batch)), projection);
    }

    // ------------------------------------------------------------------------------------------------ autoregressive

    /**
     * Whether a cached step is called with token ids and returns the logits ({@link IncrementalDecoder#stepLogits}: the
     * embedding lookup inside the step's engine call, the head right after it) rather than with embeddings looked up
     * here by separate engine calls (system property {@code fourm.generate.stepLogits}, default true; the same floats
     * either way).
     */
    private static final boolean STEP_LOGITS =
            Boolean.parseBoolean(System.getProperty("fourm.generate.stepLogits", "true"));

    private MaskedBatch autoregressive(MaskedBatch state, ScheduledStep s, int index, TopK topK, double topP,
                                       SplittableRandom rng, CrossProjection projection) {
        String target = s.target();
        ModalityTensors t = state.modalities().get(target);
        ModalitySpec mm = config.modality(target);
        int vocab = config.vocabSize(target);
        int bsz = t.batchSize();
        int len = t.length();
        int[][] targetPos = new int[bsz][];
        long[] eos = new long[bsz];
        int most = 0;
        for (int b = 0; b < bsz; b++) {
            int[] row = new int[len];
            int n = 0;
            for (int p = 0; p < len; p++) {
                if (!t.targetMask()[b * len + p]) {
                    row[n++] = p;
                }
            }
            if (n == 0) {
                throw new IllegalArgumentException("target '" + target + "', sample " + b + ": no target position"
                        + " (the sequence needs a start token)");
            }
            targetPos[b] = Arrays.copyOf(row, n);
            eos[b] = t.ids()[b * len + row[n - 1]];
            long first = t.ids()[b * len + row[0]];
            if (first < 0 || first >= vocab) {
                throw new IllegalArgumentException("target '" + target + "', sample " + b + ": start token " + first
                        + " at position " + row[0] + " is outside the vocabulary [0, " + vocab + ")");
            }
            most = Math.max(most, n);
        }
        int steps = Math.min(most, mm.layout().maxTokens());
        long[][] out = new long[bsz][steps + 1];
        for (int b = 0; b < bsz; b++) {
            out[b][0] = t.ids()[b * len + targetPos[b][0]];
        }
        int outLen = 1;
        boolean done = allHaveEos(out, outLen, eos);
        List<List<float[]>> logitRows = null;
        if (listener.wantsLogits()) {
            logitRows = new ArrayList<>();
            for (int b = 0; b < bsz; b++) {
                logitRows.add(new ArrayList<>());
            }
        }
        try (NDManager sm = model.newStepManager()) {
            List<MaskedBatch> passes = passes(state, s);
            List<EncoderOutput> encs = new ArrayList<>();
            List<IncrementalDecoder> decs = new ArrayList<>();
            for (MaskedBatch p : passes) {
                EncoderOutput eo = encode(sm, p, projection);
                encs.add(eo);
                if (kvCache && !done) {
                    decs.add(IncrementalDecoder.start(model, eo, steps));
                }
            }
            NDArray posTable = null;
            NDList posRows = null;
            if (kvCache && !done) {
                // position + modality embeddings of every step, once: [1, steps, D] (split into one [1, 1, D] per step
                // where the step is called with embeddings)
                long[] allPos = new long[steps];
                for (int j = 0; j < steps; j++) {
                    allPos[j] = position(mm, j);
                }
                posTable = model.decoderQuery(sm, target, 1, allPos, new long[steps]).emb();
                if (!STEP_LOGITS) {
                    posRows = steps == 1 ? new NDList(posTable) : posTable.split(steps, 1);
                }
            }
            NDArray tokenTable = model.parameters().get("decoder_embeddings." + target + ".token_emb.weight");
            for (int i = 0; i < steps && !done; i++) {
                try (NDManager tm = sm.newSubManager()) {
                    List<NDArray> last = new ArrayList<>();
                    long[] ids = new long[bsz];
                    for (int b = 0; b < bsz; b++) {
                        ids[b] = out[b][i];
                    }
                    NDArray tokens = null;
                    NDArray emb = null;
                    if (kvCache && !STEP_LOGITS) {
                        tokens = Embedding.embedding(tm.create(ids), tokenTable, SparseFormat.DENSE)
                                .singletonOrThrow().reshape(bsz, 1, config.dim());
                        emb = posRows.get(i);
                    }
                    for (int c = 0; c < passes.size(); c++) {
                        IncrementalDecoder d = kvCache ? decs.get(c) : null;
                        if (d == null) {
                            last.add(prefixLogits(tm, encs.get(c), target, mm, out, i));
                        } else if (STEP_LOGITS) {
                            last.add(d.stepLogits(tm, ids, tokenTable, posTable, target));
                        } else {
                            last.add(d.logits(tm, target, d.step(tm, tokens, emb)));
                        }
                    }
                    NDArray logits = combine(last, s);
                    Sampling.Samples smp = Sampling.sample(logits, s.temperature(), topK, topP, rng);
                    if (logitRows != null) {
                        float[] all = logits.toFloatArray();
                        for (int b = 0; b < bsz; b++) {
                            logitRows.get(b).add(Arrays.copyOfRange(all, b * vocab, (b + 1) * vocab));
                        }
                    }
                    for (int b = 0; b < bsz; b++) {
                        out[b][outLen] = smp.ids()[b];
                    }
                    outLen++;
                    done = allHaveEos(out, outLen, eos);
                }
            }
            for (IncrementalDecoder d : decs) {
                d.close();
            }
        }
        long[][] decoded = new long[bsz][];
        float[][] hostLogits = logitRows == null ? null : new float[bsz][];
        for (int b = 0; b < bsz; b++) {
            decoded[b] = Arrays.copyOf(out[b], outLen);
            if (hostLogits != null) {
                hostLogits[b] = new float[logitRows.get(b).size() * vocab];
                for (int j = 0; j < logitRows.get(b).size(); j++) {
                    System.arraycopy(logitRows.get(b).get(j), 0, hostLogits[b], j * vocab, vocab);
                }
            }
        }
        int[][] none = new int[bsz][0];
        listener.onStep(new StepResult(index, s, targetPos, none, decoded, hostLogits, vocab));
        return replace(state, merged(t, decoded, eos));
    }

    private static boolean allHaveEos(long[][] out, int len, long[] eos) {
        for (int b = 0; b < out.length; b++) {
            boolean has = false;
            for (int j = 0; j < len && !has; j++) {
                has = out[b][j] == eos[b];
            }
            if (!has) {
                return false;
            }
        }
        return true;
    }

    private static long position(ModalitySpec mm, int i) {
        return i < mm.layout().maxLength() ? i : 0;
    }

    /** Logits [B, V] of the last token, re-running the decoder over the whole prefix with a causal mask. */
    private NDArray prefixLogits(NDManager m, EncoderOutput eo, String target, ModalitySpec mm, long[][] out, int i) {
        int bsz = out.length;
        int n = i + 1;
        long[] pos = new long[bsz * n];
        long[] ids = new long[bsz * n];
        boolean[] causal = new boolean[bsz * n * n];
        for (int b = 0; b < bsz; b++) {
            for (int j = 0; j < n; j++) {
                pos[b * n + j] = position(mm, j);
                ids[b * n + j] = out[b][j];
                for (int q = 0; q < n; q++) {
                    causal[(b * n + q) * n + j] = j > q;
                }
            }
        }
        DecoderQuery q = model.decoderQuery(m, target, bsz, pos, ids);
        NDArray y = model.decode(eo, q.tokens(), q.emb(), m.create(causal, new Shape(bsz, n, n)));
        if (prefixHead) {
            return model.logits(target, y).get(":, -1, :");
        }
        return model.logits(target, y.get(":, -1, :"));
    }

    /**
     * The sequence after autoregressive decoding: per sample, its input ids (or {@code [S_1]} when it has none) with
     * every sentinel replaced by the span the decoded sequence (cut after its first end token) holds after that
     * sentinel; right-padded with {@code [PAD]} to the longest sample (at least one position); padding is not an
     * input, nothing is a target.
     */
    ModalityTensors merged(ModalityTensors t, long[][] decoded, long[] eos) {
        int bsz = t.batchSize();
        int len = t.length();
        List<long[]> rows = new ArrayList<>();
        int width = 1;
        for (int b = 0; b < bsz; b++) {
            List<Long> input = new ArrayList<>();
            for (int p = 0; p < len; p++) {
                if (!t.inputMask()[b * len + p]) {
                    input.add(t.ids()[b * len + p]);
                }
            }
            if (input.isEmpty()) {
                input.add((long) specials.sentinel(1));
            }
            long[] pred = decoded[b];
            int cut = pred.length;
            for (int j = 0; j < pred.length; j++) {
                if (pred[j] == eos[b]) {
                    cut = j + 1;
                    break;
                }
            }
            long[] row = mergeSpans(input, Arrays.copyOf(pred, cut), specials);
            rows.add(row);
            width = Math.max(width, row.length);
        }
        long[] ids = new long[bsz * width];
        boolean[] in = new boolean[bsz * width];
        boolean[] tg = new boolean[bsz * width];
        Arrays.fill(tg, true);
        for (int b = 0; b < bsz; b++) {
            long[] row = rows.get(b);
            for (int p = 0; p < width; p++) {
                ids[b * width + p] = p < row.length ? row[p] : specials.pad();
                in[b * width + p] = p >= row.length;
            }
        }
        return ModalityTensors.ofIds(t.key(), bsz, width, ids, in, tg, new int[bsz * width]);
    }

    /**
     * T5 span merging: {@code input} with each sentinel replaced by the tokens that follow the same sentinel in
     * {@code predicted} (up to the next sentinel; all such spans if it occurs more than once); tokens of
     * {@code predicted} before its first sentinel are dropped.
     */
    static long[] mergeSpans(List<Long> input, long[] predicted, SpecialTokens specials) {
        Map<Long, List<Long>> spans = new HashMap<>();
        Long current = null;
        for (long tok : predicted) {
            if (specials.isSentinel((int) tok)) {
                current = tok;
                spans.computeIfAbsent(current, x -> new ArrayList<>());
            } else if (current != null) {
                spans.get(current).add(tok);
            }
        }
        List<Long> merged = new ArrayList<>();
        for (long tok : input) {
            if (specials.isSentinel((int) tok)) {
                merged.addAll(spans.getOrDefault(tok, List.of()));
            } else {
                merged.add(tok);
            }
        }
        return merged.stream().mapToLong(Long::longValue).toArray();
    }

    static MaskedBatch replace(MaskedBatch batch, ModalityTensors t) {
        Map<String, ModalityTensors> mods = new LinkedHashMap<>(batch.modalities());
        mods.put(t.key(), t);
        return new MaskedBatch(mods);
    }

    /** Builds a {@link GenerationSampler}. */
    public static final class Builder {
        private final FourMModel model;
        private SpecialTokens specials = SpecialTokens.REFERENCE;
        private boolean kvCache = true;
        private boolean alwaysGuide;
        private boolean prefixHead;
        private GenerationListener listener = GenerationListener.NONE;

        private Builder(FourMModel model) {
            this.model = Objects.requireNonNull(model, "model");
        }

        /** The text vocabulary's special ids (default: the reference's [PAD]=0, [EOS]=3, [S_0]=4, 200 sentinels). */
        public Builder specialTokens(SpecialTokens s) {
            this.specials = Objects.requireNonNull(s, "specialTokens");
            return this;
        }

        /** Whether autoregressive decoding uses the key-value cache (default true). */
        public Builder kvCache(boolean on) {
            this.kvCache = on;
            return this;
        }

        /**
         * Without the cache, also apply the head to every prefix position and keep the last row, exactly as the
         * reference's loop does (default false: the head runs on the last position only). The tokens are the same;
         * this exists to measure the reference's algorithm.
         */
        public Builder prefixHead(boolean on) {
            this.prefixHead = on;
            return this;
        }

        /** Called after every scheduled step. */
        public Builder listener(GenerationListener l) {
            this.listener = Objects.requireNonNull(l, "listener");
            return this;
        }

        /** Runs the unconditional pass even at scale 1 (to check that guidance at scale 1 changes nothing). */
        Builder alwaysGuide(boolean on) {
            this.alwaysGuide = on;
            return this;
        }

        /** The sampler. */
        public GenerationSampler build() {
            return new GenerationSampler(this);
        }
    }
}
