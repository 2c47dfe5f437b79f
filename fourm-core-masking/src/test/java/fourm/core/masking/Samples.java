package fourm.core.masking;

import fourm.api.MaskingPolicy;
import fourm.api.ModalityKind;
import fourm.api.ModalitySpec;
import fourm.api.masking.ModalityInput;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Random unmasked samples that fit given specifications. Sequence ids avoid the special ids (they start at 300). */
final class Samples {
    private Samples() {
    }

    static Map<String, ModalityInput> random(Map<String, ModalitySpec> specs, SplittableRandom rng) {
        Map<String, ModalityInput> out = new LinkedHashMap<>();
        for (ModalitySpec s : specs.values()) {
            out.put(s.key(), random(s, rng));
        }
        return out;
    }

    static ModalityInput random(ModalitySpec s, SplittableRandom rng) {
        if (s.kind() == ModalityKind.PIXEL_PATCHES) {
            int side = s.imageSize().getAsInt();
            float[] v = new float[3 * side * side];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) rng.nextGaussian();
            }
            return new ModalityInput.Pixels(v, new int[] {3, side, side});
        }
        if (s.kind().isImageLike()) {
            return new ModalityInput.Grid(rng.ints(s.maxTokens(), 0, s.vocabSize().getAsInt()).toArray());
        }
        if (s.kind() == ModalityKind.EMBEDDING_SEQUENCE) {
            int dim = s.valueDim().getAsInt();
            int rows = 1 + rng.nextInt(s.maxTokens());
            float[] v = new float[rows * dim];
            for (int i = 0; i < v.length; i++) {
                v[i] = 1 + rng.nextInt(1000); // never zero, so zero rows are sentinels
            }
            return new ModalityInput.Embeddings(v, rows, dim);
        }
        if (s.masking() == MaskingPolicy.CHUNK_SPAN) {
            List<int[]> chunks = new ArrayList<>();
            int n = rng.nextInt(s.maxTokens() / 2 + 2);
            int next = 300;
            for (int c = 0; c < n; c++) {
                chunks.add(new int[] {next++, next++}); // unique ids: which chunk a token came from is known
            }
            return new ModalityInput.Chunks(chunks);
        }
        int len = rng.nextInt(s.maxTokens() + 5);
        return new ModalityInput.Tokens(rng.ints(len, 300, 30000).toArray());
    }
}
