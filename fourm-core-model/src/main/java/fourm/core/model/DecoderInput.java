package fourm.core.model;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * The decoder's input after embedding and target selection (spec section 2.4, steps 3-4): image targets as
 * {@code mask_token}, sequences teacher-forced with a shift, the first N valid targets of every sample (stable
 * partition over the modalities in {@link #order()}), padded slots zeroed, and the self-attention mask.
 *
 * <p>Shapes: B batch, N = numDecoderTokens, D width.
 *
 * @param tokens        [B, N, D] decoder input embeddings ({@code decoder_tokens})
 * @param emb           [B, N, D] positional + modality embeddings ({@code decoder_emb})
 * @param mask          [B, 1, N] boolean, true on padded slots ({@code decoder_mask})
 * @param attentionMask [B, N, N] boolean, true where query n may not attend to key m
 *                      ({@code decoder_attention_mask})
 * @param targetIds     B*N row-major target ids, 0 on padded slots ({@code target_ids})
 * @param modIds        B*N row-major modality ids, -1 on padded slots ({@code decoder_mod_mask})
 * @param batch         B
 * @param length        N
 * @param order         the decoder modality order used
 */
public record DecoderInput(NDArray tokens, NDArray emb, NDArray mask, NDArray attentionMask, long[] targetIds,
                           int[] modIds, int batch, int length, List<String> order) {
}
