package fourm.vq.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW as PyTorch computes it (decoupled weight decay; no decay for biases, norms and rank-1 tensors, embeddings and
 * codebooks) with clipping of the global gradient norm, updating parameters in place. Moments live in the optimizer's
 * own manager. A step whose gradient norm is not finite only zeroes the gradients.
 */
final class AdamW implements AutoCloseable {
    private final NDManager manager;
    private final Map<String, NDArray> params;
    private final Map<String, NDArray> m1 = new LinkedHashMap<>();
    private final Map<String, NDArray> m2 = new LinkedHashMap<>();
    private final Map<String, Boolean> decay = new LinkedHashMap<>();
    private final VqTrainSettings.Optimizer hyper;
    private long updates;

    AdamW(Map<String, NDArray> params, VqTrainSettings.Optimizer hyper) {
        this.params = new LinkedHashMap<>(params);
        this.hyper = hyper;
        this.manager = params.values().iterator().next().getManager().newSubManager();
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            m1.put(e.getKey(), manager.zeros(e.getValue().getShape()));
            m2.put(e.getKey(), manager.zeros(e.getValue().getShape()));
            decay.put(e.getKey(), decays(e.getKey(), e.getValue().getShape().dimension()));
        }
    }

    /** No decay for biases, rank-0/1 tensors, the class embedding and the Memcodes codes. */
    static boolean decays(String name, int rank) {
        return rank > 1 && !name.endsWith(".bias") && !name.equals("cls_emb.weight")
                && !name.equals("quantize.codes");
    }

    long updates() {
        return updates;
    }

    Map<String, NDArray> firstMoments() {
        return m1;
    }

    Map<String, NDArray> secondMoments() {
        return m2;
    }

    /** Restores saved moments (host arrays by parameter name) and the update count. */
    void restore(Map<String, float[]> avg, Map<String, float[]> avgSq, long count) {
        for (String k : params.keySet()) {
            float[] a = avg.get(k);
            float[] b = avgSq.get(k);
            if (a == null || b == null || a.length != params.get(k).size() || b.length != params.get(k).size()) {
                throw new IllegalArgumentException("optimizer state has no matching moments for '" + k + "'");
            }
            m1.get(k).set(a);
            m2.get(k).set(b);
        }
        if (avg.size() != params.size() || avgSq.size() != params.size()) {
            throw new IllegalArgumentException("optimizer state has moments of parameters the model lacks");
        }
        updates = count;
    }

    /** One update; returns the global gradient norm (NaN or infinite for a skipped step). */
    double step(double lr) {
        double norm;
        try (NDManager scratch = manager.newSubManager()) {
            NDList norms = new NDList();
            for (NDArray p : params.values()) {
                NDArray n = p.getGradient().norm();
                n.attach(scratch);
                norms.add(n.reshape(1));
            }
            NDArray all = NDArrays.concat(norms);
            all.attach(scratch);
            NDArray total = all.norm();
            total.attach(scratch);
            norm = total.getFloat();
        }
        if (!Double.isFinite(norm)) {
            for (NDArray p : params.values()) {
                p.getGradient().set(new ai.djl.ndarray.index.NDIndex("..."), 0f);
            }
            return norm;
        }
        double coef = hyper.clipGrad() > 0 ? Math.min(1.0, hyper.clipGrad() / (norm + 1e-6)) : 1.0;
        updates++;
        double bc1 = 1 - Math.pow(hyper.beta1(), updates);
        double bc2 = 1 - Math.pow(hyper.beta2(), updates);
        float s = (float) (lr * Math.sqrt(bc2) / bc1);
        float e = (float) (hyper.eps() * Math.sqrt(bc2));
        float keep = (float) (1 - lr * hyper.weightDecay());
        float b1 = (float) hyper.beta1();
        float b2 = (float) hyper.beta2();
        for (Map.Entry<String, NDArray> entry : params.entrySet()) {
            NDArray p = entry.getValue();
            NDArray g = p.getGradient();
            NDArray m = m1.get(entry.getKey());
            NDArray v = m2.get(entry.getKey());
            if (coef != 1) {
                g.muli((float) coef);
            }
            m.subi(g).muli(b1).addi(g);
            g.muli(g);
            v.subi(g).muli(b2).addi(g);
            g.muli(0).addi(v);
            g.powi(0.5f).addi(e).divi(s).powi(-1f);
            g.muli(m);
            if (decay.get(entry.getKey()) && keep != 1f) {
                p.muli(keep);
            }
            p.subi(g);
            g.muli(0);
        }
        return norm;
    }

    @Override
    public void close() {
        manager.close();
    }
}
