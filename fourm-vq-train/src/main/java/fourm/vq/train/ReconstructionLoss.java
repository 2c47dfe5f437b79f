package fourm.vq.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import fourm.vq.VqModel;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The loss of a ViT/MLP tokenizer (spec-4m.md §6.1): the reconstruction loss of its family ({@link Losses}: MSE,
 * smooth L1, cross-entropy or cosine) between the decoder's output and the input; evaluated on the inference path
 * (arg-max codes).
 */
public final class ReconstructionLoss implements TokenizerLoss {
    private final VqModel model;

    /** The loss of {@code model} (gradients are attached to its parameters by the trainer). */
    public ReconstructionLoss(VqModel model) {
        this.model = model;
    }

    @Override
    public VqModel tokenizer() {
        return model;
    }

    @Override
    public Map<String, NDArray> trainableParameters() {
        return model.trainableParameters();
    }

    @Override
    public Terms terms(NDManager m, float[] batch, int batchSize, int height, int width, SplittableRandom rng) {
        NDArray x = model.input(m, batch, batchSize, height, width);
        VqModel.Forward f = model.forward(m, x, true, rng);
        return new Terms(Losses.of(model.config().loss(), f.output(), x), f);
    }

    @Override
    public boolean updatesCodebook() {
        return true;
    }

    @Override
    public Map<String, Double> evaluate(List<float[]> inputs, int side, int batchSize) {
        return evaluate(model, inputs, side, batchSize);
    }

    /** Reconstruction metrics of images in model space on the inference path. */
    static Map<String, Double> evaluate(VqModel model, List<float[]> inputs, int side, int batchSize) {
        return TokenizerLoss.metrics(model.config(), inputs, batchSize, (values, n, from) -> {
            try (NDManager m = model.manager().newSubManager()) {
                VqModel.Forward f = model.forward(m, model.input(m, values, n, side, side), false, null);
                return new Reconstruction(f.output().toFloatArray(), f.ids());
            }
        });
    }
}
