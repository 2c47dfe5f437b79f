package fourm.cli;

import static fourm.cli.Run.fourm;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import fourm.modality.text.TextTokenizer;
import fourm.modality.text.TokenizerBuilder;
import fourm.testing.SharedFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tokenize}, {@code detokenize} and {@code tokenizer build|train}, run in process. */
class TextCommandsTest {
    @TempDir
    Path dir;

    /** What one run printed. */
    @Test
    void tokenizeWithTheReferenceFilePrintsTheReferenceIds() {
        Path ref = SharedFiles.require("reference/text_tokenizer_4m_wordpiece_30k.json");
        Run r = fourm("tokenize", "--tokenizer", ref.toString(), "--modality", "det", "--json",
                "v0=0 v1=100 v2=200 v3=300 traffic light", "v0=1 v1=1 v2=2 v3=2 person");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(JsonParser.parseString(r.out()).getAsJsonArray()).isEqualTo(JsonParser.parseString(
                "[[204,1304,2404,3504,4276],[205,1205,2206,3206,4253]]"));
    }

    @Test
    void tokenizeCaptionsPrintsOneLineOfIdsPerText() {
        Run r = fourm("tokenize", "[EOS] [S_1] v0=0 person", "a dog.");
        assertThat(r.exit()).as(r.err()).isZero();
        TextTokenizer t = TextTokenizer.builtin();
        assertThat(r.out().lines()).containsExactly("3 5 204 4253",
                String.join(" ", java.util.Arrays.stream(t.encode("a dog.")).mapToObj(Integer::toString).toList()));
    }

    @Test
    void detokenizeReadsTheOutputOfTokenizeJson() {
        Run tok = fourm("tokenize", "--modality", "color_palette", "--json", "v1=1 v0=255 v0=0 v0=12",
                "v1=2 v0=1 v0=2 v0=3 v0=4 v0=5 v0=6");
        assertThat(tok.exit()).as(tok.err()).isZero();
        Run r = fourm("detokenize", "--modality", "color_palette", tok.out().strip());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines()).containsExactly("v1=1 v0=255 v0=0 v0=12", "v1=2 v0=1 v0=2 v0=3 v0=4 v0=5 v0=6");
    }

    @Test
    void detokenizeSkipsMalformedPartsAndSaysSo() {
        // det: a valid detection, then a truncated one; [EOS] ends the sequence.
        Run r = fourm("detokenize", "--modality", "det", "--json", "204,1304,2404,3504,4276,205,1205,3,4253");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonArray a = JsonParser.parseString(r.out()).getAsJsonArray();
        assertThat(a.get(0).getAsJsonObject().get("text").getAsString())
                .isEqualTo("v0=0 v1=100 v2=200 v3=300 traffic light");
        assertThat(a.get(0).getAsJsonObject().get("skipped").getAsInt()).isEqualTo(2);
        Run plain = fourm("detokenize", "--modality", "det", "204 1304 2404 3504 4276 205 1205");
        assertThat(plain.err()).contains("sequence 1: skipped 2");
    }

    @Test
    void badInputIsAUserErrorNamingWhatIsWrong() {
        Run unknown = fourm("tokenize", "--modality", "no_such", "x");
        assertThat(unknown.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(unknown.err()).contains("unknown modality 'no_such'").contains("caption");
        Run notText = fourm("tokenize", "--modality", "rgb@224", "x");
        assertThat(notText.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(notText.err()).contains("has no text tokenizer").contains("det");
        // an image-like modality tokenizes files with its plugin's tokenizer, and says which setting it lacks
        Run image = fourm("tokenize", "--modality", "tok_rgb@224", "x.png");
        assertThat(image.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(image.err()).contains("fourm.modality.rgb.tokens.tokenizer.checkpoint").contains("--tokenizer");
        Run malformed = fourm("tokenize", "--modality", "det", "v0=1 person");
        assertThat(malformed.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(malformed.err()).contains("not a well-formed 'det' sequence");
        Path missing = dir.resolve("missing.json");
        Run noFile = fourm("tokenize", "--tokenizer", missing.toString(), "x");
        assertThat(noFile.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(noFile.err()).contains(missing.toString());
        Run badIds = fourm("detokenize", "1,two,3");
        assertThat(badIds.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(badIds.err()).contains("'two' is not an integer id");
    }

    @Test
    void tokenizerBuildWritesTheDefaultAndTrainLearnsFromText() throws Exception {
        Path built = dir.resolve("fourm.json");
        Run b = fourm("tokenizer", "build", "-o", built.toString());
        assertThat(b.exit()).as(b.err()).isZero();
        assertThat(b.out()).contains("30000 ids");
        assertThat(Files.readString(built)).isEqualTo(TokenizerBuilder.buildDefault());

        Path text = Files.write(dir.resolve("captions.txt"), List.of("a man riding a horse", "a horse on a beach",
                "two men riding horses on the beach", "the beach at sunset"), StandardCharsets.UTF_8);
        Path trained = dir.resolve("trained/tokenizer.json");
        Run t = fourm("tokenizer", "train", "--text", text.toString(), "-o", trained.toString(), "--min-frequency", "2");
        assertThat(t.exit()).as(t.err()).isZero();
        TextTokenizer learned = TextTokenizer.load(trained);
        learned.requireReferenceLayout();
        assertThat(learned.tokenize("riding horses")).doesNotContain("[UNK]");
        Run tok = fourm("tokenize", "--tokenizer", trained.toString(), "person v0=3");
        assertThat(tok.out().strip()).isEqualTo("4253 207");

        Run bad = fourm("tokenizer", "train", "--text", dir.resolve("none.txt").toString(), "-o", trained.toString());
        assertThat(bad.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(bad.err()).contains("none.txt");
        Run noSub = fourm("tokenizer");
        assertThat(noSub.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(noSub.err()).contains("build").contains("train");
    }
}
