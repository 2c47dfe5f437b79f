package fourm.modality.pose;

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

class HumanPosesSerializerTest {
    private final HumanPosesSerializer serializer = HumanPosesSerializer.INSTANCE;
    private final SequenceTokenizer<HumanPoses> tokenizer =
            new SequenceTokenizer<>(serializer, TextTokenizer.builtin());

    private static Human sample() {
        return new Human(0.5, 0, 1, 0.25, List.of(0, 511, 512, 1023, 7, 600, 100, 900),
                List.of(1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, -1.0), List.of(-1.0, 0.5, 19.0),
                Collections.nCopies(10, 0.0));
    }

    @Test
    void writesTheReferenceFormat() {
        String text = serializer.toText(new HumanPoses(List.of(sample())));
        assertThat(text).isEqualTo("human v0=500 v1=0 v2=999 v3=250"
                + " pose v0=0 v0=511 v1=0 v1=511 v0=7 v1=88 v0=100 v1=388"
                + " global v0=999 v0=500 v0=500 v0=500 v0=999 v0=500 v0=500 v0=500 v0=0"
                + " camera v0=0 v0=75 v0=999"
                + " shape v0=500 v0=500 v0=500 v0=500 v0=500 v0=500 v0=500 v0=500 v0=500 v0=500");
        assertThat(TextSerializer.words(text)).hasSize(39);
        assertThat(serializer.toText(new HumanPoses(List.of()))).isEqualTo("none");
        assertThat(serializer.fromText("none")).isEqualTo(new Decoded<>(new HumanPoses(List.of()), 0));
    }

    @Test
    void roundTripsToTheBinValuesInAnyGroupOrder() {
        SplittableRandom r = new SplittableRandom(1);
        for (int n = 0; n < 300; n++) {
            HumanPoses v = SerializerSamples.raw(r);
            HumanPoses expected = SerializerSamples.expected(v);
            assertThat(tokenizer.decodeTolerant(tokenizer.encode(v))).isEqualTo(new Decoded<>(expected, 0));
            String shuffled = serializer.toText(v, r);
            assertThat(serializer.fromText(shuffled)).isEqualTo(new Decoded<>(expected, 0));
            assertThat(serializer.toText(expected)).isEqualTo(serializer.toText(v));
        }
    }

    @Test
    void malformedSequencesDecodeToTheirValidHumans() {
        String one = serializer.toText(new HumanPoses(List.of(sample())));
        List<String> w = new ArrayList<>(TextSerializer.words(one));
        w.remove(10);  // a pose token short
        Decoded<HumanPoses> d = serializer.fromText(String.join(" ", w) + " " + one);
        assertThat(d.value().humans()).hasSize(1);
        assertThat(d.skipped()).isEqualTo(38);
        assertThat(serializer.fromText(one.replace("camera", "pose")).skipped()).isEqualTo(39);
        SplittableRandom r = new SplittableRandom(2);
        for (int n = 0; n < 100; n++) {
            HumanPoses v = SerializerSamples.exact(r);
            int[] ids = tokenizer.encode(v);
            int cut = r.nextInt(ids.length + 1);
            Decoded<HumanPoses> t = tokenizer.decodeTolerant(Arrays.copyOf(ids, cut));
            assertThat(t.value().humans()).isEqualTo(v.humans().subList(0, t.value().humans().size()));
            for (int i = ids.length - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int x = ids[i];
                ids[i] = ids[j];
                ids[j] = x;
            }
            assertThat(tokenizer.decodeTolerant(ids).value().humans()).hasSizeLessThanOrEqualTo(v.humans().size());
            assertThat(tokenizer.decodeTolerant(r.ints(80, -10, 30020).toArray()).skipped()).isPositive();
        }
    }

    @Test
    void invalidHumansAreRefusedNamingTheField() {
        assertThatThrownBy(() -> new Human(0, 0, 1.5, 1, List.of(0, 0, 0, 0, 0, 0, 0, 0), Collections.nCopies(9, 0.0),
                Collections.nCopies(3, 0.0), Collections.nCopies(10, 0.0))).hasMessageContaining("xmax");
        assertThatThrownBy(() -> new Human(0, 0, 1, 1, List.of(0, 0, 0), Collections.nCopies(9, 0.0),
                Collections.nCopies(3, 0.0), Collections.nCopies(10, 0.0))).hasMessageContaining("8 pose tokens");
        assertThatThrownBy(() -> new Human(0, 0, 1, 1, List.of(0, 0, 0, 0, 0, 0, 0, 1024), Collections.nCopies(9, 0.0),
                Collections.nCopies(3, 0.0), Collections.nCopies(10, 0.0))).hasMessageContaining("[0, 1024)");
        assertThatThrownBy(() -> new Human(0, 0, 1, 1, List.of(0, 0, 0, 0, 0, 0, 0, 0), Collections.nCopies(9, 0.0),
                List.of(0.0, Double.NaN, 0.0), Collections.nCopies(10, 0.0))).hasMessageContaining("camera");
    }

    @Test
    void serialisedTextHasTheReferenceIds() throws Exception {
        SplittableRandom r = new SplittableRandom(4);
        List<String> texts = new ArrayList<>();
        for (int n = 0; n < 60; n++) {
            texts.add(serializer.toText(SerializerSamples.raw(r), r));
        }
        ReferenceIds.assertSameIds(texts, TextTokenizer::load, TextTokenizer::encode, TextTokenizer::decode);
    }
}
