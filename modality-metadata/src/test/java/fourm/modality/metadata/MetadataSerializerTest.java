package fourm.modality.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fourm.modality.text.Decoded;
import fourm.modality.text.SequenceTokenizer;
import fourm.modality.text.TextTokenizer;
import fourm.testing.ReferenceIds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MetadataSerializerTest {
    private final MetadataSerializer serializer = MetadataSerializer.INSTANCE;
    private final SequenceTokenizer<Metadata> tokenizer = new SequenceTokenizer<>(serializer, TextTokenizer.builtin());

    @Test
    void typeIdsAndBinsFollowTheReference() {
        assertThat(MetadataType.values()).hasSize(21);
        assertThat(MetadataType.ORIGINAL_WIDTH.id()).isZero();
        assertThat(MetadataType.BRIGHTNESS.id()).isEqualTo(10);
        assertThat(MetadataType.AESTHETIC_SCORE.id()).isEqualTo(20);
        assertThat(MetadataType.ORIGINAL_WIDTH.bin(640)).isEqualTo(20);
        assertThat(MetadataType.ORIGINAL_WIDTH.bin(639)).isEqualTo(19);
        assertThat(MetadataType.ORIGINAL_WIDTH.bin(1e9)).isEqualTo(999);
        assertThat(MetadataType.N_HUMANS.bin(1234)).isEqualTo(999);
        assertThat(MetadataType.BRIGHTNESS.bin(120)).isEqualTo(23);          // int(120/255 * 49)
        assertThat(MetadataType.BRIGHTNESS.bin(255)).isEqualTo(49);
        assertThat(MetadataType.BRIGHTNESS.bin(-3)).isZero();
        assertThat(MetadataType.OCCLUSION_SCORE.bin(0.125)).isEqualTo(24);  // int(0.5 * 49)
        assertThat(MetadataType.WATERMARK_SCORE.bin(0.49)).isZero();
        assertThat(MetadataType.WATERMARK_SCORE.bin(0.5)).isEqualTo(1);
        assertThat(MetadataType.AESTHETIC_SCORE.bin(4.4)).isZero();
        assertThat(MetadataType.AESTHETIC_SCORE.bin(5.0)).isEqualTo(1);
        assertThat(MetadataType.AESTHETIC_SCORE.bin(5.5)).isEqualTo(2);
    }

    @Test
    void writesOneChunkPerTypeInIdOrder() {
        Metadata m = Metadata.fromRaw(Map.of("brightness", 120, "original_width", 640, "aesthetic_score", 6.1));
        assertThat(serializer.toText(m)).isEqualTo("v1=0 v0=20 v1=10 v0=23 v1=20 v0=2");
        assertThat(serializer.chunks(m)).containsExactly("v1=0 v0=20", "v1=10 v0=23", "v1=20 v0=2");
        assertThat(tokenizer.encode(m)).containsExactly(1204, 224, 1214, 227, 1224, 206);
        String shuffled = serializer.toText(m, new SplittableRandom(5));
        assertThat(serializer.fromText(shuffled)).isEqualTo(new Decoded<>(m, 0));
    }

    @Test
    void roundTripsExactlyAtTheBinLevelAndFromRawUpToQuantisation() {
        SplittableRandom r = new SplittableRandom(1);
        for (int n = 0; n < 300; n++) {
            Metadata m = SerializerSamples.exact(r);
            assertThat(tokenizer.decodeTolerant(tokenizer.encode(m))).isEqualTo(new Decoded<>(m, 0));
            Map<String, Double> raw = SerializerSamples.raw(r);
            Metadata quantised = Metadata.fromRaw(raw);
            Metadata back = tokenizer.decode(tokenizer.encode(quantised));
            raw.forEach((k, v) -> assertThat(back.bins().get(MetadataType.ofKey(k).orElseThrow()))
                    .as(k).isEqualTo(MetadataType.ofKey(k).orElseThrow().bin(v)));
        }
    }

    @Test
    void malformedSequencesDecodeToTheirValidChunks() {
        Decoded<Metadata> d = serializer.fromText("v1=10 v0=23 v0=5 v1=21 v0=1 v1=20 v0=3 v1=9 v0=2 v1=9 v0=7 v1=3");
        // v0=5 stray; v1=21 unknown type (+ its v0=1); aesthetic bin 3 > 2 (both words); second v1=9 repeated; v1=3 cut
        assertThat(d.value().bins()).containsExactly(Map.entry(MetadataType.COLORFULNESS, 2),
                Map.entry(MetadataType.BRIGHTNESS, 23));
        assertThat(d.skipped()).isEqualTo(1 + 2 + 2 + 2 + 1);
        SplittableRandom r = new SplittableRandom(2);
        for (int n = 0; n < 200; n++) {
            int[] ids = tokenizer.encode(SerializerSamples.exact(r));
            int[] truncated = Arrays.copyOf(ids, ids.length == 0 ? 0 : r.nextInt(ids.length));
            Decoded<Metadata> t = tokenizer.decodeTolerant(truncated);
            assertThat(t.skipped()).isEqualTo(truncated.length % 2);
            assertThat(t.value().bins()).hasSize(truncated.length / 2);
            for (int i = ids.length - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int x = ids[i];
                ids[i] = ids[j];
                ids[j] = x;
            }
            Decoded<Metadata> s = tokenizer.decodeTolerant(ids);
            assertThat(2 * s.value().bins().size() + s.skipped()).isEqualTo(ids.length);
            int[] garbage = r.ints(40, -10, 30020).toArray();
            assertThat(tokenizer.decodeTolerant(garbage).skipped()).isPositive();
        }
    }

    @Test
    void badValuesAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> Metadata.fromRaw(Map.of("brightnes", 3))).hasMessageContaining("'brightnes'")
                .hasMessageContaining("brightness");
        assertThatThrownBy(() -> Metadata.fromRaw(Map.of("n_humans", -1))).hasMessageContaining("n_humans")
                .hasMessageContaining(">= 0");
        assertThatThrownBy(() -> Metadata.fromRaw(Map.of("entropy", Double.NaN))).hasMessageContaining("entropy")
                .hasMessageContaining("finite");
        EnumMap<MetadataType, Integer> bad = new EnumMap<>(MetadataType.class);
        bad.put(MetadataType.WATERMARK_SCORE, 2);
        assertThatThrownBy(() -> new Metadata(bad)).hasMessageContaining("watermark_score")
                .hasMessageContaining("[0, 1]");
    }

    @Test
    void serialisedTextHasTheReferenceIds() throws Exception {
        SplittableRandom r = new SplittableRandom(4);
        List<String> texts = new ArrayList<>();
        for (int n = 0; n < 60; n++) {
            texts.add(serializer.toText(SerializerSamples.exact(r), r));
        }
        ReferenceIds.assertSameIds(texts, TextTokenizer::load, TextTokenizer::encode, TextTokenizer::decode);
    }
}
