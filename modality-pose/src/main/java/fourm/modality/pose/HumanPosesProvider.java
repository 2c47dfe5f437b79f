package fourm.modality.pose;

import com.typesafe.config.Config;
import fourm.api.Modality;
import fourm.api.spi.ModalityProvider;
import fourm.modality.text.SequenceModalities;

/**
 * {@code human_poses}: humans with SMPL pose, shape and camera serialised as WordPiece ids: at most 275 tokens, a
 * 263-row positional table.
 *
 * <p>Written as text by {@link HumanPosesSerializer} and encoded with the shared text tokenizer (see
 * {@code fourm.modality.text.tokenizer}); with {@code tokenizer = none} values arrive pre-tokenized.
 */
public final class HumanPosesProvider implements ModalityProvider {
    @Override
    public String key() {
        return "human_poses";
    }

    @Override
    public String configPath() {
        return "fourm.modality.pose.tokens";
    }

    @Override
    public Modality create(Config node) {
        return SequenceModalities.create(node, HumanPosesSerializer.INSTANCE);
    }
}
