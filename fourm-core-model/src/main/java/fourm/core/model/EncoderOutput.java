package fourm.core.model;

import ai.djl.ndarray.NDArray;

/**
 * The encoder's result and what every decoder pass reuses: encode once, decode many times
 * ({@link FourMModel#decode(EncoderOutput, NDArray, NDArray, NDArray)}). The cross-attention keys and values of each
 * decoder block are computed on first use and cached here (they depend on the context only); they belong to the
 * manager of {@link #context()}.
 *
 * <p>Shapes: B batch, M encoder slots, D width, H heads, Dh head width.
 */
public final class EncoderOutput {
    private final EncoderInput input;
    private final NDArray output;
    private final NDArray context;
    private final NDArray crossMask;
    private NDArray crossBias;
    private final NDArray[] keys;
    private final NDArray[] values;
    private final CrossProjection crossProjection;

    EncoderOutput(EncoderInput input, NDArray output, NDArray context, int decoderDepth,
                  CrossProjection crossProjection) {
        this.input = input;
        this.output = output;
        this.context = context;
        long b = input.mask().getShape().get(0);
        this.crossMask = input.mask().reshape(b, 1, 1, input.length());
        this.keys = new NDArray[decoderDepth];
        this.values = new NDArray[decoderDepth];
        this.crossProjection = crossProjection;
    }

    /** The precomputed cross-attention projection passes without gradients reuse, or null. */
    CrossProjection crossProjection() {
        return crossProjection;
    }

    /** The embedded, selected encoder input. */
    public EncoderInput input() {
        return input;
    }

    /** [B, M, D] encoder output after {@code encoder_norm} ({@code encoder_output}). */
    public NDArray output() {
        return output;
    }

    /** [B, M, D] {@code decoder_proj_context(output) + encoder_emb} ({@code decoder_context}). */
    public NDArray context() {
        return context;
    }

    /** [B, 1, M] boolean, true on padded encoder slots (the cross-attention mask). */
    public NDArray mask() {
        return input.mask();
    }

    NDArray crossMask() {
        return crossMask;
    }

    /**
     * The cross-attention mask in additive form ({@link Layers#maskBias}), [B, 1, 1, M], built on first use; null when
     * no encoder slot is padded (the bias would be all zeros, and adding it changes no score).
     */
    NDArray crossBias() {
        if (crossBias == null && FourMModel.anyPadding(input.modIds())) {
            crossBias = Layers.maskBias(crossMask);
        }
        return crossBias;
    }

    NDArray cachedKeys(int block) {
        return keys[block];
    }

    NDArray cachedValues(int block) {
        return values[block];
    }

    void cache(int block, NDArray k, NDArray v) {
        keys[block] = k;
        values[block] = v;
    }
}
