package fourm.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * AdamW (decoupled weight decay, Loshchilov and Hutter) over named NDArray parameters, as PyTorch's {@code AdamW}
 * computes it, with global-norm gradient clipping:
 *
 * <pre>
 *   g     = grad * c                      c = min(1, clip / (|grad|_2 + 1e-6)) when clipping, else 1
 *   m     = b1 m + (1 - b1) g
 *   v     = b2 v + (1 - b2) g^2
 *   p     = p (1 - lr wd)                 only for parameters that decay (see {@link #decays(String, long[])})
 *   p     = p - lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 * </pre>
 *
 * <p>where t counts applied updates. On DJL's PyTorch engine the update is libtorch's fused AdamW kernel (one
 * vectorised, threaded pass over each parameter, its gradient and its moments; see {@code FusedAdamW});
 * {@code -Dfourm.adamw.fused=false}, or another engine, runs it with DJL operations instead. There, every update is
 * done in place on the parameter, its two moments and its gradient
 * (which serves as scratch space and is zeroed afterwards), segment by segment: each tensor is cut once, along its
 * first axis, into views of about {@value #SEGMENT_ELEMENTS} elements, and the whole update runs on one segment while it
 * is in the CPU's cache, so a step reads and writes each array about once instead of once per operation. The only
 * temporary is the square root of a segment's second moment. There are no per-element Java loops and one host round
 * trip per step (the global gradient norm). A step whose gradient norm is not finite changes nothing but the
 * gradients (zeroed) and is reported as skipped. On the PyTorch engine the gradient norms for clipping are one call of
 * libtorch's {@code _foreach_norm} ({@code ForeachNorm}; {@code -Dfourm.adamw.foreachNorm=false}: one norm operation
 * per parameter).
 *
 * <p>Moments live in the optimizer's own NDManager (closed by {@link #close()}); the parameters and their gradients
 * belong to the caller. Gradients must have been attached ({@code setRequiresGradient(true)}) and computed by at least
 * one backward pass before the first {@link #step}.
 */
public final class AdamW implements AutoCloseable {
    /** Gradient-norm epsilon of the clipping coefficient (PyTorch's {@code clip_grad_norm_}). */
    public static final double CLIP_EPS = 1e-6;
    /**
     * Target size of the segments an update works through: 4 MiB of float32, so that a segment of the parameter, its
     * two moments and its gradient stay in the cache (measured on the tiny model's 85M parameters: 2^20 elements per
     * segment 190 ms a step, 2^18 215 ms, whole tensors 324 ms).
     */
    public static final int SEGMENT_ELEMENTS = 1 << 20;
    private static final NDIndex ALL = new NDIndex("...");

    private final NDManager manager;
    private final Hyper hyper;
    private final Map<String, NDArray> params;
    private final Map<String, NDArray> expAvg = new LinkedHashMap<>();
    private final Map<String, NDArray> expAvgSq = new LinkedHashMap<>();
    private final Map<String, Boolean> decay = new LinkedHashMap<>();
    private final Map<String, NDArray> grads = new LinkedHashMap<>();
    private final List<Segment> segments = new ArrayList<>();
    private final int segmentElements;
    private final boolean fusedKernel;
    private FusedAdamW fused;
    private final boolean foreachNormKernel;
    private ForeachNorm foreachNorm;
    private long updates;

    /** Views of one stretch of a parameter, its moments and its gradient. */
    private record Segment(NDArray p, NDArray m, NDArray v, NDArray g, boolean decays) {
    }

    /**
     * The hyper-parameters.
     *
     * @param beta1       first-moment decay, in [0, 1)
     * @param beta2       second-moment decay, in [0, 1)
     * @param eps         denominator epsilon, &gt; 0
     * @param weightDecay decoupled weight decay, &gt;= 0
     * @param clipGrad    maximum global gradient L2 norm; 0 or less = no clipping
     */
    public record Hyper(double beta1, double beta2, double eps, double weightDecay, double clipGrad) {
        /** Checks the ranges. */
        public Hyper {
            if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("betas must lie in [0, 1), got " + beta1 + ", " + beta2);
            }
            if (!(eps > 0) || Double.isInfinite(eps)) {
                throw new IllegalArgumentException("eps must be > 0, got " + eps);
            }
            if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
                throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
            }
            if (Double.isNaN(clipGrad)) {
                throw new IllegalArgumentException("clip-grad must be a number");
            }
        }
    }

    /**
     * What one step did.
     *
     * @param gradNorm global L2 norm of the gradients before clipping
     * @param clipCoef the factor applied to the gradients (1 without clipping)
     * @param skipped  true when the norm was not finite and nothing was updated
     * @param nonFinite when skipped, the parameters whose gradient norm is not finite
     */
    public record StepStats(double gradNorm, double clipCoef, boolean skipped, List<String> nonFinite) {
        /** Copies the list. */
        public StepStats {
            nonFinite = List.copyOf(nonFinite);
        }
    }

    /**
     * An optimizer for {@code params} (names in a stable order) with zero moments.
     *
     * @param params the trainable parameters by name; each must already have a gradient attached
     * @param hyper  hyper-parameters
     */
    public AdamW(Map<String, NDArray> params, Hyper hyper) {
        this(params, hyper, SEGMENT_ELEMENTS, Boolean.parseBoolean(System.getProperty("fourm.adamw.fused", "true")));
    }

    /**
     * As {@link #AdamW(Map, Hyper)} with segments of about {@code segmentElements} elements, and libtorch's fused
     * kernel only where {@code fusedKernel} allows it.
     */
    AdamW(Map<String, NDArray> params, Hyper hyper, int segmentElements, boolean fusedKernel) {
        this(params, hyper, segmentElements, fusedKernel,
                Boolean.parseBoolean(System.getProperty("fourm.adamw.foreachNorm", "true")));
    }

    /**
     * As {@link #AdamW(Map, Hyper, int, boolean)}, with the gradient norms taken by one {@code _foreach_norm} call
     * ({@code ForeachNorm}) only where {@code foreachNorm} allows it, else by one norm operation per parameter.
     */
    AdamW(Map<String, NDArray> params, Hyper hyper, int segmentElements, boolean fusedKernel, boolean foreachNorm) {
        this.fusedKernel = fusedKernel;
        this.foreachNormKernel = foreachNorm;
        this.hyper = Objects.requireNonNull(hyper, "hyper");
        if (segmentElements < 1) {
            throw new IllegalArgumentException("segment size must be >= 1, got " + segmentElements);
        }
        this.segmentElements = segmentElements;
        if (params.isEmpty()) {
            throw new IllegalArgumentException("AdamW needs at least one parameter");
        }
        this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        NDArray first = params.values().iterator().next();
        this.manager = first.getManager().newSubManager();
        for (Map.Entry<String, NDArray> e : this.params.entrySet()) {
            NDArray p = e.getValue();
            if (p.getDataType() != DataType.FLOAT32) {
                throw new IllegalArgumentException("parameter " + e.getKey() + " is " + p.getDataType()
                        + "; AdamW updates FLOAT32 parameters");
            }
            expAvg.put(e.getKey(), manager.zeros(p.getShape()));
            expAvgSq.put(e.getKey(), manager.zeros(p.getShape()));
            decay.put(e.getKey(), decays(e.getKey(), p.getShape().getShape()));
        }
    }

    /**
     * The weight-decay rule, by parameter name: no decay for biases ({@code *.bias}), for every parameter of rank 0 or
     * 1 (LayerNorm weights), and for embeddings: {@code mask_token}, {@code *.mod_emb}, {@code *.pos_emb} (the learned
     * positions of global-token modalities) and {@code *.token_emb.weight}. Every other weight decays: linear layers,
     * the output heads ({@code *.to_logits.weight}), the pixel and dense-embedding projections.
     */
    public static boolean decays(String name, long[] shape) {
        if (shape.length <= 1 || name.endsWith(".bias")) {
            return false;
        }
        return !(name.equals("mask_token") || name.endsWith(".mod_emb") || name.endsWith(".pos_emb")
                || name.endsWith(".token_emb.weight"));
    }

    /**
     * Attaches gradients to {@code params} and defines every one of them (as zeros) with one backward pass of
     * {@code 0 * sum(p)}, so that each parameter's gradient exists from the start and later backward passes accumulate
     * into it in place, whether or not the parameter takes part in a given batch.
     */
    public static void attachGradients(Map<String, NDArray> params) {
        if (params.isEmpty()) {
            return;
        }
        for (NDArray p : params.values()) {
            p.setRequiresGradient(true);
        }
        NDManager owner = params.values().iterator().next().getManager();
        try (NDManager scratch = owner.newSubManager();
             GradientCollector gc = owner.getEngine().newGradientCollector()) {
            NDArray total = null;
            for (NDArray p : params.values()) {
                NDArray sum = p.sum();
                sum.attach(scratch);
                total = total == null ? sum : total.add(sum);
            }
            NDArray zero = total.mul(scratch.create(0f));
            gc.backward(zero);
        }
    }

    /** The hyper-parameters. */
    public Hyper hyper() {
        return hyper;
    }

    /** The parameters this optimizer updates, by name. */
    public Map<String, NDArray> parameters() {
        return params;
    }

    /** Whether {@code name} decays. */
    public boolean decaysParameter(String name) {
        Boolean d = decay.get(name);
        if (d == null) {
            throw new IllegalArgumentException("the optimizer has no parameter '" + name + "'");
        }
        return d;
    }

    /** Number of updates applied so far (t of the bias corrections). */
    public long updates() {
        return updates;
    }

    /** First moments, by parameter name (live arrays of the optimizer). */
    public Map<String, NDArray> expAvg() {
        return Collections.unmodifiableMap(expAvg);
    }

    /** Second moments, by parameter name (live arrays of the optimizer). */
    public Map<String, NDArray> expAvgSq() {
        return Collections.unmodifiableMap(expAvgSq);
    }

    /**
     * Replaces the state with saved moments and update count (resuming).
     *
     * @param avg    first moments: one host array per parameter, of its size
     * @param avgSq  second moments, likewise
     * @param count  number of updates the moments result from
     * @throws IllegalArgumentException naming a missing, unknown or mis-sized entry
     */
    public void restore(Map<String, float[]> avg, Map<String, float[]> avgSq, long count) {
        if (count < 0) {
            throw new IllegalArgumentException("update count must be >= 0, got " + count);
        }
        for (String which : List.of("exp_avg", "exp_avg_sq")) {
            Map<String, float[]> src = which.equals("exp_avg") ? avg : avgSq;
            for (String k : src.keySet()) {
                if (!params.containsKey(k)) {
                    throw new IllegalArgumentException(which + " has an entry for '" + k
                            + "', which is not a trainable parameter");
                }
            }
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                float[] v = src.get(e.getKey());
                if (v == null) {
                    throw new IllegalArgumentException(which + " has no entry for parameter '" + e.getKey() + "'");
                }
                if (v.length != e.getValue().size()) {
                    throw new IllegalArgumentException(which + " of '" + e.getKey() + "' has " + v.length
                            + " values, the parameter " + e.getValue().size());
                }
            }
        }
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            expAvg.get(e.getKey()).set(avg.get(e.getKey()));
            expAvgSq.get(e.getKey()).set(avgSq.get(e.getKey()));
        }
        updates = count;
    }

    /**
     * One update with learning rate {@code lr}: reads the gradients, clips them by global norm, updates moments and
     * parameters in place, and zeroes the gradients.
     *
     * @param lr          the learning rate of this step
     * @param gradScale   a factor applied to the gradients first (1 / accumulation steps when the summed losses were
     *                    not already divided; 1 otherwise)
     * @return the gradient norm (of the scaled gradients), the clip coefficient and whether the step was skipped
     */
    public StepStats step(double lr, double gradScale) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + lr);
        }
        bindGradients();
        double norm;
        List<String> nonFinite = new ArrayList<>();
        try (NDManager scratch = manager.newSubManager()) {
            NDArray all;
            if (foreachNorm != null) {
                all = foreachNorm.norms(scratch);
            } else {
                NDList norms = new NDList(grads.size());
                for (NDArray g : grads.values()) {
                    NDArray n = g.norm();
                    n.attach(scratch);
                    norms.add(n.reshape(1));
                }
                all = NDArrays.concat(norms);
                all.attach(scratch);
            }
            NDArray total = all.norm();
            total.attach(scratch);
            norm = total.toFloatArray()[0] * Math.abs(gradScale);
            if (!Double.isFinite(norm)) {
                float[] each = all.toFloatArray();
                int i = 0;
                for (String name : grads.keySet()) {
                    if (!Float.isFinite(each[i++])) {
                        nonFinite.add(name);
                    }
                }
            }
        }
        if (!Double.isFinite(norm)) {
            zeroGradients(true);
            return new StepStats(norm, 0, true, nonFinite);
        }
        double coef = gradScale;
        double clip = 1;
        if (hyper.clipGrad() > 0) {
            clip = Math.min(1.0, hyper.clipGrad() / (norm + CLIP_EPS));
            coef *= clip;
        }
        updates++;
        double b1 = hyper.beta1();
        double b2 = hyper.beta2();
        double bc1 = 1 - Math.pow(b1, updates);
        double bc2 = 1 - Math.pow(b2, updates);
        // lr * (m / bc1) / (sqrt(v / bc2) + eps) = s * m / (sqrt(v) + e), s = lr sqrt(bc2) / bc1, e = eps sqrt(bc2)
        float s = (float) (lr * Math.sqrt(bc2) / bc1);
        float e = (float) (hyper.eps() * Math.sqrt(bc2));
        float keep = (float) (1 - lr * hyper.weightDecay());
        float c = (float) coef;
        float beta1 = (float) b1;
        float beta2 = (float) b2;
        if (fused != null) {
            fused.step(updates, lr, b1, b2, hyper.eps(), coef);
            return new StepStats(norm, clip, false, List.of());
        }
        for (Segment seg : segments) {
            NDArray g = seg.g();
            NDArray m = seg.m();
            NDArray v = seg.v();
            NDArray p = seg.p();
            if (c != 1f) {
                g.muli(c);
            }
            m.subi(g).muli(beta1).addi(g);          // b1 (m - g) + g = b1 m + (1 - b1) g
            g.muli(g);                              // g := g^2
            v.subi(g).muli(beta2).addi(g);          // b2 v + (1 - b2) g^2
            try (NDArray d = v.sqrt()) {
                d.addi(e);                          // sqrt(v) + e
                g.set(ALL, m);
                g.divi(d).muli(s);                  // g := s m / (sqrt(v) + e)
            }
            if (seg.decays() && keep != 1f) {
                p.muli(keep);
            }
            p.subi(g);
            g.muli(0);
        }
        return new StepStats(norm, clip, false, List.of());
    }

    /** Sets every gradient to zero (after a skipped step, or to discard accumulated gradients). */
    public void zeroGradients() {
        bindGradients();
        zeroGradients(true);
    }

    private void zeroGradients(boolean nanSafe) {
        for (NDArray g : grads.values()) {
            if (nanSafe) {
                g.set(new NDIndex("..."), 0f);
            } else {
                g.muli(0);
            }
        }
    }

    /**
     * Fetches the gradient arrays once: they share storage with the parameters' gradients, which the engine
     * accumulates into in place, so one handle per parameter serves the whole run.
     */
    private void bindGradients() {
        if (!grads.isEmpty()) {
            return;
        }
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            if (!e.getValue().hasGradient()) {
                missing.add(e.getKey());
                continue;
            }
            grads.put(e.getKey(), e.getValue().getGradient());
        }
        if (!missing.isEmpty()) {
            grads.clear();
            throw new IllegalStateException("no gradient attached to " + missing
                    + "; call setRequiresGradient(true) on every parameter the optimizer updates");
        }
        List<NDArray[]> decaying = new ArrayList<>();
        List<NDArray[]> plain = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            String name = e.getKey();
            NDArray[] member = {e.getValue(), grads.get(name), expAvg.get(name), expAvgSq.get(name)};
            (decay.get(name) ? decaying : plain).add(member);
        }
        fused = fusedKernel ? FusedAdamW.open(manager, decaying, plain, hyper.weightDecay()) : null;
        foreachNorm = foreachNormKernel ? ForeachNorm.open(manager, new ArrayList<>(grads.values())) : null;
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            String name = e.getKey();
            List<NDArray> ps = split(e.getValue());
            List<NDArray> ms = split(expAvg.get(name));
            List<NDArray> vs = split(expAvgSq.get(name));
            List<NDArray> gs = split(grads.get(name));
            for (int i = 0; i < ps.size(); i++) {
                segments.add(new Segment(ps.get(i), ms.get(i), vs.get(i), gs.get(i), decay.get(name)));
            }
        }
    }

    /** Views of {@code a} (contiguous) along its first axis, each about {@link #segmentElements} elements. */
    private List<NDArray> split(NDArray a) {
        long n = a.size();
        long rows = a.getShape().dimension() == 0 ? 1 : a.getShape().get(0);
        long perRow = rows == 0 ? 0 : n / rows;
        long step = Math.max(1, segmentElements / Math.max(1, perRow));
        List<NDArray> out = new ArrayList<>();
        if (rows <= step) {
            NDArray whole = a.reshape(n);
            whole.attach(manager);
            out.add(whole);
            return out;
        }
        NDArray flat = a.reshape(rows, perRow);
        flat.attach(manager);
        for (long r = 0; r < rows; r += step) {
            out.add(flat.get(manager, new NDIndex(r + ":" + Math.min(rows, r + step))));
        }
        return out;
    }

    /**
     * Whether the updates run as libtorch's fused kernel (known after the first {@link #step}; false before it, and
     * where the kernel could not be loaded or {@code -Dfourm.adamw.fused=false} asked for DJL operations).
     */
    public boolean usesFusedKernel() {
        return fused != null;
    }

    /** Frees the moments (the gradient handles belong to the parameters' manager). */
    @Override
    public void close() {
        if (fused != null) {
            fused.close();
        }
        if (foreachNorm != null) {
            foreachNorm.close();
        }
        manager.close();
    }
}
