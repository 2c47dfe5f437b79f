package fourm.vq.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import fourm.vq.ReconstructionMetrics;
import fourm.vq.VqConfig;
import fourm.vq.VqModel;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What {@link VqTrainer} minimises besides the code loss, and how the result is evaluated: the reconstruction of a
 * ViT/MLP tokenizer ({@link ReconstructionLoss}) or a DiVAE's diffusion loss ({@link DiffusionLoss}). The trainer owns
 * the step (random stream, learning rate, gradient scope, {@code reconstruction + codebook-weight * code loss}, AdamW,
 * the codebook update); a loss gives the terms of one batch.
 */
public interface TokenizerLoss {
    /**
     * The terms of one batch.
     *
     * @param reconstruction the loss besides the code loss (a scalar)
     * @param forward        the encoder's pass (its code loss and what the codebook update needs)
     */
    record Terms(NDArray reconstruction, VqModel.Forward forward) {
    }

    /** The tokenizer whose encoder and codebook are trained; each step's arrays live in a sub-manager of its. */
    VqModel tokenizer();

    /** The parameters the optimizer updates, by name. */
    Map<String, NDArray> trainableParameters();

    /**
     * The terms of a batch of images in model space, inside the step's gradient scope; any randomness is drawn from
     * {@code rng} (after the batch), so that a step is a function of {@code (seed, step)}.
     */
    Terms terms(NDManager m, float[] batch, int batchSize, int height, int width, SplittableRandom rng);

    /** True when the codebook learns after a step (EMA update and dead-code replacement). */
    boolean updatesCodebook();

    /** Reconstruction metrics ({@link ReconstructionMetrics}) of images in model space, {@code batchSize} at a time. */
    Map<String, Double> evaluate(List<float[]> inputs, int side, int batchSize);

    /** A chunk's reconstructions and ids, flat: what {@link #metrics} needs of a tokenizer. */
    record Reconstruction(float[] output, long[] ids) {
    }

    /** Reconstructs a chunk of {@code n} images given flat, in model space. */
    @FunctionalInterface
    interface Reconstructor {
        /**
         * Reconstructs a chunk.
         *
         * @param values the chunk's images, flat, in model space
         * @param n      how many images
         * @param from   the index of the chunk's first image among all
         */
        Reconstruction apply(float[] values, int n, int from);
    }

    /**
     * Reconstruction metrics of {@code inputs}, {@code batchSize} images at a time through {@code reconstruct} (given
     * the chunk's values, its size and the index of its first image).
     */
    static Map<String, Double> metrics(VqConfig config, List<float[]> inputs, int batchSize,
                                       Reconstructor reconstruct) {
        ReconstructionMetrics metrics = new ReconstructionMetrics(config);
        for (int from = 0; from < inputs.size(); from += batchSize) {
            List<float[]> chunk = inputs.subList(from, Math.min(inputs.size(), from + batchSize));
            int per = chunk.get(0).length;
            float[] values = new float[per * chunk.size()];
            for (int i = 0; i < chunk.size(); i++) {
                System.arraycopy(chunk.get(i), 0, values, i * per, per);
            }
            Reconstruction r = reconstruct.apply(values, chunk.size(), from);
            int outPer = r.output().length / chunk.size();
            int idsPer = r.ids().length / chunk.size();
            for (int i = 0; i < chunk.size(); i++) {
                float[] o = new float[outPer];
                System.arraycopy(r.output(), i * outPer, o, 0, outPer);
                long[] t = new long[idsPer];
                System.arraycopy(r.ids(), i * idsPer, t, 0, idsPer);
                metrics.add(chunk.get(i), o, t);
            }
        }
        return metrics.result();
    }
}
