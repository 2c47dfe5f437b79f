package fourm.api.masking;

import fourm.api.TokenLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * T5 span masking of a token sequence, token by token or chunk by chunk (see {@link Maskings#span(TokenLayout)} and
 * {@link Maskings#chunkSpan(TokenLayout)}). A value: equal layouts give equal maskings.
 */
record SpanTokenMasking(TokenLayout layout, boolean chunked) implements TokenMasking {

    @Override
    public String name() {
        return chunked ? "chunk-span" : "span";
    }

    @Override
    public boolean usesKeepScheme() {
        return true;
    }

    @Override
    public int targetCap(int inputBudget) {
        return layout.maxTokens();
    }

    @Override
    public void check(String key, ModalityInput value) {
        Maskings.requirePresent(key, value);
        if (chunked ? !(value instanceof ModalityInput.Chunks) : !(value instanceof ModalityInput.Tokens)) {
            throw Maskings.wrongType(key, this, value, chunked ? "Chunks" : "Tokens");
        }
    }

    @Override
    public ModalitySample mask(String key, ModalityInput value, int inputBudget, int targetBudget, KeepScheme keep,
                               SpecialTokens special, SplittableRandom rng) {
        List<int[]> chunks = chunks(value, special);
        double keepProb = inputBudget > 0 ? keep.sample(rng) : 0;
        SpanMasking.Spans spans = SpanMasking.maskToBudget(chunks, keepProb, inputBudget, rng, special);
        int[] window = SpanMasking.truncationWindow(spans, targetBudget, rng);
        int[] target = Arrays.copyOfRange(spans.target(), window[0], window[1]);
        return Maskings.sequence(key, layout, spans.input(), target, inputBudget, special);
    }

    @Override
    public ModalitySample fullInput(String key, ModalityInput value, SpecialTokens special) {
        int[] seq = SpanMasking.flatten(chunks(value, special));
        return Maskings.sequence(key, layout, seq, new int[0], layout.maxTokens(), special);
    }

    @Override
    public ModalitySample fullTarget(String key, ModalityInput value, SpecialTokens special) {
        int[] seq = SpanMasking.flatten(chunks(value, special));
        int[] target = SpanMasking.allTarget(seq, special).target();
        return Maskings.sequence(key, layout, new int[0], target, layout.maxTokens(), special);
    }

    @Override
    public ModalitySample empty(String key) {
        return Maskings.empty(key, layout);
    }

    /** The sequence with {@code [EOS]} as chunks (one token per chunk for token-level span masking). */
    private List<int[]> chunks(ModalityInput value, SpecialTokens special) {
        if (chunked) {
            return SpanMasking.chunksWithEos(((ModalityInput.Chunks) value).chunks(), layout.maxTokens(), special);
        }
        int[] seq = SpanMasking.withEos(((ModalityInput.Tokens) value).ids(), layout.maxTokens(), special);
        List<int[]> chunks = new ArrayList<>(seq.length);
        for (int t : seq) {
            chunks.add(new int[] {t});
        }
        return chunks;
    }

    @Override
    public String toString() {
        return name() + " over " + layout.name();
    }
}
