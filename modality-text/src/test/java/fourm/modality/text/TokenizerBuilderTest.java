package fourm.modality.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerBuilderTest {
    @TempDir
    Path dir;

    @Test
    void writingTheDefaultTwiceGivesByteIdenticalFiles() throws IOException {
        Path a = dir.resolve("a/tokenizer.json");
        Path b = dir.resolve("b.json");
        TokenizerBuilder.writeDefault(a);
        TokenizerBuilder.writeDefault(b);
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
        assertThat(Files.readString(a)).isEqualTo(TokenizerBuilder.buildDefault());
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("a", "b.json");
        }
    }

    @Test
    void theDefaultHasThirtyThousandIdsInTheReferenceLayout() {
        TextTokenizer t = TextTokenizer.builtin();
        assertThat(t.vocabSize()).isEqualTo(30000);
        t.requireReferenceLayout();
        assertThat(t.eosId()).isEqualTo(3);
        assertThat(t.sentinelId(1)).isEqualTo(5);
        assertThat(t.id("v0=0")).isEqualTo(204);
        assertThat(t.id("person")).isEqualTo(4253);
        assertThat(t.token(TokenLayout.FIRST_WORDPIECE)).contains("!");
        assertThat(t.encode("[EOS] [S_1] v0=0 person")).containsExactly(3, 5, 204, 4253);
    }

    @Test
    void theDefaultSpellsEverydayTextWithoutUnknownTokens() {
        TextTokenizer t = TextTokenizer.builtin();
        String caption = "A young woman riding a bicycle past the old cathedral, at sunset!";
        assertThat(t.encode(caption)).doesNotContain(t.unkId());
        assertThat(t.decode(t.encode(caption))).isEqualTo("a young woman riding a bicycle past the old cathedral,"
                + " at sunset!");
        // Rare words are spelt with continuation pieces rather than [UNK].
        assertThat(t.tokenize("polygon")).containsExactly("pol", "##y", "##gon");
        assertThat(t.encode("Zygomorphic naïveté")).doesNotContain(t.unkId());
    }

    @Test
    void theWordPiecesDropBertsSpecialsAndUnusedAndKeepTheAlphabet() {
        List<String> pieces = TokenizerBuilder.defaultWordPieces();
        assertThat(pieces).hasSize(30000 - TokenLayout.FIRST_WORDPIECE).doesNotHaveDuplicates()
                .doesNotContain("[CLS]", "[SEP]", "[MASK]", "[unused0]", "person", "dog")
                .contains("the", "##s", "##z", "a", "東");
        List<String> bert = TokenizerBuilder.bertVocabulary();
        assertThat(bert).hasSize(30522);
        long alphabet = bert.stream().filter(TokenizerBuilder::isAlphabet).count();
        assertThat(pieces.stream().filter(TokenizerBuilder::isAlphabet).count()).isEqualTo(alphabet);
        // Kept pieces keep BERT's relative order.
        java.util.Map<String, Integer> bertId = new java.util.HashMap<>();
        for (int i = 0; i < bert.size(); i++) {
            bertId.put(bert.get(i), i);
        }
        assertThat(pieces).isSortedAccordingTo(java.util.Comparator.comparing(bertId::get));
    }

    @Test
    void fromWordPiecesRefusesRepeatsAndReservedTokens() {
        assertThatThrownBy(() -> TokenizerBuilder.fromWordPieces(List.of("a", "b", "a")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a' is repeated");
        assertThatThrownBy(() -> TokenizerBuilder.fromWordPieces(List.of("v0=3")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
        assertThatThrownBy(() -> TokenizerBuilder.fromWordPieces(List.of("")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("non-empty");
    }
}
