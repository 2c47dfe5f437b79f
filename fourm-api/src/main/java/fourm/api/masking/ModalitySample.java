package fourm.api.masking;

import java.util.Arrays;
import java.util.Objects;

/**
 * One modality of one masked sample: the per-sample slice of a masked batch, as a
 * {@link TokenMasking} writes it.
 *
 * @param key                  modality key
 * @param length               L: positions (grid size, {@code (max_tokens+1)*2} for token sequences, max tokens for
 *                             embedding sequences)
 * @param ids                  L token ids for discrete kinds; empty for value kinds
 * @param values               pixel or embedding values for value kinds; empty otherwise
 * @param valueShape           shape of {@code values} without the batch dimension ({@code [C,H,W]} or
 *                             {@code [L, dim]}); empty for discrete kinds
 * @param inputMask            L flags, true where the position is NOT an encoder input
 * @param targetMask           L flags, true where the position is NOT a decoder target
 * @param decoderAttentionMask L ints: grids hold the target count at the first target position, sequences 1 on every
 *                             target position
 */
public record ModalitySample(String key, int length, long[] ids, float[] values, int[] valueShape,
                             boolean[] inputMask, boolean[] targetMask, int[] decoderAttentionMask) {

    /** Checks every array has the size its length and shape say. */
    public ModalitySample {
        Objects.requireNonNull(key, "key");
        if (inputMask.length != length || targetMask.length != length || decoderAttentionMask.length != length) {
            throw new IllegalArgumentException(key + ": masks must have " + length + " entries");
        }
        if (ids.length > 0 && values.length > 0) {
            throw new IllegalArgumentException(key + ": holds both ids and values");
        }
        if (ids.length > 0 && ids.length != length) {
            throw new IllegalArgumentException(key + ": " + ids.length + " ids, expected " + length);
        }
        long size = 1;
        for (int d : valueShape) {
            size *= d;
        }
        if (values.length > 0 && size != values.length) {
            throw new IllegalArgumentException(key + ": values of shape " + Arrays.toString(valueShape) + " hold "
                    + values.length + " numbers");
        }
    }

    /** True when this modality holds token ids. */
    public boolean isDiscrete() {
        return ids.length > 0;
    }

    /** Number of encoder input positions. */
    public int inputCount() {
        int n = 0;
        for (boolean m : inputMask) {
            n += m ? 0 : 1;
        }
        return n;
    }

    /** Number of decoder target positions. */
    public int targetCount() {
        int n = 0;
        for (boolean m : targetMask) {
            n += m ? 0 : 1;
        }
        return n;
    }
}
