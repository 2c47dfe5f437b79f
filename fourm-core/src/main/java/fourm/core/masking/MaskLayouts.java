package fourm.core.masking;

import fourm.api.MaskingPolicy;
import fourm.api.ModalityKind;
import fourm.api.ModalitySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The per-modality tensor layouts of golden/README.md §4, shared by the masking strategies: how long a modality's
 * tensor is, how a grid, a sequence or an embedding sequence is written, and what an empty modality looks like.
 */
final class MaskLayouts {
    /** Fake ids for span masking over embedding rows: sentinels below ROW_BASE, rows at ROW_BASE + r. */
    private static final int ROW_BASE = 1 << 20;
    private static final SpecialTokens ROW_SPECIALS = new SpecialTokens(0, 1, 2, ROW_BASE - 2);

    private MaskLayouts() {
    }

    /** L: grid size, {@code (max_tokens+1)*2} for token sequences, max tokens for embedding sequences. */
    static int length(ModalitySpec spec) {
        return spec.kind() == ModalityKind.TOKEN_SEQUENCE ? (spec.maxTokens() + 1) * 2 : spec.maxTokens();
    }

    /** The value shape of one sample of a value kind: {@code [C, H, W]} or {@code [L, dim]}. */
    static int[] valueShape(ModalitySpec spec) {
        int dim = spec.valueDim().orElseThrow();
        if (spec.kind() == ModalityKind.PIXEL_PATCHES) {
            int side = spec.imageSize().orElseThrow();
            return new int[] {dim, side, side};
        }
        return new int[] {spec.maxTokens(), dim};
    }

    /** A modality that is neither input nor target: zeros, every mask true. */
    static ModalitySample empty(ModalitySpec spec) {
        int len = length(spec);
        boolean[] in = new boolean[len];
        boolean[] tgt = new boolean[len];
        Arrays.fill(in, true);
        Arrays.fill(tgt, true);
        if (spec.kind().isDiscrete()) {
            return new ModalitySample(spec.key(), len, new long[len], new float[0], new int[0], in, tgt, new int[len]);
        }
        int[] shape = valueShape(spec);
        return new ModalitySample(spec.key(), len, new long[0], new float[(int) size(shape)], shape, in, tgt,
                new int[len]);
    }

    /**
     * A grid (image tokens, global tokens) or pixel modality: positions {@code perm[0, in)} are inputs and
     * {@code perm[in, in+tgt)} targets; the target count sits at the lowest target position.
     */
    static ModalitySample grid(ModalitySpec spec, ModalityInput value, int[] perm, int inputs, int targets) {
        int n = spec.maxTokens();
        boolean[] in = new boolean[n];
        boolean[] tgt = new boolean[n];
        int[] dam = new int[n];
        Arrays.fill(in, true);
        Arrays.fill(tgt, true);
        for (int i = 0; i < inputs; i++) {
            in[perm[i]] = false;
        }
        int first = n;
        for (int i = inputs; i < inputs + targets; i++) {
            tgt[perm[i]] = false;
            first = Math.min(first, perm[i]);
        }
        if (targets > 0) {
            dam[first] = targets;
        }
        if (spec.kind() == ModalityKind.PIXEL_PATCHES) {
            ModalityInput.Pixels px = (ModalityInput.Pixels) value;
            return new ModalitySample(spec.key(), n, new long[0], px.values().clone(), px.shape().clone(), in, tgt,
                    dam);
        }
        int[] ids = ((ModalityInput.Grid) value).ids();
        long[] tensor = new long[n];
        for (int i = 0; i < n; i++) {
            tensor[i] = ids[i];
        }
        return new ModalitySample(spec.key(), n, tensor, new float[0], new int[0], in, tgt, dam);
    }

    /** The first {@code count} entries of a uniformly random permutation of {@code [0, n)} (partial Fisher-Yates). */
    static int[] permutationPrefix(int n, int count, SplittableRandom rng) {
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

    /**
     * A token sequence: input ids at {@code [0, input.length)}, target ids at
     * {@code [targetOffset, targetOffset + target.length)} with decoder attention 1, PAD elsewhere.
     */
    static ModalitySample sequence(ModalitySpec spec, int[] input, int[] target, int targetOffset,
                                   SpecialTokens special) {
        int len = length(spec);
        if (input.length > targetOffset && target.length > 0 || targetOffset + target.length > len) {
            throw new IllegalStateException(spec.key() + ": input of " + input.length + " and target of "
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
        return new ModalitySample(spec.key(), len, ids, new float[0], new int[0], in, tgt, dam);
    }

    /**
     * An embedding sequence as input: span-masks the rows with the budget loop; kept rows are copied, each sentinel
     * becomes a zero row; the input rows come first in a {@code [max_tokens, dim]} tensor.
     */
    static ModalitySample embeddings(ModalitySpec spec, ModalityInput.Embeddings e, double keepProb, int budget,
                                     SplittableRandom rng) {
        int rows = Math.min(e.rows(), spec.maxTokens());
        int[] input;
        if (budget <= 0) {
            input = new int[0];
        } else {
            List<int[]> chunks = new ArrayList<>(rows);
            for (int r = 0; r < rows; r++) {
                chunks.add(new int[] {ROW_BASE + r});
            }
            input = SpanMasking.maskToBudget(chunks, keepProb, budget, rng, ROW_SPECIALS).input();
        }
        return embeddingRows(spec, e, input);
    }

    /** Every valid row of an embedding sequence as input. */
    static ModalitySample allEmbeddings(ModalitySpec spec, ModalityInput.Embeddings e) {
        int rows = Math.min(e.rows(), spec.maxTokens());
        int[] input = new int[rows];
        for (int r = 0; r < rows; r++) {
            input[r] = ROW_BASE + r;
        }
        return embeddingRows(spec, e, input);
    }

    private static ModalitySample embeddingRows(ModalitySpec spec, ModalityInput.Embeddings e, int[] input) {
        int len = spec.maxTokens();
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
        return new ModalitySample(spec.key(), len, new long[0], values, new int[] {len, dim}, in, tgt,
                new int[len]);
    }

    /** A token sequence with {@code [EOS]} appended, cut to max tokens (the EOS is lost when the text is too long). */
    static int[] withEos(ModalitySpec spec, int[] ids, SpecialTokens special) {
        int n = Math.min(ids.length + 1, spec.maxTokens());
        int[] out = Arrays.copyOf(ids, n);
        if (ids.length < n) {
            out[ids.length] = special.eos();
        }
        return out;
    }

    /** Chunks with {@code [EOS]} as a chunk of its own; trailing chunks are dropped until the total fits. */
    static List<int[]> chunksWithEos(ModalitySpec spec, List<int[]> chunks, SpecialTokens special) {
        List<int[]> all = new ArrayList<>(chunks);
        all.add(new int[] {special.eos()});
        List<int[]> kept = new ArrayList<>();
        int total = 0;
        for (int[] c : all) {
            if (total + c.length > spec.maxTokens()) {
                break;
            }
            kept.add(c);
            total += c.length;
        }
        return kept;
    }

    /** The sequence of a span or chunk-span modality as chunks (one token per chunk for span masking). */
    static List<int[]> sequenceChunks(ModalitySpec spec, ModalityInput value, SpecialTokens special) {
        if (spec.masking() == MaskingPolicy.CHUNK_SPAN) {
            return chunksWithEos(spec, ((ModalityInput.Chunks) value).chunks(), special);
        }
        int[] seq = withEos(spec, ((ModalityInput.Tokens) value).ids(), special);
        List<int[]> chunks = new ArrayList<>(seq.length);
        for (int t : seq) {
            chunks.add(new int[] {t});
        }
        return chunks;
    }

    /**
     * Checks a value against its specification.
     *
     * @throws IllegalArgumentException naming the modality and what was expected
     */
    static void check(ModalitySpec spec, ModalityInput value) {
        String key = spec.key();
        if (value == null) {
            throw new IllegalArgumentException(key + ": the sample has no value for this modality");
        }
        switch (spec.kind()) {
            case IMAGE_TOKENS:
            case GLOBAL_TOKENS:
                if (!(value instanceof ModalityInput.Grid)) {
                    throw wrongType(spec, value, "Grid");
                }
                int n = ((ModalityInput.Grid) value).ids().length;
                if (n != spec.maxTokens()) {
                    throw new IllegalArgumentException(key + ": grid of " + n + " ids, expected " + spec.maxTokens());
                }
                break;
            case PIXEL_PATCHES:
                if (!(value instanceof ModalityInput.Pixels)) {
                    throw wrongType(spec, value, "Pixels");
                }
                int[] shape = ((ModalityInput.Pixels) value).shape();
                if (!Arrays.equals(shape, valueShape(spec))) {
                    throw new IllegalArgumentException(key + ": pixels of shape " + Arrays.toString(shape)
                            + ", expected " + Arrays.toString(valueShape(spec)));
                }
                break;
            case TOKEN_SEQUENCE:
                if (spec.masking() == MaskingPolicy.CHUNK_SPAN ? !(value instanceof ModalityInput.Chunks)
                        : !(value instanceof ModalityInput.Tokens)) {
                    throw wrongType(spec, value, spec.masking() == MaskingPolicy.CHUNK_SPAN ? "Chunks" : "Tokens");
                }
                break;
            case EMBEDDING_SEQUENCE:
                if (!(value instanceof ModalityInput.Embeddings)) {
                    throw wrongType(spec, value, "Embeddings");
                }
                int dim = ((ModalityInput.Embeddings) value).dim();
                if (dim != spec.valueDim().orElseThrow()) {
                    throw new IllegalArgumentException(key + ": embeddings of dimension " + dim + ", expected "
                            + spec.valueDim().getAsInt());
                }
                break;
            default:
                throw new AssertionError(spec.kind());
        }
    }

    private static IllegalArgumentException wrongType(ModalitySpec spec, ModalityInput value, String expected) {
        return new IllegalArgumentException(spec.key() + " (" + spec.kind().configName() + ", " + spec.masking()
                .configName() + "): got a " + value.getClass().getSimpleName() + " value, expected ModalityInput."
                + expected);
    }

    static long size(int[] shape) {
        long s = 1;
        for (int d : shape) {
            s *= d;
        }
        return s;
    }
}
