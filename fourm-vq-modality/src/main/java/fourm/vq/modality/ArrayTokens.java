package fourm.vq.modality;

import java.util.Arrays;
import java.util.List;

/**
 * A modality whose plugin tokenizes one part of its values with a tokenizer that reads arrays of numbers, not
 * images: the reference's pose tokenizer inside {@code human_poses} (207 body-pose values to 8 tokens), its SAM mask
 * tokenizer inside {@code sam_instance} (a 64 x 64 binary mask to 16 tokens). {@code fourm tokenize --input FILE}
 * and {@code fourm detokenize --out FILE} go through it; the plugin says what one item is and how its values map to
 * the network's tensors and back. The provider of such a modality implements {@link ArrayTokensProvider}.
 *
 * <p>Units: natural values are what a person has (a body pose's rotation entries, a 0/1 mask); model units are the
 * network's tensors as the reference's tokenizer takes and gives them ({@code [N, C, S, S]}, decoded as its raw
 * output, for example mask logits).
 */
public interface ArrayTokens extends AutoCloseable {
    /**
     * A row-major array of numbers.
     *
     * @param shape its dimensions, each at least 1
     * @param data  the product of the dimensions values
     */
    record Array(int[] shape, float[] data) {
        /** Checks that the data fill the shape. */
        public Array {
            long n = 1;
            for (int d : shape) {
                if (d < 1) {
                    throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has an empty dimension");
                }
                n *= d;
            }
            if (n != data.length) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n + " values, got "
                        + data.length);
            }
        }
    }

    /** The modality key. */
    String key();

    /** One item's shape in natural units ({@code [207]} for a body pose, {@code [64, 64]} for a mask). */
    int[] itemShape();

    /** One item's shape in model units, the network's input ({@code [207, 1, 1]}, {@code [1, 64, 64]}). */
    int[] modelItemShape();

    /** What one item is, for messages ({@code a body pose of 207 values}). */
    String item();

    /**
     * The token ids of every item of an array: one item, or {@code [N, ...]} items, in the item shape of the units
     * (in model units also {@code [N, C, S, S]}).
     *
     * @throws IllegalArgumentException naming the item and the index for a shape or a value the tokenizer cannot take
     */
    List<int[]> encode(Array values, boolean modelUnits);

    /**
     * The decoded items of token id sequences: {@code [N, item shape]} in natural units, the network's output
     * {@code [N, C', S, S]} in model units.
     *
     * @throws IllegalArgumentException naming the sequence for a wrong number of ids or an id outside the codebook
     */
    Array decode(List<int[]> ids, boolean modelUnits);

    /** Frees the tokenizer's network if it was loaded. */
    @Override
    void close();

    /**
     * An {@link ArrayTokens} that hands every call to another, {@link #arrays()}: what a plugin's modality record
     * implements beside {@link fourm.api.Modality} (it still names its {@code key()}, which both declare).
     */
    interface Delegating extends ArrayTokens {
        /** The tokenizer of arrays every call goes to. */
        ArrayTokens arrays();

        @Override
        default int[] itemShape() {
            return arrays().itemShape();
        }

        @Override
        default int[] modelItemShape() {
            return arrays().modelItemShape();
        }

        @Override
        default String item() {
            return arrays().item();
        }

        @Override
        default List<int[]> encode(Array values, boolean modelUnits) {
            return arrays().encode(values, modelUnits);
        }

        @Override
        default Array decode(List<int[]> ids, boolean modelUnits) {
            return arrays().decode(ids, modelUnits);
        }

        @Override
        default void close() {
            arrays().close();
        }
    }

    /**
     * How many items of {@code item} shape an array holds: the array is one item or {@code [N, ...item]}.
     *
     * @param item one item's shape
     * @return the count, or -1 if the array is neither
     */
    static int items(int[] shape, int[] item) {
        if (Arrays.equals(shape, item)) {
            return 1;
        }
        if (shape.length == item.length + 1 && Arrays.equals(Arrays.copyOfRange(shape, 1, shape.length), item)) {
            return shape[0];
        }
        return -1;
    }
}
