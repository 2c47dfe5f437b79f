package fourm.modality.pose;

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
 * {@code human_poses}: humans with SMPL pose, shape and camera serialised as WordPiece ids: at most 275 tokens, a
 * 263-row positional table.
 *
 * <p>Written as text by {@link HumanPosesSerializer} and encoded with the shared text tokenizer (see
 * {@code fourm.modality.text.tokenizer}); with {@code tokenizer = none} values arrive pre-tokenized. With a pose
 * tokenizer checkpoint ({@code pose-tokenizer.checkpoint}) the values are {@link SmplHumans}, people with their
 * 207-d body poses, tokenized by {@link PoseTokenizedHumans} and read and written as JSON ({@link SmplHumansFormat}),
 * and the modality tokenizes arrays of body poses ({@link ArrayTokens}: {@code [N, 207]} values, 8 ids each) for
 * {@code fourm tokenize --input} and {@code fourm detokenize --out}.
 */
public final class HumanPosesProvider implements ModalityProvider, ArrayTokensProvider {
    /** The node of the pose tokenizer setting. */
    static final String POSE_TOKENIZER = "pose-tokenizer";

    @Override
    public String key() {
        return "human_poses";
    }

    @Override
    public String configPath() {
        return "fourm.modality.pose.tokens";
    }

    @Override
    public String arrayTokenizerSetting() {
        return POSE_TOKENIZER;
    }

    @Override
    public Modality create(Config node) {
        Optional<CheckpointTokenizer> checkpoint = CheckpointTokenizer.fromSetting(node, POSE_TOKENIZER, configPath(),
                "human_poses: pose tokenizer", ImageValueKit.globalEmbedding());
        Modality text = SequenceModalities.create(node.withoutPath(POSE_TOKENIZER), HumanPosesSerializer.INSTANCE);
        if (checkpoint.isEmpty()) {
            return text;
        }
        String key = POSE_TOKENIZER + "." + CheckpointTokenizer.CHECKPOINT;
        ModalityTokenizer<?> tok = text.tokenizer().orElseThrow();
        if (!(tok instanceof SequenceTokenizer<?>)) {
            throw new ConfigException.BadValue(node.origin(), key, "human_poses: pose tokenizer needs"
                    + " the text tokenizer (tokenizer = none gives pre-tokenized values) (" + configPath() + "." + key
                    + ")");
        }
        try {
            @SuppressWarnings("unchecked")
            SequenceTokenizer<HumanPoses> seq = (SequenceTokenizer<HumanPoses>) tok;
            PoseTokenizedHumans poses = new PoseTokenizedHumans(checkpoint.get(), seq);
            return new ArrayTokenModality(text.spec(), poses, SmplHumansFormat.INSTANCE,
                    new CheckpointArrays(key(), checkpoint.get(),
                    new int[] {SmplHuman.BODY_POSE}, "a body pose of " + SmplHuman.BODY_POSE + " values (23 rotation"
                    + " matrices, row-major)", CheckpointArrays.IDENTITY));
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(node.origin(), key, "human_poses: pose tokenizer: " + e.getMessage()
                    + " (" + configPath() + "." + key + ")", e);
        }
    }
}
