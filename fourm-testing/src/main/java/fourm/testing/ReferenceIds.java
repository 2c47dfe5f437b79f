package fourm.testing;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Checks that a text tokenizer gives the same ids as the reference's tokenizer file read by the Hugging Face library
 * directly, and decodes them back to the text: the check every sequence plugin (detections, poses, SAM instances,
 * colour palettes, metadata) runs over the texts its serializer writes. The file is read through
 * {@link SharedFiles}, so the calling test is skipped where the shared folder is absent.
 */
public final class ReferenceIds {
    /** The reference's WordPiece tokenizer file, relative to the shared folder. */
    public static final String TOKENIZER_FILE = "reference/text_tokenizer_4m_wordpiece_30k.json";

    private ReferenceIds() {
    }

    /**
     * Loads the tokenizer under test from a tokenizer file.
     *
     * @param <T> the tokenizer type
     */
    @FunctionalInterface
    public interface Loader<T> {
        /**
         * Loads the tokenizer at {@code file}.
         *
         * @param file the Hugging Face tokenizer JSON
         * @return the tokenizer
         * @throws Exception if it cannot be loaded
         */
        T load(Path file) throws Exception;
    }

    /** Encodes a text to ids. @param <T> the tokenizer type */
    @FunctionalInterface
    public interface Encoder<T> {
        /**
         * The ids of {@code text}, without special tokens.
         *
         * @param tokenizer the tokenizer
         * @param text      the text
         * @return its ids
         */
        int[] encode(T tokenizer, String text);
    }

    /** Decodes ids to a text. @param <T> the tokenizer type */
    @FunctionalInterface
    public interface Decoder<T> {
        /**
         * The text of {@code ids}.
         *
         * @param tokenizer the tokenizer
         * @param ids       the ids
         * @return the text
         */
        String decode(T tokenizer, int[] ids);
    }

    /**
     * Asserts, for every text, that the tokenizer's ids equal the Hugging Face library's for the reference file and
     * that decoding them gives the text back.
     *
     * @param <T>    the tokenizer type
     * @param texts  the texts to check
     * @param load   loads the tokenizer under test from the reference file
     * @param encode its encoding
     * @param decode its decoding
     * @throws Exception if the tokenizer cannot be loaded
     */
    public static <T> void assertSameIds(List<String> texts, Loader<T> load, Encoder<T> encode, Decoder<T> decode)
            throws Exception {
        Path file = SharedFiles.require(TOKENIZER_FILE);
        T ours = load.load(file);
        try (HuggingFaceTokenizer direct = HuggingFaceTokenizer.newInstance(file, Map.of("addSpecialTokens", "false"))) {
            for (String text : texts) {
                int[] ids = encode.encode(ours, text);
                long[] asLong = Arrays.stream(ids).asLongStream().toArray();
                assertThat(asLong).as("ids of %s", text).isEqualTo(direct.encode(text, false, false).getIds());
                assertThat(decode.decode(ours, ids)).as("decode of %s", text).isEqualTo(text);
            }
        }
    }
}
