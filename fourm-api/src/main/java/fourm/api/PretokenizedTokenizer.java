package fourm.api;

import java.util.Arrays;

/**
 * The tokenizer of a modality whose values arrive already tokenized: it checks that every id lies in the vocabulary
 * and that the sequence fits, and passes the ids through.
 */
public final class PretokenizedTokenizer implements ModalityTokenizer<int[]> {
    private final String key;
    private final int vocabSize;
    private final int maxTokens;

    /**
     * @param key       the modality key, used in error messages
     * @param vocabSize ids must lie in {@code [0, vocabSize)}
     * @param maxTokens at most this many ids
     */
    public PretokenizedTokenizer(String key, int vocabSize, int maxTokens) {
        if (vocabSize < 1 || maxTokens < 1) {
            throw new IllegalArgumentException(key + ": vocabSize and maxTokens must be >= 1, got " + vocabSize
                    + " and " + maxTokens);
        }
        this.key = key;
        this.vocabSize = vocabSize;
        this.maxTokens = maxTokens;
    }

    @Override
    public Class<int[]> valueType() {
        return int[].class;
    }

    @Override
    public int[] encode(int[] value) {
        return check(value);
    }

    @Override
    public int[] decode(int[] tokens) {
        return check(tokens);
    }

    @Override
    public boolean pretokenizedOnly() {
        return true;
    }

    private int[] check(int[] ids) {
        if (ids.length > maxTokens) {
            throw new IllegalArgumentException(key + ": " + ids.length + " tokens, expected at most " + maxTokens);
        }
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocabSize) {
                throw new IllegalArgumentException(key + ": token " + ids[i] + " at position " + i
                        + " is outside the vocabulary [0, " + vocabSize + ")");
            }
        }
        return Arrays.copyOf(ids, ids.length);
    }
}
