package fourm.modality.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SequenceTokenizerTest {
    private final SequenceTokenizer<String> captions =
            new SequenceTokenizer<>(CaptionSerializer.INSTANCE, TextTokenizer.builtin());

    @Test
    void decodingStopsAtEosAndIgnoresPaddingAndStart() {
        int[] ids = captions.encode("a dog on a bench");
        int[] generated = new int[ids.length + 5];
        generated[0] = TokenLayout.SOS;
        System.arraycopy(ids, 0, generated, 1, ids.length);
        generated[ids.length + 1] = TokenLayout.EOS;
        generated[ids.length + 2] = captions.textTokenizer().id("cat");
        Decoded<String> d = captions.decodeTolerant(generated);
        assertThat(d.value()).isEqualTo("a dog on a bench");
        assertThat(d.skipped()).isZero();
    }

    @Test
    void idsOutsideTheVocabularyAreCountedAsSkipped() {
        int[] ids = captions.encode("two cats");
        int[] garbage = {ids[0], -3, 30000, ids[1], 123456};
        Decoded<String> d = captions.decodeTolerant(garbage);
        assertThat(d.value()).isEqualTo("two cats");
        assertThat(d.skipped()).isEqualTo(3);
        assertThat(captions.decode(garbage)).isEqualTo("two cats");
    }

    @Test
    void captionsInNormalFormRoundTrip() {
        for (String caption : new String[] {"a man riding a horse on the beach.", "traffic light v0=12 [S_3]",
            "", "naive cafe, at night!"}) {
            assertThat(captions.decode(captions.encode(caption))).isEqualTo(caption);
        }
    }

    @Test
    void reportsWordPieceWithTheFileItWasLoadedFromAsCheckpoint(@TempDir Path dir) throws Exception {
        assertThat(captions.info().type()).isEqualTo("wordpiece");
        assertThat(captions.info().checkpoint()).as("built-in: no file").isEmpty();

        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, TokenizerBuilder.buildDefault());
        SequenceTokenizer<String> loaded = new SequenceTokenizer<>(CaptionSerializer.INSTANCE, TextTokenizer.load(file));
        assertThat(loaded.info().type()).isEqualTo("wordpiece");
        assertThat(loaded.info().checkpoint()).contains(file.toString());
    }
}
