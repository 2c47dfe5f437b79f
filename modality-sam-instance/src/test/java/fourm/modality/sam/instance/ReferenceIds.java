package fourm.modality.sam.instance;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import fourm.modality.text.TextTokenizer;
import fourm.testing.SharedFiles;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Checks texts against the reference's tokenizer file: fourm's ids equal the Hugging Face library's, called directly. */
final class ReferenceIds {
    private ReferenceIds() {
    }

    static void assertSameIds(List<String> texts) throws Exception {
        Path file = SharedFiles.require("reference/text_tokenizer_4m_wordpiece_30k.json");
        TextTokenizer fourm = TextTokenizer.load(file);
        try (HuggingFaceTokenizer direct = HuggingFaceTokenizer.newInstance(file, Map.of("addSpecialTokens", "false"))) {
            for (String text : texts) {
                long[] ours = Arrays.stream(fourm.encode(text)).asLongStream().toArray();
                assertThat(ours).as("ids of %s", text).isEqualTo(direct.encode(text, false, false).getIds());
                assertThat(fourm.decode(fourm.encode(text))).as("decode of %s", text).isEqualTo(text);
            }
        }
    }
}
