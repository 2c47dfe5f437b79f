package fourm.api.masking;

import fourm.api.TokenLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Span masking of the rows of an embedding sequence, input only (see {@link Maskings#embeddingRows}). A value: equal
 * layouts give equal maskings.
 */
record EmbeddingRowMasking(TokenLayout layout) implements TokenMasking {
    /** Fake ids for span masking over rows: sentinels below ROW_BASE, row r at ROW_BASE + r. */
    private static final int ROW_BASE = 1 << 20;
    private static final SpecialTokens ROW_SPECIALS = new SpecialTokens(0, 1, 2, ROW_BASE - 2);

    @Override
    public String name() {
        return "embedding-rows";
    }

    @Override
    public boolean usesKeepScheme() {
        return true;
    }

    /** Rows are never targets. */
    @Override
    public int targetCap(int inputBudget) {
        return 0;
    }

    @Override
    public void check(String key, ModalityInput value) {
        Maskings.requirePresent(key, value);
        if (!(value instanceof ModalityInput.Embeddings e)) {
            throw Maskings.wrongType(key, this, value, "Embeddings");
        }
        int dim = layout.valueShape()[1];
        if (e.dim() != dim) {
            throw new IllegalArgumentException(key + ": embeddings of dimension " + e.dim() + ", expected " + dim);
        }
    }

    /** Draws the keep probability, then span-masks the valid rows with the budget loop; the target budget is unused. */
    @Override
    public ModalitySample mask(String key, ModalityInput value, int inputBudget, int targetBudget, KeepScheme keep,
                               SpecialTokens special, SplittableRandom rng) {
        ModalityInput.Embeddings e = (ModalityInput.Embeddings) value;
        double keepProb = keep.sample(rng);
        int rows = Math.min(e.rows(), layout.maxTokens());
        int[] input;
        if (inputBudget <= 0) {
            input = new int[0];
        } else {
            List<int[]> chunks = new ArrayList<>(rows);
            for (int r = 0; r < rows; r++) {
                chunks.add(new int[] {ROW_BASE + r});
            }
            input = SpanMasking.maskToBudget(chunks, keepProb, inputBudget, rng, ROW_SPECIALS).input();
        }
        return rows(key, e, input);
    }

    @Override
    public ModalitySample fullInput(String key, ModalityInput value, SpecialTokens special) {
        ModalityInput.Embeddings e = (ModalityInput.Embeddings) value;
        int rows = Math.min(e.rows(), layout.maxTokens());
        int[] input = new int[rows];
        for (int r = 0; r < rows; r++) {
            input[r] = ROW_BASE + r;
        }
        return rows(key, e, input);
    }

    @Override
    public ModalitySample fullTarget(String key, ModalityInput value, SpecialTokens special) {
        throw new UnsupportedOperationException(key + ": embedding rows are inputs only");
    }

    @Override
    public ModalitySample empty(String key) {
        return Maskings.empty(key, layout);
    }

    /** Kept rows copied in input order, a zero row for each sentinel, the input rows first. */
    private ModalitySample rows(String key, ModalityInput.Embeddings e, int[] input) {
        int len = layout.maxTokens();
        int dim = e.dim();
        float[] values = new float[len * dim];
        boolean[] in = new boolean[len];
        boolean[] tgt = new boolean[len];
        Arrays.fill(in, true);
        Arrays.fill(tgt, true);
        for (int i = 0; i < input.length; i++) {
            in[i] = false;
            if (input[i] >= ROW_BASE) {
                System.arraycopy(e.values(), (input[i] - ROW_BASE) * dim, values, i * dim, dim);
            }
        }
        return new ModalitySample(key, len, new long[0], values, new int[] {len, dim}, in, tgt, new int[len]);
    }

    @Override
    public String toString() {
        return name() + " over " + layout.name();
    }
}
