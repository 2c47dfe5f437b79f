package fourm.modality.sam.instance;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import fourm.api.Modality;
import fourm.api.ModalitySpec;
import fourm.api.ModalityTokenizer;
import fourm.api.ValueFormat;
import fourm.api.spi.ModalityProvider;
import fourm.modality.text.SequenceModalities;
import fourm.modality.text.SequenceTokenizer;
import fourm.vq.CheckpointTokenizer;
import fourm.vq.values.ImageValueKit;
import java.util.Optional;

/**
 * {@code sam_instance}: SAM instances serialised as WordPiece ids, at most 290.
 *
 * <p>Written as text by {@link SamInstancesSerializer} and encoded with the shared text tokenizer (see
 * {@code fourm.modality.text.tokenizer}); with {@code tokenizer = none} values arrive pre-tokenized. With a mask
 * tokenizer checkpoint ({@code mask-tokenizer.checkpoint}) the values are {@link SamMasks}, instances with their
 * binary masks, tokenized by {@link MaskTokenizedInstances} and read and written as JSON ({@link SamMasksFormat}).
 */
public final class SamInstanceProvider implements ModalityProvider {
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
            return new MaskModality(text.spec(), new MaskTokenizedInstances(checkpoint.get(), seq));
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(node.origin(), key, "sam_instance: mask tokenizer: " + e.getMessage()
                    + " (" + configPath() + "." + key + ")", e);
        }
    }

    /** {@code sam_instance} over binary masks. */
    private record MaskModality(ModalitySpec spec, MaskTokenizedInstances masks) implements Modality {
        @Override
        public Optional<ModalityTokenizer<?>> tokenizer() {
            return Optional.of(masks);
        }

        @Override
        public Optional<ValueFormat<?>> format() {
            return Optional.of(SamMasksFormat.INSTANCE);
        }
    }
}
