package fourm.core.model;

import fourm.api.TokenLayout;
import fourm.api.layout.SinCosTables;
import java.util.Arrays;
import java.util.Optional;

/**
 * A layout whose positional table has another row count than its own (a checkpoint's {@code pos_emb} is
 * {@code [1, R, D]} with an R of its own, for example a sequence trained with a shorter table); everything else is
 * the base layout's.
 *
 * <p>A fixed table of fewer rows is the first rows of the base table. A fixed table of more rows exists only when the
 * base table is the 1D sin-cos table (whose rows do not depend on the row count); otherwise a model of this layout has
 * to be loaded from a checkpoint, which carries its table.
 *
 * @param base         the layout
 * @param positionRows R, the rows of the positional table
 */
record ResizedPositions(TokenLayout base, int positionRows) implements TokenLayout {

    ResizedPositions {
        if (positionRows < 1) {
            throw new IllegalArgumentException(base.name() + ": a positional table needs >= 1 rows, got "
                    + positionRows);
        }
        if (base instanceof ResizedPositions r) {
            base = r.base();
        }
    }

    /** {@code layout} with {@code rows} positional rows (the layout itself when it has them already). */
    static TokenLayout of(TokenLayout layout, int rows) {
        TokenLayout base = layout instanceof ResizedPositions r ? r.base() : layout;
        return base.positionRows() == rows ? base : new ResizedPositions(base, rows);
    }

    @Override
    public String name() {
        return base.name();
    }

    @Override
    public boolean discrete() {
        return base.discrete();
    }

    @Override
    public boolean sequence() {
        return base.sequence();
    }

    @Override
    public int maxTokens() {
        return base.maxTokens();
    }

    @Override
    public int length() {
        return base.length();
    }

    @Override
    public int maxLength() {
        return base.maxLength();
    }

    @Override
    public int[] gridShape() {
        return base.gridShape();
    }

    @Override
    public int[] valueShape() {
        return base.valueShape();
    }

    @Override
    public int tokenWidth() {
        return base.tokenWidth();
    }

    @Override
    public void tokenVector(float[] values, int position, float[] out, int offset) {
        base.tokenVector(values, position, out, offset);
    }

    @Override
    public String inputWeight() {
        return base.inputWeight();
    }

    @Override
    public Optional<String> inputBias() {
        return base.inputBias();
    }

    @Override
    public boolean zeroIdIsPadding() {
        return base.zeroIdIsPadding();
    }

    @Override
    public boolean learnedPositions() {
        return base.learnedPositions();
    }

    @Override
    public float[] fixedPositions(int dim) {
        float[] table = base.fixedPositions(dim);
        int rows = base.positionRows();
        if (positionRows <= rows) {
            return Arrays.copyOf(table, positionRows * dim);
        }
        if (Arrays.equals(table, SinCosTables.table1d(rows, dim))) {
            return SinCosTables.table1d(positionRows, dim);
        }
        throw new UnsupportedOperationException(base + ": no fixed positional table of " + positionRows
                + " rows (the layout's has " + rows + "); load the model from a checkpoint that carries it");
    }

    @Override
    public void checkModelWidth(int dim) {
        base.checkModelWidth(dim);
    }

    @Override
    public String toString() {
        return base + " with " + positionRows + " positional rows";
    }
}
