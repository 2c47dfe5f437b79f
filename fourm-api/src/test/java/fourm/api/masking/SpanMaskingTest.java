package fourm.api.masking;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class SpanMaskingTest {
    private static final SpecialTokens SP = SpecialTokens.REFERENCE;
    private static final int SEEDS = 2_000;

    /** Checks the sentinel structure of one masking and that merging gives the sequence back. */
    static void assertWellFormed(int[] seq, SpanMasking.Spans s) {
        int[] input = s.input();
        int[] target = s.target();
        // Input sentinels are [S_1], [S_2], ... in order.
        int k = 0;
        for (int id : input) {
            if (SP.isSentinel(id)) {
                k++;
                assertThat(id).as("input sentinel %s of %s", k, Arrays.toString(input)).isEqualTo(SP.sentinel(k));
            }
        }
        // Target = [S_1] span [S_2] span ... [S_k] span [S_k+1], spans non-empty.
        int[] pos = s.targetSentinelPos();
        assertThat(pos).hasSize(k + 1);
        for (int j = 0; j < pos.length; j++) {
            assertThat(target[pos[j]]).isEqualTo(SP.sentinel(j + 1));
            int spanEnd = j + 1 < pos.length ? pos[j + 1] : target.length;
            if (j + 1 < pos.length) {
                assertThat(spanEnd - pos[j]).as("span %s is non-empty", j + 1).isGreaterThan(1);
            } else {
                assertThat(pos[j]).as("closing sentinel is last").isEqualTo(target.length - 1);
            }
        }
        assertThat(pos[0]).isZero();
        long targetSentinels = Arrays.stream(target).filter(SP::isSentinel).count();
        assertThat(targetSentinels).isEqualTo(k + 1);
        // Merging the spans back gives the original.
        assertThat(SpanMasking.merge(input, target, SP)).containsExactly(seq);
        assertThat(input.length - k + target.length - (k + 1)).isEqualTo(seq.length);
    }

    @ParameterizedTest
    @EnumSource(KeepScheme.class)
    void spansAreWellFormedForEveryKeepScheme(KeepScheme keep) {
        SplittableRandom rng = new SplittableRandom(keep.ordinal());
        for (int i = 0; i < SEEDS; i++) {
            int[] seq = rng.ints(rng.nextInt(0, 80), 300, 30000).toArray();
            SpanMasking.Spans s = SpanMasking.mask(seq, keep.sample(rng), rng, SP);
            assertWellFormed(seq, s);
        }
    }

    @Test
    void keepAllAndKeepNothingAreTheExtremes() {
        int[] seq = {300, 301, 302, 303, 304};
        SpanMasking.Spans all = SpanMasking.mask(seq, 1.0, new SplittableRandom(1), SP);
        assertThat(all.input()).containsExactly(seq);
        assertThat(all.target()).containsExactly(SP.sentinel(1));
        SpanMasking.Spans none = SpanMasking.mask(seq, 0.0, new SplittableRandom(1), SP);
        assertThat(none.input()).containsExactly(SP.sentinel(1));
        assertThat(none.target()).containsExactly(5, 300, 301, 302, 303, 304, 6);
    }

    @ParameterizedTest
    @EnumSource(KeepScheme.class)
    void theBudgetLoopShrinksTheInputUntilItFits(KeepScheme keep) {
        SplittableRandom rng = new SplittableRandom(100 + keep.ordinal());
        for (int i = 0; i < SEEDS; i++) {
            int[] seq = rng.ints(rng.nextInt(1, 60), 300, 30000).toArray();
            int budget = rng.nextInt(0, seq.length + 3);
            SpanMasking.Spans s = SpanMasking.maskToBudget(chunks(seq), keep.sample(rng), budget, rng, SP);
            assertThat(s.input().length).isLessThanOrEqualTo(budget);
            if (budget == 0) {
                assertThat(s.input()).isEmpty();
                int[] expected = new int[seq.length + 2];
                expected[0] = SP.sentinel(1);
                System.arraycopy(seq, 0, expected, 1, seq.length);
                expected[seq.length + 1] = SP.sentinel(2);
                assertThat(s.target()).containsExactly(expected);
            } else {
                assertWellFormed(seq, s);
            }
        }
    }

    @Test
    void truncationLeavesASentinelInitialWindowOfAtMostTheBudget() {
        SplittableRandom rng = new SplittableRandom(9);
        int truncated = 0;
        int suffixFallbacks = 0;
        for (int i = 0; i < SEEDS * 2; i++) {
            int[] seq = rng.ints(rng.nextInt(1, 60), 300, 30000).toArray();
            SpanMasking.Spans s = SpanMasking.mask(seq, rng.nextDouble(), rng, SP);
            int budget = rng.nextInt(1, s.target().length + 2);
            int[] w = SpanMasking.truncationWindow(s, budget, rng);
            int n = s.target().length;
            assertThat(w[0]).isBetween(0, n);
            assertThat(w[1] - w[0]).isBetween(1, budget);
            if (n <= budget) {
                assertThat(w).containsExactly(0, n);
                continue;
            }
            truncated++;
            int[] pos = s.targetSentinelPos();
            assertThat(Arrays.stream(pos).anyMatch(p -> p == w[0])).as("window starts at a sentinel").isTrue();
            assertThat(w[0]).as("never at the closing sentinel").isNotEqualTo(pos[pos.length - 1]);
            if (w[1] - w[0] < budget) {
                suffixFallbacks++;
                assertThat(w[1]).as("a short window is a suffix").isEqualTo(n);
                // ...from the earliest sentinel whose suffix fits.
                for (int p : pos) {
                    if (p < w[0]) {
                        assertThat(n - p).isGreaterThan(budget);
                    }
                }
            }
        }
        assertThat(truncated).isGreaterThan(SEEDS / 2);
        assertThat(suffixFallbacks).isPositive();
    }

    @Test
    void chunksAreKeptOrDroppedWhole() {
        SplittableRandom rng = new SplittableRandom(12);
        for (int i = 0; i < SEEDS; i++) {
            List<int[]> chunks = new ArrayList<>();
            int next = 300;
            for (int c = rng.nextInt(0, 15); c > 0; c--) {
                int[] chunk = new int[rng.nextInt(1, 4)];
                for (int j = 0; j < chunk.length; j++) {
                    chunk[j] = next++;
                }
                chunks.add(chunk);
            }
            SpanMasking.Spans s = SpanMasking.maskChunks(chunks, rng.nextDouble(), rng, SP);
            int[] flat = SpanMasking.flatten(chunks);
            assertWellFormed(flat, s);
            for (int[] chunk : chunks) {
                long inInput = Arrays.stream(chunk).filter(t -> contains(s.input(), t)).count();
                assertThat(inInput).as("chunk %s", Arrays.toString(chunk)).isIn(0L, (long) chunk.length);
            }
            // A run of dropped chunks is a single span: sentinels never follow each other in the input.
            for (int j = 1; j < s.input().length; j++) {
                assertThat(SP.isSentinel(s.input()[j]) && SP.isSentinel(s.input()[j - 1])).isFalse();
            }
        }
    }

    private static boolean contains(int[] a, int v) {
        return Arrays.stream(a).anyMatch(x -> x == v);
    }

    static List<int[]> chunks(int[] seq) {
        List<int[]> out = new ArrayList<>();
        for (int t : seq) {
            out.add(new int[] {t});
        }
        return out;
    }
}
