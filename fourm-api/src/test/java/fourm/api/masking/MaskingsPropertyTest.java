package fourm.api.masking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fourm.api.MaskingPolicy;
import fourm.api.TokenLayout;
import fourm.api.layout.Layouts;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Properties of the kit's maskings on random sizes, budgets and values. */
class MaskingsPropertyTest {
    private static final SpecialTokens SP = SpecialTokens.REFERENCE;
    private static final int CASES = 400;

    @Test
    void randomTokensOverAGridRespectBudgetsAndKeepInputsAndTargetsApart() {
        SplittableRandom cases = new SplittableRandom(11);
        for (int c = 0; c < CASES; c++) {
            int rows = 1 + cases.nextInt(20);
            int cols = 1 + cases.nextInt(20);
            if (c % 3 == 0) {
                cols = rows + 1 + cases.nextInt(5); // never square
            }
            TokenLayout layout = Layouts.imageTokens(rows, cols);
            TokenMasking m = Maskings.randomTokens(layout);
            int n = rows * cols;
            int[] ids = cases.ints(n, 0, 1000).toArray();
            int in = cases.nextInt(n + 1);
            int tgt = cases.nextInt(m.targetCap(in) + 1);
            assertThat(m.targetCap(in)).isEqualTo(n - in);
            ModalityInput value = new ModalityInput.Grid(ids);
            m.check("g", value);
            ModalitySample s = m.mask("g", value, in, tgt, null, SP, new SplittableRandom(c));
            String what = rows + "x" + cols + " in " + in + " tgt " + tgt;
            assertThat(s.length()).as(what).isEqualTo(layout.length());
            assertThat(s.inputCount()).as(what).isEqualTo(in);
            assertThat(s.targetCount()).as(what).isEqualTo(tgt);
            int first = -1;
            for (int p = 0; p < n; p++) {
                if (!s.inputMask()[p] && !s.targetMask()[p]) {
                    throw new AssertionError(what + ": position " + p + " is input and target");
                }
                if (first < 0 && !s.targetMask()[p]) {
                    first = p;
                }
            }
            assertThat(s.ids()).as(what).containsExactly(Arrays.stream(ids).asLongStream().toArray());
            int[] dam = s.decoderAttentionMask();
            assertThat(Arrays.stream(dam).sum()).as(what).isEqualTo(tgt);
            if (tgt > 0) {
                assertThat(dam[first]).as(what).isEqualTo(tgt);
            }
            ModalitySample again = m.mask("g", value, in, tgt, null, SP, new SplittableRandom(c));
            assertThat(Arrays.equals(again.inputMask(), s.inputMask())
                    && Arrays.equals(again.targetMask(), s.targetMask())).as("same stream, same sample").isTrue();
        }
    }

    @Test
    void randomTokensOverNonSquarePixelsCarryTheImage() {
        SplittableRandom cases = new SplittableRandom(12);
        for (int c = 0; c < 200; c++) {
            int rows = 1 + cases.nextInt(4);
            int cols = rows + 1 + cases.nextInt(4);
            int patch = 1 + cases.nextInt(4);
            TokenLayout layout = Layouts.pixelPatches(rows, cols, patch, 3);
            TokenMasking m = Maskings.of(MaskingPolicy.RANDOM_TOKENS, layout);
            float[] v = new float[3 * rows * patch * cols * patch];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) cases.nextGaussian();
            }
            ModalityInput px = new ModalityInput.Pixels(v, new int[] {3, rows * patch, cols * patch});
            m.check("px", px);
            int in = cases.nextInt(rows * cols + 1);
            ModalitySample s = m.mask("px", px, in, 0, null, SP, new SplittableRandom(c));
            assertThat(s.isDiscrete()).isFalse();
            assertThat(s.values()).containsExactly(v);
            assertThat(s.valueShape()).containsExactly(layout.valueShape());
            assertThat(s.inputCount()).isEqualTo(in);
            ModalitySample empty = m.empty("px");
            assertThat(empty.values()).hasSize(v.length);
            assertThat(empty.inputCount() + empty.targetCount()).isZero();
            ModalityInput transposed = new ModalityInput.Pixels(v, new int[] {3, cols * patch, rows * patch});
            assertThatThrownBy(() -> m.check("px", transposed)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("px").hasMessageContaining("expected");
        }
    }

    @Test
    void spanMaskingRespectsBudgetsWithWellFormedSentinels() {
        SplittableRandom cases = new SplittableRandom(13);
        int merged = 0;
        for (int c = 0; c < CASES; c++) {
            int maxTokens = 1 + cases.nextInt(64);
            TokenLayout layout = Layouts.tokenSequence(maxTokens, maxTokens, false);
            TokenMasking m = Maskings.span(layout);
            int[] ids = cases.ints(cases.nextInt(maxTokens + 8), 300, 30000).toArray();
            int[] full = SpanMasking.withEos(ids, maxTokens, SP);
            int in = cases.nextInt(maxTokens + 1);
            int tgt = cases.nextInt(maxTokens + 1);
            KeepScheme keep = KeepScheme.values()[cases.nextInt(3)];
            ModalityInput value = new ModalityInput.Tokens(ids);
            m.check("t", value);
            ModalitySample s = m.mask("t", value, in, tgt, keep, SP, new SplittableRandom(c));
            String what = "max " + maxTokens + " len " + ids.length + " in " + in + " tgt " + tgt + " " + keep;
            assertThat(s.length()).isEqualTo(layout.length()).isEqualTo((maxTokens + 1) * 2);
            assertThat(s.inputCount()).as(what).isLessThanOrEqualTo(in);
            assertThat(s.targetCount()).as(what).isLessThanOrEqualTo(tgt);
            int[] input = positions(s, true);
            int[] target = positions(s, false);
            for (int p = 0; p < s.length(); p++) {
                if (!s.inputMask()[p] && !s.targetMask()[p]) {
                    throw new AssertionError(what + ": position " + p + " is input and target");
                }
            }
            // inputs from position 0, targets from the input budget on, with decoder attention 1
            for (int i = 0; i < input.length; i++) {
                if (s.inputMask()[i]) {
                    throw new AssertionError(what + ": input position " + i + " is not an input");
                }
            }
            for (int j = 0; j < target.length; j++) {
                if (s.targetMask()[in + j] || s.decoderAttentionMask()[in + j] != 1) {
                    throw new AssertionError(what + ": target position " + (in + j) + " is not a target");
                }
            }
            assertSentinelsWellFormed(input, target, what);
            int sentinels = (int) Arrays.stream(input).filter(SP::isSentinel).count();
            if (in == 0) {
                assertThat(input).as(what).isEmpty();
                if (tgt >= full.length + 2) {
                    // everything is target: [S_1] sequence [S_2]
                    int[] whole = concat(concat(new int[] {SP.sentinel(1)}, full), new int[] {SP.sentinel(2)});
                    assertThat(target).as(what).containsExactly(whole);
                }
            } else if (target.length > 0 && target[0] == SP.sentinel(1)
                    && target[target.length - 1] == SP.sentinel(sentinels + 1)) {
                // nothing was cut: input and target merge back into the sequence with [EOS]
                assertThat(SpanMasking.merge(input, target, SP)).as(what).containsExactly(full);
                merged++;
            }
            // every token of the input and the target comes from the sequence or is a sentinel
            for (int id : concat(input, target)) {
                assertThat(SP.isSentinel(id) || contains(full, id)).as(what).isTrue();
            }
        }
        assertThat(merged).as("samples whose whole target fit its budget").isGreaterThan(CASES / 10);
    }

    @Test
    void chunkSpanKeepsChunksWhole() {
        SplittableRandom cases = new SplittableRandom(14);
        for (int c = 0; c < CASES; c++) {
            int maxTokens = 2 + cases.nextInt(60);
            TokenMasking m = Maskings.chunkSpan(Layouts.tokenSequence(maxTokens, maxTokens, false));
            List<int[]> chunks = new ArrayList<>();
            int next = 300;
            for (int k = cases.nextInt(maxTokens / 2 + 2); k > 0; k--) {
                chunks.add(new int[] {next++, next++});
            }
            int in = cases.nextInt(maxTokens + 1);
            int tgt = cases.nextInt(maxTokens + 1);
            ModalityInput value = new ModalityInput.Chunks(chunks);
            m.check("meta", value);
            ModalitySample s = m.mask("meta", value, in, tgt, KeepScheme.RANDOM, SP, new SplittableRandom(c));
            String what = "max " + maxTokens + " chunks " + chunks.size() + " in " + in + " tgt " + tgt;
            assertThat(s.inputCount()).as(what).isLessThanOrEqualTo(in);
            assertThat(s.targetCount()).as(what).isLessThanOrEqualTo(tgt);
            int[] input = positions(s, true);
            int[] target = positions(s, false);
            assertSentinelsWellFormed(input, target, what);
            // a chunk's first id (even) is always followed by its second (odd) in the input, and in the target
            // unless the target was cut right after it
            for (int[] seq : new int[][] {input, target}) {
                for (int i = 0; i < seq.length; i++) {
                    if (seq[i] >= 300 && seq[i] % 2 == 0) {
                        assertThat(i + 1 == seq.length && seq == target || i + 1 < seq.length
                                && seq[i + 1] == seq[i] + 1).as("%s: chunk of %s split", what, seq[i]).isTrue();
                    }
                    if (seq[i] >= 300 && seq[i] % 2 == 1) {
                        assertThat(i > 0 && seq[i - 1] == seq[i] - 1 || i == 0 && seq == target)
                                .as("%s: chunk of %s split", what, seq[i]).isTrue();
                    }
                }
            }
        }
        assertThatThrownBy(() -> Maskings.chunkSpan(Layouts.tokenSequence(8, 8, false))
                .check("meta", new ModalityInput.Tokens(new int[] {1})))
                .hasMessageContaining("meta").hasMessageContaining("Chunks");
    }

    @Test
    void embeddingRowsAreKeptRowsOrZeroRowsWithinTheBudget() {
        SplittableRandom cases = new SplittableRandom(15);
        for (int c = 0; c < CASES; c++) {
            int maxTokens = 1 + cases.nextInt(40);
            int dim = 1 + cases.nextInt(6);
            TokenLayout layout = Layouts.embeddingSequence(maxTokens, dim);
            TokenMasking m = Maskings.of(MaskingPolicy.SPAN, layout);
            assertThat(m.name()).isEqualTo("embedding-rows");
            int rows = cases.nextInt(maxTokens + 3);
            float[] v = new float[rows * dim];
            for (int i = 0; i < v.length; i++) {
                v[i] = 1 + i; // distinct and never zero: a zero row is a sentinel
            }
            int in = cases.nextInt(maxTokens + 1);
            ModalityInput value = new ModalityInput.Embeddings(v, rows, dim);
            m.check("e", value);
            ModalitySample s = m.mask("e", value, in, maxTokens, KeepScheme.RANDOM, SP, new SplittableRandom(c));
            String what = "max " + maxTokens + " rows " + rows + " in " + in;
            assertThat(s.inputCount()).as(what).isLessThanOrEqualTo(in);
            assertThat(s.targetCount()).as(what).isZero();
            assertThat(m.targetCap(in)).isZero();
            int lastRow = -1;
            for (int i = 0; i < s.inputCount(); i++) {
                assertThat(s.inputMask()[i]).as(what).isFalse();
                float[] row = Arrays.copyOfRange(s.values(), i * dim, (i + 1) * dim);
                if (row[0] == 0) {
                    assertThat(row).as(what).containsOnly(0f);
                    continue;
                }
                int r = rowOf(v, dim, row);
                assertThat(r).as("%s: input row %s is a row of the value after row %s", what, i, lastRow)
                        .isGreaterThan(lastRow);
                lastRow = r;
            }
            for (int i = s.inputCount(); i < maxTokens; i++) {
                assertThat(s.inputMask()[i]).isTrue();
            }
        }
        assertThatThrownBy(() -> Maskings.embeddingRows(Layouts.embeddingSequence(4, 3))
                .fullTarget("e", new ModalityInput.Embeddings(new float[3], 1, 3), SP))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void fullInputFullTargetAndEmptyFillTheirSide() {
        TokenLayout grid = Layouts.imageTokens(2, 4);
        TokenMasking g = Maskings.randomTokens(grid);
        ModalityInput ids = new ModalityInput.Grid(new int[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertThat(g.fullInput("g", ids, SP).inputCount()).isEqualTo(8);
        ModalitySample allTarget = g.fullTarget("g", ids, SP);
        assertThat(allTarget.targetCount()).isEqualTo(8);
        assertThat(allTarget.decoderAttentionMask()[0]).isEqualTo(8);
        assertThat(g.empty("g").ids()).hasSize(8).containsOnly(0L);

        TokenMasking t = Maskings.span(Layouts.tokenSequence(5, 5, false));
        ModalityInput text = new ModalityInput.Tokens(new int[] {301, 302});
        assertThat(positions(t.fullInput("t", text, SP), true)).containsExactly(301, 302, SP.eos());
        assertThat(positions(t.fullTarget("t", text, SP), false))
                .containsExactly(SP.sentinel(1), 301, 302, SP.eos(), SP.sentinel(2));
        assertThatThrownBy(() -> Maskings.span(grid)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Maskings.randomTokens(Layouts.tokenSequence(5, 5, false)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> g.check("g", null)).hasMessageContaining("no value");
        assertThatThrownBy(() -> g.check("g", new ModalityInput.Grid(new int[7]))).hasMessageContaining("7 ids");
    }

    /** Input ids ({@code input}) or target ids, in position order. */
    private static int[] positions(ModalitySample s, boolean input) {
        boolean[] mask = input ? s.inputMask() : s.targetMask();
        return java.util.stream.IntStream.range(0, s.length()).filter(p -> !mask[p]).map(p -> (int) s.ids()[p])
                .toArray();
    }

    /**
     * Input sentinels are [S_1], [S_2], ... in order; the target is a window that starts at a sentinel, whose
     * sentinels are consecutive, and each of whose spans (but a last, cut one) is non-empty.
     */
    private static void assertSentinelsWellFormed(int[] input, int[] target, String what) {
        int k = 0;
        for (int id : input) {
            if (SP.isSentinel(id)) {
                assertThat(id).as("%s: input sentinel", what).isEqualTo(SP.sentinel(++k));
            }
        }
        if (target.length == 0) {
            return;
        }
        assertThat(SP.isSentinel(target[0])).as("%s: the target starts at a sentinel", what).isTrue();
        int prev = -1;
        for (int i = 0; i < target.length; i++) {
            if (SP.isSentinel(target[i])) {
                if (prev >= 0) {
                    assertThat(target[i]).as("%s: consecutive target sentinels", what).isEqualTo(target[prev] + 1);
                    assertThat(i - prev).as("%s: a span between sentinels is non-empty", what).isGreaterThan(1);
                }
                prev = i;
            }
        }
        int last = target[prev] - SP.firstSentinel();
        assertThat(last).as("%s: target sentinels stay within those of the input + 1", what)
                .isLessThanOrEqualTo(Math.max(k, 1) + 1);
    }

    private static int rowOf(float[] v, int dim, float[] row) {
        for (int r = 0; r * dim < v.length; r++) {
            if (Arrays.equals(Arrays.copyOfRange(v, r * dim, (r + 1) * dim), row)) {
                return r;
            }
        }
        return -1;
    }

    private static boolean contains(int[] a, int v) {
        return Arrays.stream(a).anyMatch(x -> x == v);
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
