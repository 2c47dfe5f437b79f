package fourm.vq.modality;

import fourm.vq.CheckpointTokenizer;
import fourm.vq.VqConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@link ArrayTokens} over a {@link CheckpointTokenizer}: items of the plugin's item shape go to the network as its
 * {@code [C, S, S]} tensor, through the plugin's conversions ({@link Conversion}). Thread-safe as the tokenizer is.
 */
public final class CheckpointArrays implements ArrayTokens {
    /** How the plugin's natural values become the network's and back. */
    public interface Conversion {
        /**
         * The network's input of one item in natural units (in place or a new array).
         *
         * @param item  the item's index, for messages
         * @throws IllegalArgumentException naming the item and the value that does not fit
         */
        float[] toModel(float[] values, int item);

        /** One item's natural value from the network's output. */
        float[] fromModel(float[] output);
    }

    /** Natural values are the network's own (a body pose's rotation entries). */
    public static final Conversion IDENTITY = new Conversion() {
        @Override
        public float[] toModel(float[] values, int item) {
            return values;
        }

        @Override
        public float[] fromModel(float[] output) {
            return output;
        }
    };

    private final String key;
    private final CheckpointTokenizer tokenizer;
    private final int[] itemShape;
    private final String item;
    private final Conversion conversion;

    /**
     * Items of {@code itemShape} (as many values as the network's {@code C x S x S} input and output).
     *
     * @throws IllegalArgumentException if the item shape does not hold the network's input or output
     */
    public CheckpointArrays(String key, CheckpointTokenizer tokenizer, int[] itemShape, String item,
                            Conversion conversion) {
        int n = Arrays.stream(itemShape).reduce(1, (a, b) -> a * b);
        if (n != tokenizer.inputSize() || n != tokenizer.outputSize()) {
            throw new IllegalArgumentException(key + ": an item of shape " + Arrays.toString(itemShape) + " holds " + n
                    + " values; the tokenizer " + tokenizer.file() + " reads " + tokenizer.inputSize() + " and writes "
                    + tokenizer.outputSize());
        }
        this.key = key;
        this.tokenizer = tokenizer;
        this.itemShape = itemShape.clone();
        this.item = item;
        this.conversion = conversion;
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public int[] itemShape() {
        return itemShape.clone();
    }

    @Override
    public int[] modelItemShape() {
        VqConfig c = tokenizer.config();
        return new int[] {c.channels(), c.imageSize(), c.imageSize()};
    }

    @Override
    public String item() {
        return item;
    }

    private int tokensPerItem() {
        return tokenizer.config().tokensPerImage();
    }

    @Override
    public List<int[]> encode(Array values, boolean modelUnits) {
        int[] shape = modelUnits ? modelItemShape() : itemShape;
        int n = ArrayTokens.items(values.shape(), shape);
        if (n < 1) {
            throw new IllegalArgumentException(key + ": an array of shape " + Arrays.toString(values.shape())
                    + "; expected one item " + Arrays.toString(shape) + " or [N, " + Arrays.toString(shape)
                    .substring(1) + " (" + item + (modelUnits ? ", in model units" : "") + ")");
        }
        int per = tokenizer.inputSize();
        float[] in = values.data().clone();
        if (!modelUnits) {
            for (int i = 0; i < n; i++) {
                float[] one = conversion.toModel(Arrays.copyOfRange(in, i * per, (i + 1) * per), i);
                System.arraycopy(one, 0, in, i * per, per);
            }
        }
        long[] ids = tokenizer.encode(in, n);
        int t = tokensPerItem();
        List<int[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int[] one = new int[t];
            for (int j = 0; j < t; j++) {
                one[j] = (int) ids[i * t + j];
            }
            out.add(one);
        }
        return out;
    }

    @Override
    public Array decode(List<int[]> ids, boolean modelUnits) {
        if (ids.isEmpty()) {
            throw new IllegalArgumentException(key + ": no id sequence to decode");
        }
        int t = tokensPerItem();
        int k = tokenizer.config().vocabSize();
        long[] all = new long[ids.size() * t];
        for (int i = 0; i < ids.size(); i++) {
            int[] one = ids.get(i);
            if (one.length != t) {
                throw new IllegalArgumentException(key + ": sequence " + (i + 1) + " has " + one.length + " ids; the"
                        + " tokenizer " + tokenizer.file() + " decodes " + t + " per item (" + item + ")");
            }
            for (int j = 0; j < t; j++) {
                if (one[j] < 0 || one[j] >= k) {
                    throw new IllegalArgumentException(key + ": sequence " + (i + 1) + ": id " + one[j] + " at"
                            + " position " + j + " is outside the codebook [0, " + k + ")");
                }
                all[i * t + j] = one[j];
            }
        }
        float[] out = tokenizer.decode(all, ids.size());
        int per = tokenizer.outputSize();
        int[] item = modelUnits ? new int[] {tokenizer.config().outputChannels(), tokenizer.config().imageSize(),
                tokenizer.config().imageSize()} : itemShape;
        if (!modelUnits) {
            for (int i = 0; i < ids.size(); i++) {
                float[] one = conversion.fromModel(Arrays.copyOfRange(out, i * per, (i + 1) * per));
                System.arraycopy(one, 0, out, i * per, per);
            }
        }
        int[] shape = new int[item.length + 1];
        shape[0] = ids.size();
        System.arraycopy(item, 0, shape, 1, item.length);
        return new Array(shape, out);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
