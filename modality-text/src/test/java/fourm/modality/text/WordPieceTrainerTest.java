package fourm.modality.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WordPieceTrainerTest {
    @TempDir
    Path dir;

    /** A seeded caption corpus with a skewed word distribution. */
    static List<String> captions(long seed, int n) {
        String[] words = {"a", "the", "man", "woman", "riding", "horse", "beach", "sunset", "standing", "near",
            "tower", "towers", "walking", "walked", "walks", "street", "streets", "Crème", "brûlée", "table", "red",
            "blue", "bicycle", "bicycles", "with", "on", "in", "of", "dog", "person", "cats", "photograph"};
        SplittableRandom r = new SplittableRandom(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StringBuilder b = new StringBuilder();
            for (int k = 0, len = r.nextInt(3, 12); k < len; k++) {
                int w = (int) Math.min(words.length - 1, Math.floor(-Math.log(1 - r.nextDouble()) * 6));
                b.append(k > 0 ? " " : "").append(words[w]);
            }
            out.add(b.append(r.nextBoolean() ? "." : ", v0=12 v1=4").toString());
        }
        return out;
    }

    @Test
    void trainingIsByteIdenticalOnRerunsAndFromAFile() throws IOException {
        List<String> text = captions(3, 2000);
        WordPieceTrainer trainer = new WordPieceTrainer(TokenLayout.FIRST_WORDPIECE + 300, 2);
        String first = trainer.train(text);
        assertThat(trainer.train(text)).isEqualTo(first);
        Path corpus = dir.resolve("captions.txt");
        Files.write(corpus, text, StandardCharsets.UTF_8);
        Path out = dir.resolve("out/tokenizer.json");
        trainer.train(corpus, out);
        assertThat(Files.readString(out)).isEqualTo(first);
    }

    @Test
    void theLearnedTokenizerHasTheLayoutAndSpellsItsTrainingTextWithoutUnknowns() {
        List<String> text = captions(5, 2000);
        TextTokenizer t = TextTokenizer.fromJson(new WordPieceTrainer(TokenLayout.FIRST_WORDPIECE + 400, 2)
                .train(text), "trained");
        t.requireReferenceLayout();
        assertThat(t.vocabSize()).isLessThanOrEqualTo(TokenLayout.FIRST_WORDPIECE + 400);
        for (String caption : text.subList(0, 200)) {
            assertThat(t.encode(caption)).as(caption).doesNotContain(t.unkId());
        }
        // Frequent words become single pieces; the layout's tokens keep their ids.
        assertThat(t.tokenize("the man riding")).containsExactly("the", "man", "riding");
        assertThat(t.encode("person v0=12")).containsExactly(4253, TokenLayout.coordinateId(0, 12));
        assertThat(t.decode(t.encode("crème brûlée"))).isEqualTo("creme brulee");
    }

    @Test
    void aSmallBudgetKeepsTheAlphabetAndStopsMerging() {
        WordPieceTrainer trainer = new WordPieceTrainer(TokenLayout.FIRST_WORDPIECE + 1, 1);
        List<String> pieces = trainer.learn(List.of("ab ab ab"));
        assertThat(pieces).containsExactly("##b");
        List<String> unbounded = new WordPieceTrainer(30000, 1).learn(List.of("ab ab ab", "abc"));
        assertThat(unbounded).containsExactly("##b", "##c", "a", "ab", "abc");
    }

    @Test
    void minFrequencyStopsRareMerges() {
        List<String> pieces = new WordPieceTrainer(30000, 3).learn(List.of("xy xy zw"));
        assertThat(pieces).containsExactly("##w", "##y", "x", "z");
    }

    @Test
    void badInputIsRefusedClearly() {
        assertThatThrownBy(() -> new WordPieceTrainer(100, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("vocab-size").hasMessageContaining("4284");
        assertThatThrownBy(() -> WordPieceTrainer.defaults().train(List.of("  ", "person")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no words");
        assertThatThrownBy(() -> WordPieceTrainer.defaults().train(dir.resolve("missing.txt")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing.txt");
    }

    @Test
    void bertPreTokenisationMatchesTheLibrarys() {
        TextTokenizer t = TextTokenizer.builtin();
        for (String text : List.of("Hello, World!", "naïve CAFÉ -- 東京 it's 3.14 (approx)", "tab\tand\nnew—line",
                "Ångström's «quotes» and_underscores")) {
            String[] tokens = t.tokenize(text);
            assertThat(tokens).as(text).doesNotContain("[UNK]");
            List<String> words = new ArrayList<>();
            for (String token : tokens) {
                if (token.startsWith("##")) {
                    words.set(words.size() - 1, words.get(words.size() - 1) + token.substring(2));
                } else {
                    words.add(token);
                }
            }
            assertThat(BertText.words(text)).as(text).isEqualTo(words);
        }
    }
}
