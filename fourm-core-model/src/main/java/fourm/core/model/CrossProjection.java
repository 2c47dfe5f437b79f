package fourm.core.model;

import ai.djl.ndarray.NDArray;

/**
 * The cross-attention key-value projection of every decoder block of a {@link FourMModel}, each block's context norm
 * folded into its weight, stacked into one [depth * 2D, D] weight (and bias), as {@link FourMModel#crossProjection}
 * computed it from the parameters at that time. Passes without gradients of encoder outputs made with it
 * ({@link FourMModel#encode(EncoderInput, CrossProjection)}) reuse it instead of stacking the weights again; it is
 * only valid while the parameters do not change. Its arrays belong to the manager it was made in.
 */
public final class CrossProjection {
    private final FourMModel model;
    private final NDArray weight;
    private final NDArray bias;

    CrossProjection(FourMModel model, NDArray weight, NDArray bias) {
        this.model = model;
        this.weight = weight;
        this.bias = bias;
    }

    FourMModel model() {
        return model;
    }

    /** [depth * 2D, D]. */
    NDArray weight() {
        return weight;
    }

    /** [depth * 2D], or null when no block has a bias. */
    NDArray bias() {
        return bias;
    }
}
