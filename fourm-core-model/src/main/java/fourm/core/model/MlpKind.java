package fourm.core.model;

/** The MLP of a transformer block. */
public enum MlpKind {
    /** {@code fc2(gelu(fc1(x)))} with the exact (erf) GELU; hidden width {@code int(dim * mlp_ratio)}. */
    GELU,
    /**
     * Gated SiLU: {@code fc2(silu(fc1(x)) * fc3(x))}; hidden width {@code int(2 * int(dim * mlp_ratio) / 3)}.
     */
    SWIGLU;

    /** The hidden width F for a model width and MLP ratio, as the reference computes it. */
    public int hiddenWidth(int dim, double mlpRatio) {
        int hidden = (int) (dim * mlpRatio);
        return this == SWIGLU ? (int) (2 * hidden / 3.0) : hidden;
    }
}
