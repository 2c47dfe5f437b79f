package fourm.modality.det;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fourm.modality.text.CocoClasses;
import fourm.modality.text.Decoded;
import fourm.modality.text.SequenceTokenizer;
import fourm.modality.text.TextTokenizer;
import fourm.testing.ReferenceIds;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DetectionSerializerTest {
    private final DetectionSerializer serializer = DetectionSerializer.reference();
    private final SequenceTokenizer<Detections> tokenizer =
            new SequenceTokenizer<>(serializer, TextTokenizer.builtin());

    static Detections random(SplittableRandom r) {
        List<Detection> list = new ArrayList<>();
        for (int i = 0, n = r.nextInt(0, 8); i < n; i++) {
            double x0 = r.nextDouble();
            double y0 = r.nextDouble();
            BoundingBox box = new BoundingBox(x0, y0, x0 + (1 - x0) * r.nextDouble(), y0 + (1 - y0) * r.nextDouble());
            list.add(Detection.scored(box, CocoClasses.names().get(r.nextInt(80)), r.nextDouble()));
        }
        return new Detections(list);
    }

    /** What the text keeps of {@code v}: detections >= 0.6, sorted by distance to the origin, boxes on the grid. */
    static Detections expected(Detections v) {
        List<Detection> kept = new ArrayList<>();
        for (Detection d : v.instances()) {
            if (d.score().getAsDouble() >= 0.6) {
                kept.add(d);
            }
        }
        kept.sort(Comparator.comparingDouble(d -> d.box().xmin() * d.box().xmin() + d.box().ymin() * d.box().ymin()));
        List<Detection> out = new ArrayList<>();
        for (Detection d : kept) {
            BoundingBox b = d.box();
            out.add(Detection.unscored(new BoundingBox(Math.rint(b.xmin() * 999) / 999,
                    Math.rint(b.ymin() * 999) / 999, Math.rint(b.xmax() * 999) / 999, Math.rint(b.ymax() * 999) / 999),
                    d.className()));
        }
        return new Detections(out);
    }

    @Test
    void writesTheReferenceFormat() {
        Detections v = new Detections(List.of(
                Detection.scored(new BoundingBox(0.5, 0.5, 0.9, 1.0), "person", 0.99),
                Detection.scored(new BoundingBox(0.0, 0.1, 0.2, 0.3), "traffic light", 0.6),
                Detection.scored(new BoundingBox(0.0, 0.0, 0.1, 0.1), "dog", 0.59)));
        String text = serializer.toText(v);
        assertThat(text).isEqualTo("v0=0 v1=100 v2=200 v3=300 traffic light v0=500 v1=500 v2=899 v3=999 person");
        assertThat(tokenizer.encode(v)).containsExactly(204, 1304, 2404, 3504, 4276, 704, 1704, 3103, 4203, 4253);
        assertThat(serializer.toText(Detections.none())).isEmpty();
        // round half to even, like Python's round: 0.5 * 999 = 499.5 -> 500 (even), 1.5/999*999 -> 2
        assertThat(DetectionSerializer.bin(0.5)).isEqualTo(500);
        assertThat(DetectionSerializer.bin(2.5 / 999)).isEqualTo(2);
        assertThat(DetectionSerializer.bin(3.5 / 999)).isEqualTo(4);
    }

    @Test
    void roundTripsUpToTheThresholdTheOrderAndTheGrid() {
        SplittableRandom r = new SplittableRandom(1);
        for (int n = 0; n < 300; n++) {
            Detections v = random(r);
            Decoded<Detections> d = tokenizer.decodeTolerant(tokenizer.encode(v));
            assertThat(d.skipped()).isZero();
            assertThat(d.value()).as("sample %d", n).isEqualTo(expected(v));
            assertThat(tokenizer.encode(d.value())).isEqualTo(tokenizer.encode(v));
        }
    }

    @Test
    void otherClassNamesAreSpeltWithWordPieces() {
        Detections v = new Detections(List.of(Detection.scored(new BoundingBox(0, 0, 1, 1), "lamp post", 1)));
        assertThat(tokenizer.decode(tokenizer.encode(v)).instances()).singleElement()
                .extracting(Detection::className).isEqualTo("lamp post");
    }

    @Test
    void truncatedSequencesKeepTheirCompleteDetections() {
        SplittableRandom r = new SplittableRandom(2);
        for (int n = 0; n < 100; n++) {
            Detections v = expected(random(r));
            int[] ids = tokenizer.encode(v);
            int cut = ids.length == 0 ? 0 : r.nextInt(ids.length);
            Decoded<Detections> d = tokenizer.decodeTolerant(java.util.Arrays.copyOf(ids, cut));
            List<Detection> got = d.value().instances();
            assertThat(got.size()).isLessThanOrEqualTo(v.instances().size());
            // All but possibly the last (whose multi-word name may be cut) are the original's first detections.
            for (int i = 0; i + 1 < got.size(); i++) {
                assertThat(got.get(i)).isEqualTo(v.instances().get(i));
            }
            int words = fourm.modality.text.TextSerializer.words(tokenizer.textTokenizer()
                    .decode(java.util.Arrays.copyOf(ids, cut))).size();
            assertThat(d.skipped()).isEqualTo(words - 5 * got.size()
                    - got.stream().mapToInt(x -> x.className().split(" ").length - 1).sum());
        }
    }

    @Test
    void shuffledAndGarbageSequencesNeverThrowAndCountWhatTheySkip() {
        SplittableRandom r = new SplittableRandom(3);
        for (int n = 0; n < 200; n++) {
            int[] ids = tokenizer.encode(random(r));
            for (int i = ids.length - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = ids[i];
                ids[i] = ids[j];
                ids[j] = t;
            }
            Decoded<Detections> d = tokenizer.decodeTolerant(ids);
            for (Detection det : d.value().instances()) {
                assertThat(det.box().xmin()).isLessThanOrEqualTo(det.box().xmax());
            }
            int[] garbage = r.ints(r.nextInt(1, 60), -5, 30010).toArray();
            long outside = java.util.Arrays.stream(garbage).filter(id -> id < 0 || id >= 30000).count();
            int eos = java.util.stream.IntStream.range(0, garbage.length).filter(i -> garbage[i] == 3).findFirst()
                    .orElse(garbage.length);
            long outsideBeforeEos = java.util.Arrays.stream(garbage, 0, eos).filter(id -> id < 0 || id >= 30000)
                    .count();
            assertThat(tokenizer.decodeTolerant(garbage).skipped()).isGreaterThanOrEqualTo((int) outsideBeforeEos);
            assertThat(outside).isGreaterThanOrEqualTo(0);
        }
        Decoded<Detections> bad = serializer.fromText("v0=5 v1=5 v2=1 v3=9 dog v0=1 v1=1 v2=2 v3=2 cat [S_1] v1=3");
        assertThat(bad.value().instances()).singleElement().extracting(Detection::className).isEqualTo("cat");
        assertThat(bad.skipped()).isEqualTo(5 + 2);
    }

    @Test
    void invalidValuesAreRefusedNamingTheField() {
        assertThatThrownBy(() -> new BoundingBox(0.5, 0, 0.4, 1)).hasMessageContaining("xmin <= xmax");
        assertThatThrownBy(() -> new BoundingBox(-0.1, 0, 0.4, 1)).hasMessageContaining("xmin")
                .hasMessageContaining("[0, 1]");
        assertThatThrownBy(() -> Detection.scored(new BoundingBox(0, 0, 1, 1), " ", 1)).hasMessageContaining("class name");
        assertThatThrownBy(() -> Detection.scored(new BoundingBox(0, 0, 1, 1), "dog", 1.5)).hasMessageContaining("score");
        assertThatThrownBy(() -> serializer.toText(null)).hasMessageContaining("det");
    }

    @Test
    void serialisedTextHasTheReferenceIds() throws Exception {
        SplittableRandom r = new SplittableRandom(4);
        List<String> texts = new ArrayList<>();
        for (int n = 0; n < 80; n++) {
            texts.add(serializer.toText(random(r)));
        }
        ReferenceIds.assertSameIds(texts, TextTokenizer::load, TextTokenizer::encode, TextTokenizer::decode);
    }
}
