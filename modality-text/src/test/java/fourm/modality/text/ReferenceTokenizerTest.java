package fourm.modality.text;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** fourm's tokenizer on the reference's file against the Hugging Face library called directly, and known ids. */
class ReferenceTokenizerTest {
    private static TextTokenizer fourm;
    private static HuggingFaceTokenizer direct;

    @BeforeAll
    static void load() {
        fourm = ReferenceTokenizer.fourm();
        direct = ReferenceTokenizer.direct();
    }

    @AfterAll
    static void close() {
        if (direct != null) {
            direct.close();
        }
    }

    @Test
    void knownIdsOfTheReferenceLayout() {
        assertThat(fourm.eosId()).isEqualTo(3);
        assertThat(fourm.sentinelId(1)).isEqualTo(5);
        assertThat(fourm.id("v0=0")).isEqualTo(204);
        assertThat(fourm.id("person")).isEqualTo(4253);
        assertThat(fourm.encode("[EOS] [S_1] v0=0 person")).containsExactly(3, 5, 204, 4253);
        assertThat(fourm.encode("v3=999 traffic light zebra")).containsExactly(4203, 4276, 4283);
        assertThat(fourm.vocabSize()).isEqualTo(30000);
        fourm.requireReferenceLayout();
    }

    @Test
    void corpusIdsEqualTheHuggingFaceLibraryCalledDirectly() {
        List<String> corpus = TextCorpus.generate(2024);
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(300);
        List<String> mismatches = new ArrayList<>();
        for (String text : corpus) {
            int[] ours = fourm.encode(text);
            long[] theirs = direct.encode(text, false, false).getIds();
            if (!Arrays.equals(Arrays.stream(ours).asLongStream().toArray(), theirs)) {
                mismatches.add(text + " -> " + Arrays.toString(ours) + " vs " + Arrays.toString(theirs));
            }
        }
        assertThat(mismatches).as("texts whose ids differ").isEmpty();
    }

    @Test
    void decodeIsTheLibrarysDecodeWithSpecialTokensKept() {
        for (String text : TextCorpus.generate(7)) {
            int[] ids = fourm.encode(text);
            assertThat(fourm.decode(ids)).as("decode of %s", text)
                    .isEqualTo(direct.decode(Arrays.stream(ids).asLongStream().toArray(), false));
        }
    }

    @Test
    void structuredTextSurvivesEncodeAndDecode() {
        String det = "v0=12 v1=40 v2=310 v3=998 traffic light v0=500 v1=0 v2=999 v3=7 person";
        assertThat(fourm.decode(fourm.encode(det))).isEqualTo(det);
        String sentinels = "[S_1] a dog [S_2] v1=3 v0=255 [EOS] [PAD]";
        assertThat(fourm.decode(fourm.encode(sentinels))).isEqualTo(sentinels);
        assertThat(fourm.decode(fourm.encode("A Dog, on a Bench."))).isEqualTo("a dog, on a bench.");
    }

    @Test
    void singleWordBoundariesAndCaseFollowTheAddedTokensFlags() {
        // v0=12three is not the coordinate v0=12: single-word tokens need a word boundary.
        assertThat(fourm.tokenize("v0=12three")).doesNotContain("v0=12").contains("=");
        // Class names are matched on normalised (lower-cased) text; coordinates are not normalised.
        assertThat(fourm.encode("Traffic LIGHT")).containsExactly(4276);
        assertThat(fourm.tokenize("V0=12")).doesNotContain("v0=12");
        assertThat(fourm.encode("x".repeat(101))).containsExactly(fourm.unkId());
    }

    @Test
    void idsOutsideTheVocabularyAreLeftOutOfDecoding() {
        assertThat(fourm.decode(new int[] {4253, 30000, -1, 204, Integer.MAX_VALUE})).isEqualTo("person v0=0");
        assertThat(fourm.token(29999)).isPresent();
        assertThat(fourm.token(30000)).isEmpty();
    }

    @Test
    void cocoClassNamesAreTheReferencesAddedTokensInOrder() throws IOException {
        JsonArray added = JsonParser.parseString(Files.readString(ReferenceTokenizer.path()))
                .getAsJsonObject().getAsJsonArray("added_tokens");
        List<String> names = new ArrayList<>();
        for (JsonElement e : added) {
            int id = e.getAsJsonObject().get("id").getAsInt();
            if (id >= TokenLayout.FIRST_CLASS && id < TokenLayout.FIRST_WORDPIECE) {
                names.add(e.getAsJsonObject().get("content").getAsString());
            }
        }
        assertThat(CocoClasses.names()).containsExactlyElementsOf(names);
    }

    @Test
    void builtinAddedTokensEqualTheReferencesIdsAndFlags() throws IOException {
        JsonArray ref = JsonParser.parseString(Files.readString(ReferenceTokenizer.path()))
                .getAsJsonObject().getAsJsonArray("added_tokens");
        JsonArray own = JsonParser.parseString(TokenizerBuilder.buildDefault())
                .getAsJsonObject().getAsJsonArray("added_tokens");
        assertThat(own.size()).isEqualTo(ref.size()).isEqualTo(TokenLayout.FIRST_WORDPIECE);
        for (int i = 0; i < ref.size(); i++) {
            JsonObject r = ref.get(i).getAsJsonObject();
            assertThat(own.get(i).getAsJsonObject()).as("added token %d", i).isEqualTo(r);
        }
        TextTokenizer builtin = TextTokenizer.builtin();
        for (int id = 0; id < TokenLayout.FIRST_WORDPIECE; id++) {
            assertThat(builtin.token(id)).as("id %d", id).isEqualTo(fourm.token(id));
        }
        JsonObject refRoot = JsonParser.parseString(Files.readString(ReferenceTokenizer.path())).getAsJsonObject();
        JsonObject ownRoot = JsonParser.parseString(TokenizerBuilder.buildDefault()).getAsJsonObject();
        for (String key : List.of("normalizer", "pre_tokenizer", "post_processor", "decoder", "truncation", "padding")) {
            assertThat(ownRoot.get(key)).as(key).isEqualTo(refRoot.get(key));
        }
        JsonObject refModel = refRoot.getAsJsonObject("model").deepCopy();
        JsonObject ownModel = ownRoot.getAsJsonObject("model").deepCopy();
        refModel.remove("vocab");
        ownModel.remove("vocab");
        assertThat(ownModel).isEqualTo(refModel);
    }
}
