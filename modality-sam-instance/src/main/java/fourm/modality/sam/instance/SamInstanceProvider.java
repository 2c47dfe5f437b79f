package fourm.modality.sam.instance;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import fourm.api.Modality;
import fourm.api.ModalityTokenizer;
import fourm.api.spi.ModalityProvider;
import fourm.modality.text.SequenceModalities;
import fourm.modality.text.SequenceTokenizer;
import fourm.vq.CheckpointTokenizer;
import fourm.vq.modality.ArrayTokenModality;
import fourm.vq.modality.ArrayTokensProvider;
import fourm.vq.modality.CheckpointArrays;
import fourm.vq.values.ImageValueKit;
import java.util.Optional;

/**
 * {@code sam_instance}: SAM instances serialised as WordPiece ids, at most 290.
 *
 * <p>Written as text by {@link SamInstancesSerializer} and encoded with the shared text tokenizer (see
 * {@code fourm.modality.text.tokenizer}); with {@code tokenizer = none} values arrive pre-tokenized. With a mask
 * tokenizer checkpoint ({@code mask-tokenizer.checkpoint}) the values are {@link SamMasks}, instances with their
 * binary masks, tokenized by {@link MaskTokenizedInstances} and read and written as JSON ({@link SamMasksFormat}),
 * and the modality tokenizes arrays of masks ({@link ArrayTokens}: {@code [N, 64, 64]} values of 0 and 1, 16 ids
 * each; decoded, a pixel is 1 where its logit is above 0) for {@code fourm tokenize --input} and
 * {@code fourm detokenize --out}.
 */
public final class SamInstanceProvider implements ModalityProvider, ArrayTokensProvider {
    /** Masks are 0/1 values for the network; decoded logits above 0 are inside. */
    private static final CheckpointArrays.Conversion MASKS = new CheckpointArrays.Conversion() {
        @Override
        public float[] toModel(float[] values, int item) {
            for (int i = 0; i < values.length; i++) {
                if (values[i] != 0f && values[i] != 1f) {
                    throw new IllegalArgumentException("sam_instance: mask " + item + " holds " + values[i]
                            + " at pixel " + i + "; a binary mask holds 0 and 1 (use --units model for other values)");
                }
            }
            return values;
        }

        @Override
        public float[] fromModel(float[] output) {
            float[] out = new float[output.length];
            for (int i = 0; i < output.length; i++) {
                out[i] = MaskTokenizedInstances.inside(output[i]) ? 1f : 0f;
            }
            return out;
        }
    };
    /** The node of the mask tokenizer setting. */
    static final String MASK_TOKENIZER = "mask-tokenizer";

    @Override
    public String key() {
        return "sam_instance";
    }

    @Override
    public String configPath() {
        return "fourm.modality.sam-instance.tokens";
    }

    @Override
    public String arrayTokenizerSetting() {
        return MASK_TOKENIZER;
    }

    @Override
    public Modality create(Config node) {
        Optional<CheckpointTokenizer> checkpoint = CheckpointTokenizer.fromSetting(node, MASK_TOKENIZER, configPath(),
                "sam_instance: mask tokenizer", ImageValueKit.binaryMask());
        Modality text = SequenceModalities.create(node.withoutPath(MASK_TOKENIZER), SamInstancesSerializer.INSTANCE);
        if (checkpoint.isEmpty()) {
            return text;
        }
        String key = MASK_TOKENIZER + "." + CheckpointTokenizer.CHECKPOINT;
        ModalityTokenizer<?> tok = text.tokenizer().orElseThrow();
        if (!(tok instanceof SequenceTokenizer<?>)) {
            throw new ConfigException.BadValue(node.origin(), key, "sam_instance: mask tokenizer needs"
                    + " the text tokenizer (tokenizer = none gives pre-tokenized values) (" + configPath() + "." + key
                    + ")");
        }
        try {
            @SuppressWarnings("unchecked")
            SequenceTokenizer<SamInstances> seq = (SequenceTokenizer<SamInstances>) tok;
            MaskTokenizedInstances masks = new MaskTokenizedInstances(checkpoint.get(), seq);
            int side = masks.maskSize();
            return new ArrayTokenModality(text.spec(), masks, SamMasksFormat.INSTANCE,
                    new CheckpointArrays(key(), checkpoint.get(),
                    new int[] {side, side}, "a binary mask of " + side + " x " + side + " values 0 and 1", MASKS));
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(node.origin(), key, "sam_instance: mask tokenizer: " + e.getMessage()
                    + " (" + configPath() + "." + key + ")", e);
        }
    }
}
