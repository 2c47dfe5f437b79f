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
import fourm.vq.modality.CheckpointTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        String checkpoint = "";
        if (node.hasPath(MASK_TOKENIZER)) {
            Config t = node.getConfig(MASK_TOKENIZER);
            for (String k : t.root().keySet()) {
                if (!k.equals("checkpoint")) {
                    throw new ConfigException.BadPath(t.origin(), MASK_TOKENIZER + "." + k,
                            "unknown key; expected checkpoint");
                }
            }
            checkpoint = t.getString("checkpoint");
        }
        Modality text = SequenceModalities.create(node.withoutPath(MASK_TOKENIZER), SamInstancesSerializer.INSTANCE);
        if (checkpoint.isBlank()) {
            return text;
        }
        String key = configPath() + "." + MASK_TOKENIZER + ".checkpoint";
        ModalityTokenizer<?> tok = text.tokenizer().orElseThrow();
        if (!(tok instanceof SequenceTokenizer<?>)) {
            throw new ConfigException.BadValue(node.origin(), MASK_TOKENIZER + ".checkpoint", "sam_instance: a mask"
                    + " tokenizer needs the text tokenizer (tokenizer = none gives pre-tokenized values) (" + key + ")");
        }
        Path path = Path.of(checkpoint);
        if (!Files.isRegularFile(path)) {
            throw new ConfigException.BadValue(node.origin(), MASK_TOKENIZER + ".checkpoint", "sam_instance: no such"
                    + " mask tokenizer checkpoint " + path + " (" + key + ")");
        }
        MaskTokenizedInstances masks;
        try {
            @SuppressWarnings("unchecked")
            SequenceTokenizer<SamInstances> seq = (SequenceTokenizer<SamInstances>) tok;
            masks = new MaskTokenizedInstances(CheckpointTokenizer.open(path), seq);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException.BadValue(node.origin(), MASK_TOKENIZER + ".checkpoint", "sam_instance: " + path
                    + ": " + e.getMessage() + " (" + key + ")", e);
        }
        return new MaskModality(text.spec(), masks);
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
