package fourm.api;

import java.util.Optional;

/**
 * How a modality's tokens are laid out, embedded and positioned: the model-side behaviour a modality brings.
 *
 * <p>The transformer never asks what kind of modality it holds; it asks the layout. A layout answers in plain Java
 * (no tensor engine): how many positions the modality occupies in a masked batch, whether those positions carry token
 * ids (looked up in a token table) or values (projected linearly, one vector per token), how one token's vector is cut
 * from a sample's values, where each token sits in the positional table and what that table holds, and under which
 * names the reference stores the embedding's parameters.
 *
 * <p>Ready-made layouts for every kind of the 4M-21 modalities are in {@link fourm.api.layout.Layouts}: grids of
 * token ids of any height x width ({@code tok_rgb@224}, or a 32x64 thermal image as a 2x4 grid), pixel patches,
 * global tokens, token sequences and embedding sequences. A plugin composes one of them (usually through
 * {@link ModalitySpec#layout()}, which builds the layout its settings describe) or implements this interface.
 *
 * <p>Shape legend: {@code L} = {@link #length()}, {@code N} = {@link #maxTokens()}, {@code W} = {@link #tokenWidth()},
 * {@code D} = the model width, {@code R} = {@link #positionRows()}.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface TokenLayout {

    /** A short kebab-case name for messages and JSON output, for example {@code image-tokens} or {@code grid 2x4}. */
    String name();

    /** True when the modality's positions carry token ids (embedded by a token table), false for values. */
    boolean discrete();

    /**
     * True for variable-length sequences: an input token's position is its rank among the sample's visible tokens,
     * targets are teacher-forced (the decoder reads {@code x[:-1]} and predicts {@code x[1:]}), and the modality is
     * masked in spans. False for grids, whose positions are fixed cells.
     */
    boolean sequence();

    /** N: the most tokens one sample holds (grid cells, or the longest sequence); it caps masking budgets. */
    int maxTokens();

    /**
     * L: the positions the modality occupies in a masked batch. A grid: its cell count; a token sequence:
     * {@code (N + 1) * 2} (room for sentinels and the target span); an embedding sequence: N.
     */
    int length();

    /**
     * Sequences: decoder target positions at or beyond this are mapped to 0 (the reference's {@code max_length});
     * grids: {@link #maxTokens()}.
     */
    int maxLength();

    /** Rows x columns of a grid (for example {@code {14, 14}}); an empty array for sequences. */
    int[] gridShape();

    /**
     * The shape of one sample's values for a value layout ({@code {C, H, W}} pixels, {@code {N, E}} vectors); an empty
     * array for discrete layouts.
     */
    int[] valueShape();

    /** W: the width of one token's input vector for a value layout; 0 for discrete layouts. */
    int tokenWidth();

    /**
     * Copies the input vector of token {@code position} of one sample's values ({@link #valueShape()}, row-major) into
     * {@code out[offset, offset + W)}: a patch of pixels in the reference's {@code (ph, pw, c)} order, or one row of
     * vectors.
     *
     * @throws UnsupportedOperationException for discrete layouts
     */
    void tokenVector(float[] values, int position, float[] out, int offset);

    /**
     * The reference's name of the input embedding's weight, relative to the modality's embedding prefix:
     * {@code token_emb.weight} ([V, D]) for discrete layouts, {@code proj.weight} ([D, W]) for pixel patches,
     * {@code emb_proj.weight} ([D, W]) for vectors.
     */
    String inputWeight();

    /** The name of the input projection's bias, when it has one ({@code emb_proj.bias}). */
    Optional<String> inputBias();

    /** True when token id 0 is padding whose embedding row receives no gradient (the reference's token sequences). */
    boolean zeroIdIsPadding();

    /** R: the rows of the positional table ({@code pos_emb} is {@code [1, R, D]}). */
    int positionRows();

    /** True when the positional table is learned (initialised N(0, 0.02)); false for a fixed sin-cos table. */
    boolean learnedPositions();

    /**
     * The fixed positional table, row-major {@code [R, D]}.
     *
     * @throws IllegalArgumentException if {@code dim} does not suit the table (2D sin-cos needs a multiple of 4)
     * @throws UnsupportedOperationException for learned positions
     */
    float[] fixedPositions(int dim);

    /**
     * Checks that a model of width {@code dim} can embed this layout.
     *
     * @throws IllegalArgumentException saying what the layout needs
     */
    default void checkModelWidth(int dim) {
        if (!learnedPositions()) {
            fixedPositions(dim);
        }
    }
}
