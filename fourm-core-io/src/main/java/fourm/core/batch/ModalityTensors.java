package fourm.core.batch;

import java.util.Arrays;
import java.util.Objects;

/**
 * One modality of a masked batch, row-major in host memory (no native memory: safe to keep anywhere).
 *
 * <p>Shape legend: B batch, L token positions of the modality (grid size, or (max_tokens+1)*2 for sequences),
 * C value channels.
 *
 * @param key                  modality key
 * @param batchSize            B
 * @param length               L: positions per sample (the masks are B x L)
 * @param ids                  B x L token ids for discrete kinds; empty array for value kinds
 * @param values               values for pixel and embedding kinds, shaped {@code valueShape}; empty otherwise
 * @param valueShape           shape of {@code values}, starting with B (for example B,3,224,224 or B,L,4096)
 * @param inputMask            B x L, true where the position is NOT an encoder input
 * @param targetMask           B x L, true where the position is NOT a decoder target
 * @param decoderAttentionMask B x L, the reference's compressed decoder attention mask (grids: target count at the
 *                             first target position; sequences: 1 on every target position)
 */
public record ModalityTensors(String key, int batchSize, int length, long[] ids, float[] values, int[] valueShape,
                              boolean[] inputMask, boolean[] targetMask, int[] decoderAttentionMask) {

    /** Checks that every array has the size its shape says. */
    public ModalityTensors {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(ids, "ids");
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(valueShape, "valueShape");
        int n = batchSize * length;
        if (batchSize < 1 || length < 1) {
            throw new IllegalArgumentException(key + ": batch size and length must be >= 1, got " + batchSize + " x "
                    + length);
        }
        check(key, "input_mask", inputMask.length, n);
        check(key, "target_mask", targetMask.length, n);
        check(key, "decoder_attention_mask", decoderAttentionMask.length, n);
        if (ids.length > 0) {
            check(key, "tensor (ids)", ids.length, n);
            if (values.length > 0) {
                throw new IllegalArgumentException(key + ": holds both ids and values");
            }
        } else {
            long size = 1;
            for (int d : valueShape) {
                size *= d;
            }
            if (valueShape.length == 0 || valueShape[0] != batchSize || size != values.length) {
                throw new IllegalArgumentException(key + ": values of shape " + Arrays.toString(valueShape)
                        + " hold " + values.length + " numbers, expected a shape starting with batch size "
                        + batchSize);
            }
        }
    }

    private static void check(String key, String what, int actual, int expected) {
        if (actual != expected) {
            throw new IllegalArgumentException(key + "." + what + " has " + actual + " entries, expected B x L = "
                    + expected);
        }
    }

    /** A discrete modality (token ids). */
    public static ModalityTensors ofIds(String key, int batchSize, int length, long[] ids, boolean[] inputMask,
                                        boolean[] targetMask, int[] decoderAttentionMask) {
        return new ModalityTensors(key, batchSize, length, ids, new float[0], new int[0], inputMask, targetMask,
                decoderAttentionMask);
    }

    /** A value modality (pixels or dense embeddings). */
    public static ModalityTensors ofValues(String key, int batchSize, int length, float[] values, int[] valueShape,
                                           boolean[] inputMask, boolean[] targetMask, int[] decoderAttentionMask) {
        return new ModalityTensors(key, batchSize, length, new long[0], values, valueShape, inputMask, targetMask,
                decoderAttentionMask);
    }

    /** True when this modality holds token ids. */
    public boolean isDiscrete() {
        return ids.length > 0;
    }
}
