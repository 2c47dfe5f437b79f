package fourm.modality.sam.instance;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sam_instance} with a mask tokenizer checkpoint: masks in, 16 tokens per instance, masks out. */
class MaskTokenizedInstancesTest {
    private static final String NODE = "fourm.modality.sam-instance.tokens";

    @TempDir
    Path dir;

    static Config node(Path checkpoint) {
        return ConfigFactory.load().getConfig(NODE)
                .withValue("mask-tokenizer.checkpoint", ConfigValueFactory.fromAnyRef(checkpoint.toString()));
    }

    @Test
    void withoutACheckpointValuesCarryTheirMaskTokens() {
        Modality m = new SamInstanceProvider().create(ConfigFactory.load().getConfig(NODE));
        assertThat(m.tokenizer().orElseThrow().valueType()).isEqualTo(SamInstances.class);
    }

    @Test
    @SuppressWarnings("unchecked")
    void masksGoThroughTheMaskTokenizerAndBack() throws IOException {
        Path ckpt = MaskCheckpoints.write(dir.resolve("mask.safetensors"), 64, 16);
        Modality m = new SamInstanceProvider().create(node(ckpt));
        assertThat(m.tokenizerInfo().type()).isEqualTo(MaskTokenizedInstances.TYPE);
        MaskTokenizedInstances tok = (MaskTokenizedInstances) m.tokenizer().orElseThrow();
        assertThat(tok.maskSize()).isEqualTo(64);
        SamMasks v = MaskCheckpoints.masks(new SplittableRandom(4), 3, 64);
        List<MaskedInstance> all = new ArrayList<>();
        v.points().forEach(p -> all.addAll(p.instances()));
        assertThat(all).isNotEmpty();

        try (CheckpointTokenizer direct = CheckpointTokenizer.open(ckpt)) {
            float[] in = new float[all.size() * 64 * 64];
            for (int i = 0; i < all.size(); i++) {
                System.arraycopy(all.get(i).mask().toFloats(), 0, in, i * 4096, 4096);
            }
            long[] ids = direct.encode(in, all.size());
            SamInstances tokenized = tok.tokenize(v);
            int next = 0;
            for (QueryPoint p : tokenized.points()) {
                for (SamInstance s : p.instances()) {
                    for (int j = 0; j < 16; j++) {
                        assertThat((long) s.tokens().get(j)).isEqualTo(ids[next * 16 + j]);
                    }
                    next++;
                }
            }
            SequenceTokenizer<SamInstances> text = (SequenceTokenizer<SamInstances>) new SamInstanceProvider()
                    .create(ConfigFactory.load().getConfig(NODE)).tokenizer().orElseThrow();
            int[] encoded = ((ModalityTokenizer<SamMasks>) (ModalityTokenizer<?>) tok).encode(v);
            assertThat(encoded).isEqualTo(text.encode(tokenized));

            // decoding: the points and boxes come back, each mask is where the decoded logit is above 0
            SamMasks back = tok.decode(encoded);
            float[] logits = direct.decode(ids, all.size());
            assertThat(back.points()).hasSize(v.points().size());
            int k = 0;
            for (int p = 0; p < v.points().size(); p++) {
                MaskedQueryPoint a = back.points().get(p);
                MaskedQueryPoint b = v.points().get(p);
                assertThat(List.of(a.y(), a.x())).isEqualTo(List.of(b.y(), b.x()));
                assertThat(a.instances()).hasSameSizeAs(b.instances());
                for (int i = 0; i < a.instances().size(); i++) {
                    MaskedInstance s = a.instances().get(i);
                    MaskedInstance t = b.instances().get(i);
                    assertThat(List.of(s.xmin(), s.ymin(), s.xmax(), s.ymax()))
                            .isEqualTo(List.of(t.xmin(), t.ymin(), t.xmax(), t.ymax()));
                    for (int y = 0; y < 64; y++) {
                        for (int x = 0; x < 64; x++) {
                            assertThat(s.mask().get(y, x)).isEqualTo(logits[k * 4096 + y * 64 + x] > 0);
                        }
                    }
                    k++;
                }
            }
        }
    }

    @Test
    void theJsonFileReadsBackExactlyAndBadFilesAreNamed() throws IOException {
        SamMasks v = MaskCheckpoints.masks(new SplittableRandom(8), 2, 64);
        Path f = dir.resolve("masks.json");
        SamMasksFormat.INSTANCE.write(v, f);
        assertThat(SamMasksFormat.INSTANCE.read(f)).isEqualTo(v);
        Files.writeString(f, "{\"points\": [{\"y\": 1, \"x\": 2, \"instances\": [{\"box\": [0, 0, 5, 5], "
                + "\"mask\": [\"01\", \"2\"]}]}]}");
        assertThatThrownBy(() -> SamMasksFormat.INSTANCE.read(f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("point 0").hasMessageContaining("instance 0")
                .hasMessageContaining("mask row 1");
    }

    @Test
    void aMaskOfTheWrongSizeIsRefused() throws IOException {
        Modality m = new SamInstanceProvider().create(node(MaskCheckpoints.write(dir.resolve("m.safetensors"), 64,
                16)));
        MaskTokenizedInstances tok = (MaskTokenizedInstances) m.tokenizer().orElseThrow();
        SamMasks small = MaskCheckpoints.masks(new SplittableRandom(1), 1, 32);
        assertThatThrownBy(() -> tok.encode(small)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 x 32 mask; the mask tokenizer reads 64 x 64");
    }

    @Test
    void aCheckpointThatIsNoMaskTokenizerIsRefusedByKey() throws IOException {
        Path grid64 = MaskCheckpoints.write(dir.resolve("p8.safetensors"), 64, 8);
        assertThatThrownBy(() -> new SamInstanceProvider().create(node(grid64)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("mask-tokenizer.checkpoint")
                .hasMessageContaining("makes 64 tokens; sam_instance has 16 per mask");
        Path edges = MaskCheckpoints.write(dir.resolve("edge.safetensors"), MaskCheckpoints.config("edge", 64, 16));
        assertThatThrownBy(() -> new SamInstanceProvider().create(node(edges)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("mask-tokenizer.checkpoint")
                .hasMessageContaining("was trained on edge values; SAM instance masks are binary-mask values");
        assertThatThrownBy(() -> new SamInstanceProvider().create(node(dir.resolve("absent.safetensors"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("mask tokenizer: no such checkpoint");
    }
}
