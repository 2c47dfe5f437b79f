package fourm.modality.color.palette;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fourm.modality.text.Decoded;
import fourm.modality.text.SequenceTokenizer;
import fourm.modality.text.TextTokenizer;
import fourm.testing.ReferenceIds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ColorPaletteSerializerTest {
    private final ColorPaletteSerializer serializer = ColorPaletteSerializer.INSTANCE;
    private final SequenceTokenizer<ColorPalette> tokenizer =
            new SequenceTokenizer<>(serializer, TextTokenizer.builtin());

    @Test
    void writesTheReferenceFormat() {
        ColorPalette p = new ColorPalette(List.of(new Rgb(255, 0, 12), new Rgb(1, 2, 3)));
        assertThat(serializer.toText(p)).isEqualTo("v1=2 v0=255 v0=0 v0=12 v0=1 v0=2 v0=3");
        assertThat(tokenizer.encode(p)).containsExactly(1206, 459, 204, 216, 205, 206, 207);
    }

    @Test
    void roundTripsExactly() {
        SplittableRandom r = new SplittableRandom(1);
        for (int n = 0; n < 300; n++) {
            ColorPalette p = SerializerSamples.exact(r);
            assertThat(tokenizer.decodeTolerant(tokenizer.encode(p))).isEqualTo(new Decoded<>(p, 0));
        }
    }

    @Test
    void malformedSequencesDecodeToTheirValidColours() {
        Decoded<ColorPalette> d = serializer.fromText("dog v1=9 v1=2 v0=1 v0=2 v0=3 v0=300 v0=4 v0=5 v0=6 v0=7 v0=8");
        assertThat(d.value().colors()).containsExactly(new Rgb(1, 2, 3), new Rgb(4, 5, 6));
        assertThat(d.skipped()).isEqualTo(2 + 1 + 2);
        assertThat(serializer.fromText("v0=1 v0=2 v0=3")).isEqualTo(new Decoded<>(new ColorPalette(List.of()), 3));
        SplittableRandom r = new SplittableRandom(2);
        for (int n = 0; n < 200; n++) {
            ColorPalette p = SerializerSamples.exact(r);
            int[] ids = tokenizer.encode(p);
            int cut = r.nextInt(1, ids.length + 1);
            Decoded<ColorPalette> t = tokenizer.decodeTolerant(Arrays.copyOf(ids, cut));
            assertThat(t.value().colors()).isEqualTo(p.colors().subList(0, (cut - 1) / 3));
            assertThat(t.skipped()).isEqualTo((cut - 1) % 3);
            int[] garbage = r.ints(30, -10, 30020).toArray();
            assertThat(tokenizer.decodeTolerant(garbage).value().colors()).hasSizeLessThanOrEqualTo(7);
            for (int i = ids.length - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int x = ids[i];
                ids[i] = ids[j];
                ids[j] = x;
            }
            Decoded<ColorPalette> s = tokenizer.decodeTolerant(ids);
            assertThat(3 * s.value().colors().size() + s.skipped()).isLessThanOrEqualTo(ids.length);
        }
    }

    @Test
    void invalidPalettesAreRefused() {
        assertThatThrownBy(() -> new Rgb(0, 256, 0)).hasMessageContaining("channel g").hasMessageContaining("[0, 255]");
        assertThatThrownBy(() -> serializer.toText(new ColorPalette(List.of()))).hasMessageContaining("1 to 7");
        assertThatThrownBy(() -> new ColorPalette(java.util.Collections.nCopies(8, new Rgb(0, 0, 0))))
                .hasMessageContaining("at most 7");
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
