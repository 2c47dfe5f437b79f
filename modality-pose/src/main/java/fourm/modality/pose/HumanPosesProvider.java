package fourm.modality.pose;

import com.typesafe.config.Config;
import fourm.api.Modality;
import fourm.api.ModalitySpec;
import fourm.api.spi.ModalityProvider;

/**
 * {@code human_poses}: humans with SMPL pose, shape and camera serialised as WordPiece ids: at most 275 tokens, a
 * 263-row positional table.
 *
 * <p>Values arrive pre-tokenized: the modality's tokenizer checks ids against the vocabulary and
 * the token count until the modality's tokenizer is ported.
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
        return Modality.pretokenized(ModalitySpec.fromConfig(node));
    }
}
