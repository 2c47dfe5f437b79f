package fourm.api.layout;

import fourm.api.TokenLayout;
import java.util.Optional;

/**
 * A variable-length sequence: token ids ({@code caption}: WordPiece ids with T5 sentinels, span-masked, generated
 * left to right) or one vector per position ({@code t5_caption}: 4096-d, encoder only).
 *
 * <p>Built by {@link Layouts}; a value (equal layouts are equal).
 */
record SequenceLayout(String name, int maxTokens, int maxLength, int valueDim, boolean learnedPositions)
        implements TokenLayout {
    /** Rows the reference builds every 1D sin-cos table with before truncation. */
    static final int SINCOS_1D_ROWS = 512;

    SequenceLayout {
        if (maxTokens < 1 || maxLength < 1 || valueDim < 0) {
            throw new IllegalArgumentException(name + ": a sequence needs max tokens and max length >= 1, got "
                    + maxTokens + " and " + maxLength);
        }
    }

    @Override
    public boolean discrete() {
        return valueDim == 0;
    }

    @Override
    public boolean sequence() {
        return true;
    }

    @Override
    public int length() {
        return discrete() ? (maxTokens + 1) * 2 : maxTokens;
    }

    @Override
    public int[] gridShape() {
        return new int[0];
    }

    @Override
    public int[] valueShape() {
        return discrete() ? new int[0] : new int[] {maxTokens, valueDim};
    }

    @Override
    public int tokenWidth() {
        return valueDim;
    }

    @Override
    public void tokenVector(float[] values, int position, float[] out, int offset) {
        if (discrete()) {
            throw new UnsupportedOperationException(name + " carries token ids, not values");
        }
        System.arraycopy(values, position * valueDim, out, offset, valueDim);
    }

    @Override
    public String inputWeight() {
        return discrete() ? "token_emb.weight" : "emb_proj.weight";
    }

    @Override
    public Optional<String> inputBias() {
        return discrete() ? Optional.empty() : Optional.of("emb_proj.bias");
    }

    @Override
    public boolean zeroIdIsPadding() {
        return discrete();
    }

    @Override
    public int positionRows() {
        return learnedPositions ? maxLength : Math.max(SINCOS_1D_ROWS, maxLength);
    }

    @Override
    public float[] fixedPositions(int dim) {
        if (learnedPositions) {
            throw new UnsupportedOperationException(name + " has learned positions");
        }
        return SinCosTables.table1d(positionRows(), dim);
    }

    @Override
    public void checkModelWidth(int dim) {
        if (!learnedPositions && (dim % 2 != 0 || dim < 2)) {
            throw new IllegalArgumentException(name + ": 1D sin-cos positions need an even model width, got " + dim);
        }
    }

    @Override
    public String toString() {
        return name + "[" + maxTokens + " tokens, max length " + maxLength
                + (valueDim > 0 ? ", " + valueDim + "-d vectors" : "") + (learnedPositions ? ", learned positions" : "") + "]";
    }
}
