package fourm.api.masking;

import fourm.api.MaskingPolicy;
import fourm.api.TokenLayout;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Ready-made {@link TokenMasking}s for the kinds of the 4M-21 modalities, and the writers they share, for a plugin to
 * compose.
 *
 * <table>
 *   <caption>Maskings and the modalities they fit</caption>
 *   <tr><th>factory</th><th>layout</th><th>values</th><th>example</th></tr>
 *   <tr><td>{@link #randomTokens(TokenLayout)}</td><td>a grid</td><td>{@link ModalityInput.Grid} ids or
 *       {@link ModalityInput.Pixels}</td><td>{@code tok_rgb@224}, {@code rgb@224}</td></tr>
 *   <tr><td>{@link #span(TokenLayout)}</td><td>a token sequence</td><td>{@link ModalityInput.Tokens}</td>
 *       <td>{@code caption}</td></tr>
 *   <tr><td>{@link #chunkSpan(TokenLayout)}</td><td>a token sequence</td><td>{@link ModalityInput.Chunks}</td>
 *       <td>{@code metadata}</td></tr>
 *   <tr><td>{@link #embeddingRows(TokenLayout)}</td><td>an embedding sequence</td>
 *       <td>{@link ModalityInput.Embeddings}</td><td>{@code t5_caption}</td></tr>
 * </table>
 *
 * <p>A masking of one's own usually chooses positions or spans in its own way and writes them with
 * {@link #grid} or {@link #sequence}, which lay the sample out as the model reads it.
 */
public final class Maskings {
    private Maskings() {
    }

    /**
     * Random tokens over a grid (ids or pixel patches): a uniformly random order of the cells, the first
     * {@code inputBudget} inputs, the next {@code targetBudget} targets (disjoint).
     *
     * @throws IllegalArgumentException if the layout is a sequence
     */
    public static TokenMasking randomTokens(TokenLayout layout) {
        if (layout.sequence()) {
            throw new IllegalArgumentException("random-tokens masks a grid, not the sequence layout " + layout.name());
        }
        return new GridMasking(layout);
    }

    /**
     * T5 span masking of a token sequence (see {@link SpanMasking}): {@code [EOS]} is appended, runs of dropped tokens
     * become sentinels in the input and spans in the target; the keep probability shrinks by 0.9 until the input fits
     * its budget, and a target longer than its budget is cut at a sentinel.
     *
     * @throws IllegalArgumentException if the layout is not a sequence of token ids
     */
    public static TokenMasking span(TokenLayout layout) {
        return new SpanTokenMasking(requireTokenSequence(layout, "span"), false);
    }

    /**
     * Span masking of a token sequence made of chunks (metadata's key-value pairs): whole chunks are kept or dropped,
     * {@code [EOS]} is a chunk of its own, otherwise as {@link #span(TokenLayout)}.
     *
     * @throws IllegalArgumentException if the layout is not a sequence of token ids
     */
    public static TokenMasking chunkSpan(TokenLayout layout) {
        return new SpanTokenMasking(requireTokenSequence(layout, "chunk-span"), true);
    }

    /**
     * Span masking of the rows of an embedding sequence, input only: kept rows are copied, each dropped run becomes
     * one zero row, the input rows come first.
     *
     * @throws IllegalArgumentException if the layout is not a sequence of vectors
     */
    public static TokenMasking embeddingRows(TokenLayout layout) {
        if (!layout.sequence() || layout.discrete() || layout.valueShape().length != 2) {
            throw new IllegalArgumentException("embedding-rows masks a sequence of vectors, not the layout "
                    + layout.name());
        }
        return new EmbeddingRowMasking(layout);
    }

    /**
     * The masking a modality's settings describe: random tokens for a grid, embedding rows for a sequence of
     * vectors, span or chunk-span masking (by the policy) for a sequence of token ids.
     */
    public static TokenMasking of(MaskingPolicy policy, TokenLayout layout) {
        if (!layout.sequence()) {
            return randomTokens(layout);
        }
        if (!layout.discrete()) {
            return embeddingRows(layout);
        }
        return policy == MaskingPolicy.CHUNK_SPAN ? chunkSpan(layout) : span(layout);
    }

    private static TokenLayout requireTokenSequence(TokenLayout layout, String name) {
        if (!layout.sequence() || !layout.discrete()) {
            throw new IllegalArgumentException(name + " masks a sequence of token ids, not the layout "
                    + layout.name());
        }
        return layout;
    }

    /**
     * Writes a grid (ids or pixels): cells {@code order[0, inputs)} are inputs, {@code order[inputs, inputs +
     * targets)} targets; the decoder attention mask holds the target count at the lowest target cell.
     *
     * @param key     the modality key
     * @param layout  the grid's layout
     * @param value   a {@link ModalityInput.Grid} for a discrete layout, {@link ModalityInput.Pixels} otherwise
     * @param order   cell indices; its first {@code inputs + targets} entries are distinct
     * @param inputs  input cells
     * @param targets target cells
     */
    public static ModalitySample grid(String key, TokenLayout layout, ModalityInput value, int[] order, int inputs,
                                      int targets) {
        int n = layout.length();
        boolean[] in = new boolean[n];
        boolean[] tgt = new boolean[n];
        int[] dam = new int[n];
        Arrays.fill(in, true);
        Arrays.fill(tgt, true);
        for (int i = 0; i < inputs; i++) {
            in[order[i]] = false;
        }
        int first = n;
        for (int i = inputs; i < inputs + targets; i++) {
            tgt[order[i]] = false;
            first = Math.min(first, order[i]);
        }
        if (targets > 0) {
            dam[first] = targets;
        }
        if (!layout.discrete()) {
            ModalityInput.Pixels px = (ModalityInput.Pixels) value;
            return new ModalitySample(key, n, new long[0], px.values().clone(), px.shape().clone(), in, tgt, dam);
        }
        int[] ids = ((ModalityInput.Grid) value).ids();
        long[] tensor = new long[n];
        for (int i = 0; i < n; i++) {
            tensor[i] = ids[i];
        }
        return new ModalitySample(key, n, tensor, new float[0], new int[0], in, tgt, dam);
    }

    /**
     * Writes a token sequence: input ids at {@code [0, input.length)}, target ids at
     * {@code [targetOffset, targetOffset + target.length)} with decoder attention 1, PAD elsewhere.
     *
     * @throws IllegalStateException if the input runs into the target or the target past the layout's length
     */
    public static ModalitySample sequence(String key, TokenLayout layout, int[] input, int[] target,
                                          int targetOffset, SpecialTokens special) {
        int len = layout.length();
        if (input.length > targetOffset && target.length > 0 || targetOffset + target.length > len) {
            throw new IllegalStateException(key + ": input of " + input.length + " and target of "
                    + target.length + " at offset " + targetOffset + " do not fit " + len + " positions");
        }
        long[] ids = new long[len];
        Arrays.fill(ids, special.pad());
        boolean[] in = new boolean[len];
        boolean[] tgt = new boolean[len];
        int[] dam = new int[len];
        Arrays.fill(in, true);
        Arrays.fill(tgt, true);
        for (int i = 0; i < input.length; i++) {
            ids[i] = input[i];
            in[i] = false;
        }
        for (int j = 0; j < target.length; j++) {
            ids[targetOffset + j] = target[j];
            tgt[targetOffset + j] = false;
            dam[targetOffset + j] = 1;
        }
        return new ModalitySample(key, len, ids, new float[0], new int[0], in, tgt, dam);
    }

    /** A modality that is neither input nor target: zero ids or zero values of the layout's shape, every mask true. */
    public static ModalitySample empty(String key, TokenLayout layout) {
        int len = layout.length();
        boolean[] in = new boolean[len];
        boolean[] tgt = new boolean[len];
        Arrays.fill(in, true);
        Arrays.fill(tgt, true);
        if (layout.discrete()) {
            return new ModalitySample(key, len, new long[len], new float[0], new int[0], in, tgt, new int[len]);
        }
        int[] shape = layout.valueShape();
        return new ModalitySample(key, len, new long[0], new float[(int) size(shape)], shape, in, tgt,
                new int[len]);
    }

    /** The first {@code count} entries of a uniformly random permutation of {@code [0, n)} (partial Fisher-Yates). */
    public static int[] permutationPrefix(int n, int count, SplittableRandom rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = 0; i < Math.min(count, n - 1); i++) {
            int j = i + rng.nextInt(n - i);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    static long size(int[] shape) {
        long s = 1;
        for (int d : shape) {
            s *= d;
        }
        return s;
    }

    static IllegalArgumentException wrongType(String key, TokenMasking masking, ModalityInput value,
                                              String expected) {
        return new IllegalArgumentException(key + " (" + masking.name() + "): got a "
                + value.getClass().getSimpleName() + " value, expected ModalityInput." + expected);
    }

    static void requirePresent(String key, ModalityInput value) {
        if (value == null) {
            throw new IllegalArgumentException(key + ": the sample has no value for this modality");
        }
    }
}
