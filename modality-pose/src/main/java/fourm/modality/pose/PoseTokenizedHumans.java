package fourm.modality.pose;

import fourm.api.ModalityTokenizer;
import fourm.api.TokenizerInfo;
import fourm.modality.text.SequenceTokenizer;
import fourm.vq.VqConfig;
import fourm.vq.CheckpointTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code human_poses} from and to SMPL body poses: each person's 207-d body pose goes through the pose tokenizer
 * (the reference's BottleneckMLP + Memcodes, {@value Human#POSE_TOKENS} tokens, one per Memcodes head), the
 * tokenized people are written as text ({@link HumanPosesSerializer}) and encoded with the text tokenizer; decoding
 * reads the text back and decodes each person's pose tokens to a body pose. The body-pose values go to the pose
 * tokenizer as they are (rotation-matrix entries, the reference's {@code HumanPoseTransform(only_pose=True)}).
 */
public final class PoseTokenizedHumans implements ModalityTokenizer<SmplHumans> {
    /** The tokenizer type this tokenizer reports. */
    public static final String TYPE = "memcodes+wordpiece";

    private final CheckpointTokenizer poses;
    private final SequenceTokenizer<HumanPoses> text;

    /**
     * A tokenizer over a pose tokenizer checkpoint and the modality's text tokenizer.
     *
     * @throws IllegalArgumentException if the checkpoint is not a pose tokenizer ({@link #misfit})
     */
    public PoseTokenizedHumans(CheckpointTokenizer poses, SequenceTokenizer<HumanPoses> text) {
        String problem = misfit(poses.config());
        if (problem != null) {
            throw new IllegalArgumentException(poses.file() + " " + problem);
        }
        this.poses = poses;
        this.text = text;
    }

    /**
     * Why a tokenizer architecture cannot tokenize body poses, or null when it can: it must read one
     * {@value SmplHuman#BODY_POSE}-value vector (1 x 1) into {@value Human#POSE_TOKENS} Memcodes tokens of at most
     * {@value Human#POSE_VOCAB} codes.
     */
    public static String misfit(VqConfig c) {
        if (c.quantizer().type() != VqConfig.QuantizerType.MEMCODES || c.imageSize() != 1) {
            return "is not a pose tokenizer: expected Memcodes on a 1 x 1 vector, got " + c.quantizer().type()
                    .configName() + " on " + c.imageSize() + " x " + c.imageSize();
        }
        if (c.channels() != SmplHuman.BODY_POSE) {
            return "reads " + c.channels() + " values; a body pose has " + SmplHuman.BODY_POSE;
        }
        if (c.tokensPerImage() != Human.POSE_TOKENS) {
            return "makes " + c.tokensPerImage() + " tokens; human_poses has " + Human.POSE_TOKENS + " per person";
        }
        if (c.vocabSize() > Human.POSE_VOCAB) {
            return "has " + c.vocabSize() + " codes; human_poses writes at most " + Human.POSE_VOCAB;
        }
        return null;
    }

    @Override
    public Class<SmplHumans> valueType() {
        return SmplHumans.class;
    }

    @Override
    public TokenizerInfo info() {
        return TokenizerInfo.of(TYPE, Optional.of(poses.file().toString()));
    }

    /** The people tokenized: each body pose replaced by its pose tokens. */
    public HumanPoses tokenize(SmplHumans value) {
        List<SmplHuman> hs = value.humans();
        float[] in = new float[hs.size() * SmplHuman.BODY_POSE];
        for (int i = 0; i < hs.size(); i++) {
            List<Double> p = hs.get(i).bodyPose();
            for (int j = 0; j < SmplHuman.BODY_POSE; j++) {
                in[i * SmplHuman.BODY_POSE + j] = p.get(j).floatValue();
            }
        }
        long[] ids = poses.encode(in, hs.size());
        List<Human> out = new ArrayList<>(hs.size());
        for (int i = 0; i < hs.size(); i++) {
            List<Integer> t = new ArrayList<>(Human.POSE_TOKENS);
            for (int j = 0; j < Human.POSE_TOKENS; j++) {
                t.add((int) ids[i * Human.POSE_TOKENS + j]);
            }
            out.add(hs.get(i).withPoseTokens(t));
        }
        return new HumanPoses(out);
    }

    /** The people with their pose tokens decoded to body poses. */
    public SmplHumans detokenize(HumanPoses value) {
        List<Human> hs = value.humans();
        long[] ids = new long[hs.size() * Human.POSE_TOKENS];
        for (int i = 0; i < hs.size(); i++) {
            List<Integer> t = hs.get(i).poseTokens();
            for (int j = 0; j < Human.POSE_TOKENS; j++) {
                ids[i * Human.POSE_TOKENS + j] = t.get(j);
            }
        }
        float[] out = poses.decode(ids, hs.size());
        List<SmplHuman> people = new ArrayList<>(hs.size());
        for (int i = 0; i < hs.size(); i++) {
            List<Double> pose = new ArrayList<>(SmplHuman.BODY_POSE);
            for (int j = 0; j < SmplHuman.BODY_POSE; j++) {
                pose.add((double) out[i * SmplHuman.BODY_POSE + j]);
            }
            people.add(SmplHuman.of(hs.get(i), pose));
        }
        return new SmplHumans(people);
    }

    @Override
    public int[] encode(SmplHumans value) {
        if (value == null) {
            throw new IllegalArgumentException("human_poses: expected a value, got null");
        }
        return text.encode(tokenize(value));
    }

    /** Reads the text tolerantly (as the text tokenizer does) and decodes every person's pose tokens. */
    @Override
    public SmplHumans decode(int[] tokens) {
        return detokenize(text.decode(tokens));
    }
}
