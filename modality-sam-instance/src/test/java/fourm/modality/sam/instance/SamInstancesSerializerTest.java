package fourm.modality.sam.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fourm.modality.text.Decoded;
import fourm.modality.text.SequenceTokenizer;
import fourm.modality.text.TextSerializer;
import fourm.modality.text.TextTokenizer;
import fourm.testing.ReferenceIds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SamInstancesSerializerTest {
    private final SamInstancesSerializer serializer = SamInstancesSerializer.INSTANCE;
    private final SequenceTokenizer<SamInstances> tokenizer =
            new SequenceTokenizer<>(serializer, TextTokenizer.builtin());

    private static final List<Integer> TOKENS = List.of(0, 511, 512, 1023, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 600);

    @Test
    void writesTheReferenceFormat() {
        SamInstances v = new SamInstances(List.of(
                new QueryPoint(12, 200, List.of(new SamInstance(1, 2, 30, 40, TOKENS))),
                new QueryPoint(0, 223, List.of())));
        String text = serializer.toText(v);
        assertThat(text).isEqualTo("point v0=12 v1=200 polygon v0=1 v1=2 v2=30 v3=40 v0=0 v0=511 v1=0 v1=511 v0=1 v0=2"
                + " v0=3 v0=4 v0=5 v0=6 v0=7 v0=8 v0=9 v0=10 v0=11 v1=88 point v0=0 v1=223 none");
        assertThat(serializer.fromText(text)).isEqualTo(new Decoded<>(v, 0));
        assertThat(serializer.toText(new SamInstances(List.of()))).isEmpty();
    }

    @Test
    void roundTripsExactly() {
        SplittableRandom r = new SplittableRandom(1);
        for (int n = 0; n < 300; n++) {
            SamInstances v = SerializerSamples.exact(r);
            assertThat(tokenizer.decodeTolerant(tokenizer.encode(v))).isEqualTo(new Decoded<>(v, 0));
        }
    }

    @Test
    void malformedSequencesDecodeToTheirValidPart() {
        String good = "point v0=1 v1=2 polygon v0=1 v1=2 v2=30 v3=40 " + String.join(" ",
                TOKENS.stream().map(t -> t < 512 ? "v0=" + t : "v1=" + (t - 512)).toList());
        // a polygon cut short, then a point with nothing valid, then a stray word
        Decoded<SamInstances> d = serializer.fromText(good + " polygon v0=1 v1=2 point v0=5 v1=5 dog v0=3");
        assertThat(d.value().points()).singleElement().satisfies(p -> assertThat(p.instances()).hasSize(1));
        assertThat(d.skipped()).isEqualTo(3 + 5);
        // an inverted box is not a valid polygon
        assertThat(serializer.fromText(good.replace("v2=30", "v2=0")).value().points()).isEmpty();
        SplittableRandom r = new SplittableRandom(2);
        for (int n = 0; n < 100; n++) {
            SamInstances v = SerializerSamples.exact(r);
            int[] ids = tokenizer.encode(v);
            int cut = r.nextInt(ids.length + 1);
            Decoded<SamInstances> t = tokenizer.decodeTolerant(Arrays.copyOf(ids, cut));
            int total = TextSerializer.words(tokenizer.textTokenizer().decode(Arrays.copyOf(ids, cut))).size();
            int kept = t.value().points().stream().mapToInt(p -> 3 + (p.instances().isEmpty() ? 1
                    : 21 * p.instances().size())).sum();
            assertThat(t.skipped()).isEqualTo(total - kept);
            for (int i = 0; i + 1 < t.value().points().size(); i++) {
                assertThat(t.value().points().get(i)).isEqualTo(v.points().get(i));
            }
            List<Integer> shuffled = new ArrayList<>(Arrays.stream(ids).boxed().toList());
            Collections.shuffle(shuffled, new java.util.Random(n));
            tokenizer.decodeTolerant(shuffled.stream().mapToInt(Integer::intValue).toArray());
            assertThat(tokenizer.decodeTolerant(r.ints(80, -10, 30020).toArray()).skipped()).isPositive();
        }
    }

    @Test
    void invalidValuesAreRefusedNamingTheField() {
        assertThatThrownBy(() -> new SamInstance(5, 0, 4, 1, TOKENS)).hasMessageContaining("xmin <= xmax");
        assertThatThrownBy(() -> new SamInstance(0, 0, 4, 1, List.of(1))).hasMessageContaining("16 mask tokens");
        assertThatThrownBy(() -> new QueryPoint(1000, 0, List.of())).hasMessageContaining("point y");
    }

    @Test
    void serialisedTextHasTheReferenceIds() throws Exception {
        SplittableRandom r = new SplittableRandom(4);
        List<String> texts = new ArrayList<>();
        for (int n = 0; n < 60; n++) {
            texts.add(serializer.toText(SerializerSamples.exact(r)));
        }
        ReferenceIds.assertSameIds(texts, TextTokenizer::load, TextTokenizer::encode, TextTokenizer::decode);
    }
}
