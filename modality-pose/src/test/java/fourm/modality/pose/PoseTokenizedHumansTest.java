package fourm.modality.pose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import fourm.api.Modality;
import fourm.api.ModalityTokenizer;
import fourm.modality.text.SequenceTokenizer;
import fourm.vq.CheckpointTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code human_poses} with a pose tokenizer checkpoint: body poses in, 8 Memcodes tokens per person, body poses out.
 */
class PoseTokenizedHumansTest {
    @TempDir
    Path dir;

    static Config node(Path checkpoint) {
        Config base = ConfigFactory.load().getConfig("fourm.modality.pose.tokens");
        return base.withValue("pose-tokenizer.checkpoint", ConfigValueFactory.fromAnyRef(checkpoint.toString()));
    }

    @SuppressWarnings("unchecked")
    private static ModalityTokenizer<SmplHumans> tokenizer(Modality m) {
        return (ModalityTokenizer<SmplHumans>) m.tokenizer().orElseThrow();
    }

    @Test
    void withoutACheckpointValuesCarryTheirPoseTokens() {
        Modality m = new HumanPosesProvider().create(ConfigFactory.load().getConfig("fourm.modality.pose.tokens"));
        assertThat(m.tokenizer().orElseThrow().valueType()).isEqualTo(HumanPoses.class);
    }

    @Test
    void bodyPosesGoThroughThePoseTokenizerAndBack() throws IOException {
        Path ckpt = PoseCheckpoints.write(dir.resolve("pose.safetensors"), SmplHuman.BODY_POSE, 8);
        Modality m = new HumanPosesProvider().create(node(ckpt));
        assertThat(m.tokenizer().orElseThrow()).isInstanceOf(PoseTokenizedHumans.class);
        assertThat(m.tokenizerInfo().type()).isEqualTo(PoseTokenizedHumans.TYPE);
        assertThat(m.tokenizerInfo().checkpoint()).contains(ckpt.toString());
        ModalityTokenizer<SmplHumans> tok = tokenizer(m);
        SmplHumans v = PoseCheckpoints.people(new SplittableRandom(3), 3);

        try (CheckpointTokenizer direct = CheckpointTokenizer.open(ckpt)) {
            // the pose tokens in the text are the pose tokenizer's ids of each body pose
            HumanPoses tokenized = ((PoseTokenizedHumans) tok).tokenize(v);
            float[] poses = new float[3 * SmplHuman.BODY_POSE];
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < SmplHuman.BODY_POSE; j++) {
                    poses[i * SmplHuman.BODY_POSE + j] = v.humans().get(i).bodyPose().get(j).floatValue();
                }
            }
            long[] direct8 = direct.encode(poses, 3);
            for (int i = 0; i < 3; i++) {
                assertThat(tokenized.humans().get(i).poseTokens()).containsExactlyElementsOf(
                        java.util.Arrays.stream(direct8, 8 * i, 8 * i + 8).mapToObj(x -> (int) x).toList());
            }
            SequenceTokenizer<HumanPoses> text = (SequenceTokenizer<HumanPoses>) new HumanPosesProvider()
                    .create(ConfigFactory.load().getConfig("fourm.modality.pose.tokens")).tokenizer().orElseThrow();
            int[] ids = tok.encode(v);
            assertThat(ids).isEqualTo(text.encode(tokenized));

            // decoding reads the text and decodes each person's tokens to the tokenizer's body pose
            SmplHumans back = tok.decode(ids);
            float[] expected = direct.decode(direct8, 3);
            assertThat(back.humans()).hasSize(3);
            for (int i = 0; i < 3; i++) {
                SmplHuman h = back.humans().get(i);
                SmplHuman in = v.humans().get(i);
                assertThat(List.of(h.xmin(), h.ymin(), h.xmax(), h.ymax()))
                        .isEqualTo(List.of(in.xmin(), in.ymin(), in.xmax(), in.ymax()));
                assertThat(h.globalOrient()).isEqualTo(in.globalOrient());
                assertThat(h.betas()).isEqualTo(in.betas());
                assertThat(h.bodyPose()).hasSize(SmplHuman.BODY_POSE);
                for (int j = 0; j < SmplHuman.BODY_POSE; j++) {
                    assertThat(h.bodyPose().get(j)).isEqualTo((double) expected[i * SmplHuman.BODY_POSE + j]);
                }
            }
            assertThat(tok.decode(tok.encode(new SmplHumans(List.of()))).humans()).isEmpty();
        }
    }

    @Test
    void theJsonFileReadsBackExactly() throws IOException {
        SmplHumans v = PoseCheckpoints.people(new SplittableRandom(5), 2);
        Path f = dir.resolve("people.json");
        SmplHumansFormat.INSTANCE.write(v, f);
        assertThat(SmplHumansFormat.INSTANCE.read(f)).isEqualTo(v);
        java.nio.file.Files.writeString(f, "{\"humans\": [{\"box\": [0, 0, 1, 1], \"body_pose\": [1, 2]}]}");
        assertThatThrownBy(() -> SmplHumansFormat.INSTANCE.read(f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("human 0").hasMessageContaining("body_pose");
    }

    @Test
    void aCheckpointThatIsNoPoseTokenizerIsRefusedByKey() throws IOException {
        Path wrongChannels = PoseCheckpoints.write(dir.resolve("c20.safetensors"), 20, 8);
        assertThatThrownBy(() -> new HumanPosesProvider().create(node(wrongChannels)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("pose-tokenizer.checkpoint")
                .hasMessageContaining("reads 20 values; a body pose has 207");
        Path fourHeads = PoseCheckpoints.write(dir.resolve("h4.safetensors"), SmplHuman.BODY_POSE, 4);
        assertThatThrownBy(() -> new HumanPosesProvider().create(node(fourHeads)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("makes 4 tokens; human_poses has 8");
        assertThatThrownBy(() -> new HumanPosesProvider().create(node(dir.resolve("absent.safetensors"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("pose tokenizer: no such checkpoint");
    }
}
