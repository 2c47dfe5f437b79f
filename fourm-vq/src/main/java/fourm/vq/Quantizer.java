package fourm.vq;

import ai.djl.ndarray.NDArray;
import java.util.SplittableRandom;

/**
 * A bottleneck between encoder and decoder: the cosine-similarity VQ codebook ({@link CosineCodebook}) or multi-head
 * Memcodes ({@link Memcodes}).
 *
 * <p>Shape legend: B batch, N token positions, L latent width, T tokens per image (N for VQ, heads for Memcodes).
 */
interface Quantizer {

    /** Adds the quantizer's tensors ({@code quantize.*}) to a layout. */
    void layout(Params.Layout layout);

    /**
     * Quantizes latents.
     *
     * @param p        parameter views of the step
     * @param z        latents [B, N, L]
     * @param training true for a training step: straight-through gradients, the commitment loss, and (VQ) a pending
     *                 codebook update; false for the deterministic inference path
     * @param rng      the training step's random stream (Gumbel noise); unused at inference
     * @return the quantized latents [B, N, L] (what the decoder gets), the code loss and the token ids [B * T]
     */
    Quantized quantize(Params.View p, NDArray z, boolean training, SplittableRandom rng);

    /** The quantized latents [B, N, L] of token ids [B * T] (what {@link #quantize} returns for them at inference). */
    NDArray embed(Params.View p, long[] ids, int batch, int positions);

    /**
     * The result of {@link #quantize}.
     *
     * @param quantized latents after the bottleneck, [B, N, L]
     * @param codeLoss  scalar code loss (zero when there is none)
     * @param ids       token ids, [B * T] row-major
     * @param update    the EMA codebook update this batch asks for, applied after the backward pass; null if none
     */
    record Quantized(NDArray quantized, NDArray codeLoss, long[] ids, CodebookUpdate update) {
    }

    /** A codebook update computed from one training batch, applied once its backward pass is done. */
    interface CodebookUpdate {
        /**
         * Applies the update to the tokenizer's buffers.
         *
         * @param params        the tensors
         * @param deadThreshold codes whose EMA usage falls below this are replaced by random latents of the batch
         *                      (0 disables replacement)
         * @param rng           source of the replacement choices
         * @return the number of codes replaced
         */
        int apply(Params params, double deadThreshold, SplittableRandom rng);
    }
}
