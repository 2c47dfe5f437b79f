package fourm.api.layout;

import fourm.api.TokenLayout;

/**
 * Ready-made {@link TokenLayout}s for the kinds of the 4M-21 modalities, to compose in a plugin.
 *
 * <table>
 *   <caption>Layouts and their reference counterparts</caption>
 *   <tr><th>factory</th><th>reference embedding</th><th>example</th></tr>
 *   <tr><td>{@link #imageTokens(int, int)}</td><td>ImageTokenEncoderEmbedding, 2D sin-cos</td>
 *       <td>{@code tok_rgb@224}: 14x14 ids</td></tr>
 *   <tr><td>{@link #globalTokens(int, int)}</td><td>ImageTokenEncoderEmbedding, learned positions</td>
 *       <td>{@code tok_dinov2_global}: 16 ids</td></tr>
 *   <tr><td>{@link #pixelPatches(int, int, int, int)}</td><td>ImageEncoderEmbedding ({@code proj})</td>
 *       <td>{@code rgb@224}: 14x14 patches of 16x16x3</td></tr>
 *   <tr><td>{@link #tokenSequence(int, int, boolean)}</td><td>SequenceEncoderEmbedding, 1D sin-cos</td>
 *       <td>{@code caption}: up to 256 ids</td></tr>
 *   <tr><td>{@link #embeddingSequence(int, int)}</td><td>SequenceEmbEncoderEmbedding ({@code emb_proj})</td>
 *       <td>{@code t5_caption}: up to 77 vectors of 4096</td></tr>
 * </table>
 */
public final class Layouts {
    private Layouts() {
    }

    /** A {@code rows x cols} grid of token ids with the reference's 2D sin-cos positions. */
    public static TokenLayout imageTokens(int rows, int cols) {
        return imageTokens(rows, cols, false);
    }

    /** A {@code rows x cols} grid of token ids with 2D sin-cos or learned positions. */
    public static TokenLayout imageTokens(int rows, int cols, boolean learnedPositions) {
        return new GridLayout("image-tokens", rows, cols, 0, 0, learnedPositions);
    }

    /**
     * A global embedding's tokens on a {@code rows x cols} pseudo-grid with learned positions
     * ({@code tok_dinov2_global}: 16 Memcodes ids on 4x4).
     */
    public static TokenLayout globalTokens(int rows, int cols) {
        return new GridLayout("global-tokens", rows, cols, 0, 0, true);
    }

    /**
     * Pixels: {@code channels x (rows * patch) x (cols * patch)} values cut into {@code rows x cols} patches, each
     * projected linearly ({@code proj.weight}, no bias), with 2D sin-cos positions. Encoder only.
     */
    public static TokenLayout pixelPatches(int rows, int cols, int patch, int channels) {
        if (patch < 1 || channels < 1) {
            throw new IllegalArgumentException("pixel-patches need a patch size and channels >= 1, got " + patch
                    + " and " + channels);
        }
        return new GridLayout("pixel-patches", rows, cols, patch, channels, false);
    }

    /**
     * A sequence of up to {@code maxTokens} token ids; decoder target positions at or beyond {@code maxLength} map to
     * 0. Positions are a 1D sin-cos table of {@code max(512, maxLength)} rows, or a learned table of
     * {@code maxLength} rows.
     */
    public static TokenLayout tokenSequence(int maxTokens, int maxLength, boolean learnedPositions) {
        return new SequenceLayout("token-sequence", maxTokens, maxLength, 0, learnedPositions);
    }

    /**
     * A sequence of up to {@code maxTokens} vectors of {@code valueDim} values, each projected linearly
     * ({@code emb_proj}, with bias), with 1D sin-cos positions. Encoder only.
     */
    public static TokenLayout embeddingSequence(int maxTokens, int valueDim) {
        if (valueDim < 1) {
            throw new IllegalArgumentException("embedding-sequence needs a value width >= 1, got " + valueDim);
        }
        return new SequenceLayout("embedding-sequence", maxTokens, maxTokens, valueDim, false);
    }
}
