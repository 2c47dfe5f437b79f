package fourm.core.model;

import ai.djl.ndarray.NDArray;

/**
 * The encoder's input after embedding and token selection (spec section 2.4, steps 1-2): the first N valid tokens of
 * every sample (stable partition over the modalities in batch order), padded slots zeroed.
 *
 * <p>Shapes: B batch, N = numEncoderTokens, D width.
 *
 * @param tokens  [B, N, D] content embeddings ({@code encoder_tokens})
 * @param emb     [B, N, D] positional + modality embeddings ({@code encoder_emb})
 * @param mask    [B, 1, N] boolean, true on padded slots ({@code encoder_mask})
 * @param modIds  B*N row-major modality ids, -1 on padded slots ({@code encoder_mod_mask})
 * @param batch   B
 * @param length  N
 */
public record EncoderInput(NDArray tokens, NDArray emb, NDArray mask, int[] modIds, int batch, int length) {

    /** True where slot (b, n) is padding. */
    public boolean isPadding(int b, int n) {
        return modIds[b * length + n] == -1;
    }

    /** Valid (non-padding) tokens of sample {@code b}. */
    public int validCount(int b) {
        int c = 0;
        for (int n = 0; n < length; n++) {
            if (!isPadding(b, n)) {
                c++;
            }
        }
        return c;
    }
}
