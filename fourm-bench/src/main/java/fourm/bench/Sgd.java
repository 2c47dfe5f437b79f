package fourm.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Plain SGD, {@code p -= lr * grad}, in place, then the gradient is zeroed: the optimizer update of the training-step
 * benchmark until fourm-core's AdamW is available. Gradients are attached and defined (as zeros, by one backward pass
 * of {@code 0 * sum(p)}) at construction, so that every later backward pass accumulates into the same gradient arrays,
 * which this class holds one handle each of.
 */
final class Sgd {
    private final List<NDArray> params = new ArrayList<>();
    private final List<NDArray> grads = new ArrayList<>();
    private final float lr;

    Sgd(Map<String, NDArray> trainable, float lr) {
        this.lr = lr;
        params.addAll(trainable.values());
        for (NDArray p : params) {
            p.setRequiresGradient(true);
        }
        NDManager owner = params.get(0).getManager();
        try (NDManager scratch = owner.newSubManager();
             GradientCollector gc = owner.getEngine().newGradientCollector()) {
            NDList sums = new NDList(params.size());
            for (NDArray p : params) {
                NDArray s = p.sum();
                s.attach(scratch);
                sums.add(s.reshape(1));
            }
            gc.backward(NDArrays.concat(sums).sum().mul(0f));
        }
        for (NDArray p : params) {
            grads.add(p.getGradient());
        }
    }

    /** One update of every parameter; the gradients are zero afterwards. */
    void step() {
        for (int i = 0; i < params.size(); i++) {
            NDArray g = grads.get(i);
            params.get(i).subi(g.muli(lr));
            g.muli(0);
        }
    }
}
