package fourm.core.model;

import ai.djl.ndarray.NDArray;

/**
 * Explicit decoder queries for one modality (generation): content and positional + modality embeddings.
 *
 * @param tokens [B, K, D] {@code mask_token} for grids, the embedded previous token for sequences
 * @param emb    [B, K, D] {@code pos_emb[position] + mod_emb}
 */
public record DecoderQuery(NDArray tokens, NDArray emb) {
}
