package fourm.vq;

import java.util.Arrays;

/**
 * The tokens of one image: a {@code rows x cols} grid of codebook ids in row-major order. A VQ tokenizer gives its
 * token grid ({@code image side / patch} squared); a Memcodes tokenizer gives one row of one token per head.
 *
 * @param rows   grid rows, at least 1
 * @param cols   grid columns, at least 1
 * @param tokens rows * cols ids
 */
public record TokenGrid(int rows, int cols, int[] tokens) {

    /** Checks the dimensions and copies the ids. */
    public TokenGrid {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("a token grid needs rows and cols >= 1, got " + rows + " x " + cols);
        }
        if (tokens == null || tokens.length != rows * cols) {
            throw new IllegalArgumentException("a " + rows + " x " + cols + " token grid needs " + rows * cols
                    + " ids, got " + (tokens == null ? "none" : tokens.length));
        }
        tokens = tokens.clone();
    }

    /** A copy of the ids. */
    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    /** The id at {@code (row, col)}. */
    public int at(int row, int col) {
        return tokens[row * cols + col];
    }

    /** Number of tokens. */
    public int size() {
        return tokens.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenGrid g && g.rows == rows && g.cols == cols && Arrays.equals(g.tokens, tokens);
    }

    @Override
    public int hashCode() {
        return (rows * 31 + cols) * 31 + Arrays.hashCode(tokens);
    }

    @Override
    public String toString() {
        return "TokenGrid[" + rows + " x " + cols + "]";
    }
}
