package fourm.api.masking;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * T5-style span masking of token sequences (spec §3.2).
 *
 * <p>Each token (or chunk) is kept with probability {@code keepProb}. Every maximal run of dropped tokens becomes one
 * sentinel {@code [S_k]} (k = 1, 2, ...) in the input; the target is {@code [S_k]} followed by the run's tokens, for
 * each run, then a closing {@code [S_last+1]}. Example: {@code a b c d e} with b and d dropped gives input
 * {@code a [S_1] c [S_2] e} and target {@code [S_1] b [S_2] d [S_3]}.
 */
public final class SpanMasking {
    private SpanMasking() {
    }

    /**
     * The result of span masking.
     *
     * @param input             input ids (kept tokens and sentinels)
     * @param target            target ids ({@code [S_k]} span ... {@code [S_last+1]})
     * @param targetSentinelPos positions in {@code target} that hold a sentinel written by masking (ascending; the
     *                          last one is the closing sentinel)
     */
    public record Spans(int[] input, int[] target, int[] targetSentinelPos) {
    }

    /** Token-level span masking of {@code seq}. */
    public static Spans mask(int[] seq, double keepProb, SplittableRandom rng, SpecialTokens special) {
        List<int[]> chunks = new ArrayList<>(seq.length);
        for (int t : seq) {
            chunks.add(new int[] {t});
        }
        return maskChunks(chunks, keepProb, rng, special);
    }

    /** Chunk-level span masking: whole chunks are kept or dropped; a run of dropped chunks is one span. */
    public static Spans maskChunks(List<int[]> chunks, double keepProb, SplittableRandom rng, SpecialTokens special) {
        IntList input = new IntList();
        IntList target = new IntList();
        IntList sentinelPos = new IntList();
        int k = 1;
        boolean inSpan = false;
        for (int[] chunk : chunks) {
            boolean keep = rng.nextDouble() < keepProb;
            if (keep) {
                input.addAll(chunk);
                inSpan = false;
            } else {
                if (!inSpan) {
                    int s = special.sentinel(k++);
                    input.add(s);
                    sentinelPos.add(target.size());
                    target.add(s);
                    inSpan = true;
                }
                target.addAll(chunk);
            }
        }
        sentinelPos.add(target.size());
        target.add(special.sentinel(k));
        return new Spans(input.toArray(), target.toArray(), sentinelPos.toArray());
    }

    /**
     * Everything as target: input empty, target {@code [S_1] seq... [S_2]} (the reference's case of an input budget of
     * 0, and TransferMasking's text targets).
     */
    public static Spans allTarget(int[] seq, SpecialTokens special) {
        int[] target = new int[seq.length + 2];
        target[0] = special.sentinel(1);
        System.arraycopy(seq, 0, target, 1, seq.length);
        target[target.length - 1] = special.sentinel(2);
        return new Spans(new int[0], target, new int[] {0, target.length - 1});
    }

    /**
     * Span-masks with the reference's budget loop: while the input is longer than {@code inputBudget}, the keep
     * probability is multiplied by 0.9 and the masking redone. With an input budget of 0 everything is target.
     */
    public static Spans maskToBudget(List<int[]> chunks, double keepProb, int inputBudget, SplittableRandom rng,
                                     SpecialTokens special) {
        if (inputBudget <= 0) {
            return allTarget(flatten(chunks), special);
        }
        double p = keepProb;
        while (true) {
            Spans s = maskChunks(chunks, p, rng, special);
            if (s.input().length <= inputBudget) {
                return s;
            }
            p *= 0.9;
        }
    }

    /**
     * Cuts a target longer than {@code budget} to a window of at most {@code budget} tokens that starts at a
     * sentinel: a random sentinel other than the closing one is chosen; if fewer than {@code budget} tokens follow it,
     * the window is instead the suffix from the earliest sentinel whose suffix fits. A target that fits is returned
     * unchanged.
     *
     * @return the window as {@code [start, end)} positions of {@code spans.target()}
     */
    public static int[] truncationWindow(Spans spans, int budget, SplittableRandom rng) {
        int n = spans.target().length;
        if (n <= budget) {
            return new int[] {0, n};
        }
        if (budget <= 0) {
            return new int[] {0, 0};
        }
        int[] pos = spans.targetSentinelPos();
        int chosen = pos[rng.nextInt(pos.length - 1)];
        if (n - chosen >= budget) {
            return new int[] {chosen, chosen + budget};
        }
        for (int p : pos) {
            if (n - p <= budget) {
                return new int[] {p, n};
            }
        }
        throw new AssertionError("the closing sentinel's suffix always fits a budget >= 1");
    }

    /**
     * Reverses span masking: replaces each sentinel of {@code input} by the tokens that follow the same sentinel in
     * {@code target} (up to the next sentinel). Used by tests and by generation to rebuild a sequence.
     */
    public static int[] merge(int[] input, int[] target, SpecialTokens special) {
        IntList out = new IntList();
        for (int id : input) {
            if (!special.isSentinel(id)) {
                out.add(id);
                continue;
            }
            int at = indexOf(target, id);
            if (at < 0) {
                throw new IllegalArgumentException("sentinel " + id + " of the input is missing from the target "
                        + Arrays.toString(target));
            }
            for (int j = at + 1; j < target.length && !special.isSentinel(target[j]); j++) {
                out.add(target[j]);
            }
        }
        return out.toArray();
    }

    private static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == v) {
                return i;
            }
        }
        return -1;
    }

    /**
     * A token sequence with {@code [EOS]} appended, cut to {@code maxTokens} (the EOS is lost when the sequence is too
     * long).
     */
    public static int[] withEos(int[] ids, int maxTokens, SpecialTokens special) {
        int n = Math.min(ids.length + 1, maxTokens);
        int[] out = Arrays.copyOf(ids, n);
        if (ids.length < n) {
            out[ids.length] = special.eos();
        }
        return out;
    }

    /**
     * Chunks with {@code [EOS]} as a chunk of its own; trailing chunks are dropped until the total fits
     * {@code maxTokens}.
     */
    public static List<int[]> chunksWithEos(List<int[]> chunks, int maxTokens, SpecialTokens special) {
        List<int[]> all = new ArrayList<>(chunks);
        all.add(new int[] {special.eos()});
        List<int[]> kept = new ArrayList<>();
        int total = 0;
        for (int[] c : all) {
            if (total + c.length > maxTokens) {
                break;
            }
            kept.add(c);
            total += c.length;
        }
        return kept;
    }

    /** The chunks' tokens, in order. */
    public static int[] flatten(List<int[]> chunks) {
        IntList all = new IntList();
        for (int[] c : chunks) {
            all.addAll(c);
        }
        return all.toArray();
    }

    /** A growable int array. */
    static final class IntList {
        private int[] data = new int[16];
        private int size;

        void add(int v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }

        void addAll(int[] v) {
            for (int x : v) {
                add(x);
            }
        }

        int size() {
            return size;
        }

        int[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }
}
