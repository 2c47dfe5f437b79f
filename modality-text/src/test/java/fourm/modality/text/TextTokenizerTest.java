package fourm.modality.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextTokenizerTest {
    @TempDir
    Path dir;

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("nope.json");
        assertThatThrownBy(() -> TextTokenizer.load(missing)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("does not exist");
    }

    @Test
    void aFileThatIsNotJsonIsNamed() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.json"), "{ not json");
        assertThatThrownBy(() -> TextTokenizer.load(bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(bad.toString()).hasMessageContaining("not valid JSON");
    }

    @Test
    void aJsonFileWithoutAVocabularyNamesTheKey() throws Exception {
        Path bad = Files.writeString(dir.resolve("novocab.json"), "{\"model\": {\"type\": \"WordPiece\"}}");
        assertThatThrownBy(() -> TextTokenizer.load(bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(bad.toString()).hasMessageContaining("model.vocab");
        Path ids = Files.writeString(dir.resolve("ids.json"), "{\"model\": {\"vocab\": {\"a\": \"one\"}}}");
        assertThatThrownBy(() -> TextTokenizer.load(ids)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model.vocab.a").hasMessageContaining("integer id");
    }

    @Test
    void aTokenizerTheLibraryRefusesIsNamed() throws Exception {
        Path bad = Files.writeString(dir.resolve("odd.json"), "{\"model\": {\"type\": \"Nope\", \"vocab\": {\"a\": 0}}}");
        assertThatThrownBy(() -> TextTokenizer.load(bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(bad.toString()).hasMessageContaining("refused");
    }

    @Test
    void aTokenizerWithAnotherLayoutIsRefusedByTheLayoutCheck() throws Exception {
        String bert = new String(TokenizerBuilder.class.getResourceAsStream(TokenizerBuilder.BERT_RESOURCE)
                .readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        TextTokenizer t = TextTokenizer.fromJson(bert, "bert.json");
        assertThat(t.vocabSize()).isEqualTo(30522);
        assertThatThrownBy(t::requireReferenceLayout).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bert.json").hasMessageContaining("'[UNK]' should have id 1 but has id 100");
        assertThatThrownBy(() -> t.id("[EOS]")).hasMessageContaining("'[EOS]' is not in the vocabulary of bert.json");
    }

    @Test
    void concurrentUseGivesTheSameIdsAsSequentialUse() throws Exception {
        TextTokenizer t = TextTokenizer.builtin();
        List<String> corpus = TextCorpus.generate(99);
        List<int[]> expected = new ArrayList<>();
        corpus.forEach(s -> expected.add(t.encode(s)));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int worker = 0; worker < 4; worker++) {
                int offset = worker;
                results.add(pool.submit(() -> {
                    for (int round = 0; round < 3; round++) {
                        for (int i = 0; i < corpus.size(); i++) {
                            int k = (i * 7 + offset * 13 + round) % corpus.size();
                            if (!java.util.Arrays.equals(t.encode(corpus.get(k)), expected.get(k))
                                    || !t.decode(expected.get(k)).equals(t.decode(t.encode(corpus.get(k))))) {
                                return false;
                            }
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> r : results) {
                assertThat(r.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void encodeReturnsFreshArrays() {
        TextTokenizer t = TextTokenizer.builtin();
        int[] a = t.encode("a dog");
        a[0] = -5;
        assertThat(t.encode("a dog")[0]).isNotNegative();
    }

    @Test
    void coordinateTokensParseOnlyTheirExactForm() {
        assertThat(TokenLayout.parseCoordinate("v2=17")).hasValue(2017);
        assertThat(TokenLayout.parseCoordinate("v0=0")).hasValue(0);
        assertThat(TokenLayout.parseCoordinate("v3=999")).hasValue(3999);
        for (String bad : List.of("v4=1", "v0=1000", "v0=012", "v0=", "v0=-1", "V0=1", "v0=1a", "x0=1", "v01")) {
            assertThat(TokenLayout.parseCoordinate(bad)).as(bad).isEmpty();
        }
        assertThat(TokenLayout.coordinateId(1, 0)).isEqualTo(1204);
        assertThat(TokenLayout.reservedToken(4283)).isEqualTo("zebra");
        assertThatThrownBy(() -> TokenLayout.coordinate(0, 1000)).hasMessageContaining("[0, 1000)");
    }
}
