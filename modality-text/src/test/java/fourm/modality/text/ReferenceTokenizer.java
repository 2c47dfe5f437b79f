package fourm.modality.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import fourm.testing.SharedFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/** The reference's tokenizer file, read through {@link SharedFiles} (tests skip when it is absent). */
final class ReferenceTokenizer {
    static final String FILE = "reference/text_tokenizer_4m_wordpiece_30k.json";

    private ReferenceTokenizer() {
    }

    /** The reference file, or a skipped test. */
    static Path path() {
        return SharedFiles.require(FILE);
    }

    /** fourm's tokenizer over the reference file. */
    static TextTokenizer fourm() {
        return TextTokenizer.load(path());
    }

    /** The Hugging Face tokenizers library on the reference file, called directly, adding no special tokens. */
    static HuggingFaceTokenizer direct() {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        try {
            return HuggingFaceTokenizer.newInstance(path(), Map.of("addSpecialTokens", "false"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
