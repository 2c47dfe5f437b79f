package fourm.modality.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The 4M text tokenizer: any Hugging Face {@code tokenizer.json}, run by the Hugging Face tokenizers library (Rust,
 * through DJL's binding), with no special tokens added around the text (the reference has no post-processor: no
 * CLS/SEP).
 *
 * <p>Encoding is Hugging Face's: added tokens (specials, sentinels, {@code v0=..v3=} coordinates, COCO class names,
 * multi-word ones included) are matched first, respecting their single-word boundaries, and the rest of the text goes
 * through the file's normaliser, pre-tokeniser and WordPiece model. With the reference file the ids are the
 * reference's. {@link #decode(int[])} is Hugging Face's decode with special tokens kept, so sentinels, coordinates and
 * class names survive (the reference marks all of them special; skipping specials would drop {@code dog} and
 * {@code v0=12}).
 *
 * <p>Instances are immutable, stateless and thread-safe (the native tokenizer is only read).
 * {@link #builtin()} is fourm's own default ({@link TokenizerBuilder}); {@link #load(Path)} reads a file.
 */
public final class TextTokenizer {
    static {
        // DJL's tokenizer binding must never reach the network (no hub download, no telemetry).
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
    }

    private final String source;
    private final HuggingFaceTokenizer native_;
    private final String[] tokens;
    private final Map<String, Integer> ids;

    private TextTokenizer(String source, HuggingFaceTokenizer tokenizer, String[] tokens, Map<String, Integer> ids) {
        this.source = source;
        this.native_ = tokenizer;
        this.tokens = tokens;
        this.ids = ids;
    }

    /**
     * Loads a Hugging Face {@code tokenizer.json}.
     *
     * @throws IllegalArgumentException naming the file when it is missing, is not JSON or is not a tokenizer file
     */
    public static TextTokenizer load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("tokenizer file " + file + " does not exist; expected a Hugging Face"
                    + " tokenizer.json", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tokenizer file " + file, e);
        }
        return fromJson(new String(bytes, StandardCharsets.UTF_8), file.toString());
    }

    /**
     * Reads a tokenizer from the text of a {@code tokenizer.json}.
     *
     * @param json   the file's content
     * @param source where it came from, named in errors and by {@link #source()}
     * @throws IllegalArgumentException naming {@code source} when the JSON is not a tokenizer
     */
    public static TextTokenizer fromJson(String json, String source) {
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(source, "source");
        JsonObject root;
        try {
            JsonElement parsed = JsonParser.parseString(json);
            if (!parsed.isJsonObject()) {
                throw new IllegalArgumentException("tokenizer file " + source + ": expected a JSON object at the top,"
                        + " got " + kind(parsed));
            }
            root = parsed.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("tokenizer file " + source + " is not valid JSON: " + e.getMessage(), e);
        }
        Map<String, Integer> ids = new HashMap<>();
        JsonElement model = root.get("model");
        if (model == null || !model.isJsonObject() || !model.getAsJsonObject().has("vocab")
                || !model.getAsJsonObject().get("vocab").isJsonObject()) {
            throw new IllegalArgumentException("tokenizer file " + source + ": key 'model.vocab' is missing or not an"
                    + " object; expected a Hugging Face tokenizer.json with a WordPiece model");
        }
        for (Map.Entry<String, JsonElement> e : model.getAsJsonObject().getAsJsonObject("vocab").entrySet()) {
            ids.put(e.getKey(), idOf(e.getValue(), source, "model.vocab." + e.getKey()));
        }
        JsonElement added = root.get("added_tokens");
        if (added != null && !added.isJsonNull()) {
            if (!added.isJsonArray()) {
                throw new IllegalArgumentException("tokenizer file " + source + ": key 'added_tokens' must be an"
                        + " array, got " + kind(added));
            }
            JsonArray array = added.getAsJsonArray();
            for (int i = 0; i < array.size(); i++) {
                JsonElement t = array.get(i);
                if (!t.isJsonObject() || !t.getAsJsonObject().has("id") || !t.getAsJsonObject().has("content")) {
                    throw new IllegalArgumentException("tokenizer file " + source + ": added_tokens[" + i + "] must be"
                            + " an object with 'id' and 'content'");
                }
                ids.put(t.getAsJsonObject().get("content").getAsString(),
                        idOf(t.getAsJsonObject().get("id"), source, "added_tokens[" + i + "].id"));
            }
        }
        int size = ids.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        if (size == 0) {
            throw new IllegalArgumentException("tokenizer file " + source + " has an empty vocabulary");
        }
        String[] tokens = new String[size];
        ids.forEach((token, id) -> tokens[id] = token);
        HuggingFaceTokenizer tokenizer;
        try {
            tokenizer = HuggingFaceTokenizer.newInstance(
                    new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
                    Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false"));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("tokenizer file " + source + " was refused by the Hugging Face"
                    + " tokenizers library: " + e.getMessage(), e);
        }
        return new TextTokenizer(source, tokenizer, tokens, Map.copyOf(ids));
    }

    /**
     * fourm's own default tokenizer: the reference's id layout followed by BERT's uncased WordPiece vocabulary, built
     * in memory on first use from the vocabulary inside this module ({@link TokenizerBuilder#buildDefault()}) and
     * shared by every caller.
     */
    public static TextTokenizer builtin() {
        return Builtin.INSTANCE;
    }

    /** Encodes text into ids (no special tokens added). */
    public int[] encode(String text) {
        Objects.requireNonNull(text, "text");
        Encoding e = native_.encode(text, false, false);
        long[] raw = e.getIds();
        int[] out = new int[raw.length];
        for (int i = 0; i < raw.length; i++) {
            out[i] = Math.toIntExact(raw[i]);
        }
        return out;
    }

    /** The tokens {@link #encode(String)} produces for {@code text}, in order. */
    public String[] tokenize(String text) {
        return Arrays.stream(encode(text)).mapToObj(id -> tokens[id]).toArray(String[]::new);
    }

    /**
     * Decodes ids into text with the file's decoder, keeping every special token (sentinels, coordinates, class names,
     * {@code [PAD]}, {@code [EOS]}) as its text. Ids outside the vocabulary are left out.
     */
    public String decode(int[] ids) {
        long[] raw = new long[ids.length];
        int n = 0;
        for (int id : ids) {
            if (id >= 0 && id < tokens.length && tokens[id] != null) {
                raw[n++] = id;
            }
        }
        return native_.decode(Arrays.copyOf(raw, n), false);
    }

    /**
     * The id of a token of the vocabulary.
     *
     * @throws IllegalArgumentException naming the file when the token is not in the vocabulary
     */
    public int id(String token) {
        Integer id = ids.get(token);
        if (id == null) {
            throw new IllegalArgumentException("token '" + token + "' is not in the vocabulary of " + source);
        }
        return id;
    }

    /** The id of a token, or empty when the vocabulary does not have it. */
    public Optional<Integer> findId(String token) {
        return Optional.ofNullable(ids.get(token));
    }

    /** The token with id {@code id}, or empty outside the vocabulary. */
    public Optional<String> token(int id) {
        return id >= 0 && id < tokens.length ? Optional.ofNullable(tokens[id]) : Optional.empty();
    }

    /** One more than the largest id. */
    public int vocabSize() {
        return tokens.length;
    }

    /** The id of {@code [PAD]}. */
    public int padId() {
        return id("[PAD]");
    }

    /** The id of {@code [UNK]}. */
    public int unkId() {
        return id("[UNK]");
    }

    /** The id of {@code [SOS]}. */
    public int sosId() {
        return id("[SOS]");
    }

    /** The id of {@code [EOS]}. */
    public int eosId() {
        return id("[EOS]");
    }

    /** The id of sentinel {@code [S_k]}. */
    public int sentinelId(int k) {
        return id(TokenLayout.sentinel(k));
    }

    /** Where the tokenizer came from: a file path, or a description of the built-in one. */
    public String source() {
        return source;
    }

    /**
     * Checks that every reserved token of the 4M layout ({@link TokenLayout}: specials, sentinels, coordinates, class
     * names) has its reference id, which the sequence modalities, span masking and checkpoints rely on.
     *
     * @throws IllegalArgumentException naming the file and the first token out of place
     */
    public void requireReferenceLayout() {
        for (int id = 0; id < TokenLayout.FIRST_WORDPIECE; id++) {
            String expected = TokenLayout.reservedToken(id);
            Integer actual = ids.get(expected);
            if (actual == null || actual != id) {
                throw new IllegalArgumentException("tokenizer file " + source + " does not have the 4M id layout:"
                        + " token '" + expected + "' should have id " + id + " but "
                        + (actual == null ? "is missing" : "has id " + actual)
                        + " (build one with TokenizerBuilder or `fourm tokenizer build`)");
            }
        }
    }

    @Override
    public String toString() {
        return "TextTokenizer[" + source + ", " + tokens.length + " ids]";
    }

    private static int idOf(JsonElement e, String source, String key) {
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new IllegalArgumentException("tokenizer file " + source + ": key '" + key + "' must be an integer id,"
                    + " got " + kind(e));
        }
        double v = e.getAsDouble();
        if (v < 0 || v != Math.rint(v) || v > Integer.MAX_VALUE - 1) {
            throw new IllegalArgumentException("tokenizer file " + source + ": key '" + key + "' must be an integer"
                    + " id >= 0, got " + e);
        }
        return (int) v;
    }

    private static String kind(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return "null";
        }
        return e.isJsonObject() ? "an object" : e.isJsonArray() ? "an array" : "'" + e + "'";
    }

    /** Lazy holder of the built-in tokenizer. */
    private static final class Builtin {
        static final TextTokenizer INSTANCE = fromJson(TokenizerBuilder.buildDefault(), TokenizerBuilder.BUILTIN_NAME);
    }
}
