package fourm.api.layout;

import fourm.api.TokenLayout;
import java.util.Optional;

/**
 * A fixed grid of {@code rows x cols} tokens, row-major: token ids from an image tokenizer ({@code tok_rgb@224},
 * 14x14), learned-position global tokens ({@code tok_dinov2_global}, 16), or pixels cut into {@code patch x patch}
 * patches of {@code channels} channels and projected linearly ({@code rgb@224}).
 *
 * <p>Built by {@link Layouts}; a value (equal layouts are equal).
 */
record GridLayout(String name, int rows, int cols, int patch, int channels, boolean learnedPositions)
        implements TokenLayout {

    GridLayout {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException(name + ": a grid needs at least 1x1 tokens, got " + rows + "x" + cols);
        }
        if ((patch == 0) != (channels == 0) || patch < 0 || channels < 0) {
            throw new IllegalArgumentException(name + ": pixel patches need a patch size and channels >= 1, got "
                    + patch + " and " + channels);
        }
    }

    @Override
    public boolean discrete() {
        return patch == 0;
    }

    @Override
    public boolean sequence() {
        return false;
    }

    @Override
    public int maxTokens() {
        return rows * cols;
    }

    @Override
    public int length() {
        return rows * cols;
    }

    @Override
    public int maxLength() {
        return rows * cols;
    }

    @Override
    public int[] gridShape() {
        return new int[] {rows, cols};
    }

    @Override
    public int[] valueShape() {
        return discrete() ? new int[0] : new int[] {channels, rows * patch, cols * patch};
    }

    @Override
    public int tokenWidth() {
        return patch * patch * channels;
    }

    @Override
    public void tokenVector(float[] values, int position, float[] out, int offset) {
        if (discrete()) {
            throw new UnsupportedOperationException(name + " carries token ids, not values");
        }
        int height = rows * patch;
        int width = cols * patch;
        int gy = position / cols;
        int gx = position % cols;
        int o = offset;
        for (int ph = 0; ph < patch; ph++) {
            for (int pw = 0; pw < patch; pw++) {
                int y = gy * patch + ph;
                int x = gx * patch + pw;
                for (int c = 0; c < channels; c++) {
                    out[o++] = values[(c * height + y) * width + x];
                }
            }
        }
    }

    @Override
    public String inputWeight() {
        return discrete() ? "token_emb.weight" : "proj.weight";
    }

    @Override
    public Optional<String> inputBias() {
        return Optional.empty();
    }

    @Override
    public boolean zeroIdIsPadding() {
        return false;
    }

    @Override
    public int positionRows() {
        return rows * cols;
    }

    @Override
    public float[] fixedPositions(int dim) {
        if (learnedPositions) {
            throw new UnsupportedOperationException(name + " has learned positions");
        }
        return SinCosTables.table2d(rows, cols, dim);
    }

    @Override
    public void checkModelWidth(int dim) {
        if (!learnedPositions && (dim % 4 != 0 || dim < 4)) {
            throw new IllegalArgumentException(name + ": 2D sin-cos positions need a model width divisible by 4, got "
                    + dim);
        }
    }

    @Override
    public String toString() {
        return name + "[" + rows + "x" + cols + (patch > 0 ? ", patch " + patch + ", " + channels + " ch" : "")
                + (learnedPositions ? ", learned positions" : "") + "]";
    }
}
