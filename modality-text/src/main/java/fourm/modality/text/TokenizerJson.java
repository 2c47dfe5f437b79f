package fourm.modality.text;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Writes a Hugging Face {@code tokenizer.json} with the 4M id layout ({@link TokenLayout}) followed by a WordPiece
 * vocabulary, configured like the reference's: BERT normaliser (clean text, CJK spacing, lower case, accents stripped),
 * BERT pre-tokeniser, WordPiece model ({@code [UNK]}, {@code ##}, at most 100 characters a word), WordPiece decoder
 * with cleanup, no post-processor. The output is a pure function of the vocabulary: one added token and one
 * vocabulary entry a line, in id order.
 */
final class TokenizerJson {
    private TokenizerJson() {
    }

    /**
     * The JSON text of a tokenizer whose ids are the layout's reserved tokens then {@code wordpieces} in order.
     *
     * @throws IllegalArgumentException if a word piece is empty, repeated or a reserved token
     */
    static String write(List<String> wordpieces) {
        Set<String> seen = new HashSet<>();
        for (int id = 0; id < TokenLayout.FIRST_WORDPIECE; id++) {
            seen.add(TokenLayout.reservedToken(id));
        }
        for (String w : wordpieces) {
            if (w == null || w.isEmpty() || w.equals("##")) {
                throw new IllegalArgumentException("a word piece must be non-empty text, got '" + w + "'");
            }
            if (!seen.add(w)) {
                throw new IllegalArgumentException("word piece '" + w + "' is repeated or is a reserved token of the"
                        + " layout");
            }
        }
        StringBuilder out = new StringBuilder(64 * (TokenLayout.FIRST_WORDPIECE + wordpieces.size()));
        out.append("{\n  \"version\": \"1.0\",\n  \"truncation\": null,\n  \"padding\": null,\n  \"added_tokens\": [\n");
        for (int id = 0; id < TokenLayout.FIRST_WORDPIECE; id++) {
            boolean special4 = id < TokenLayout.FIRST_SENTINEL;
            boolean className = id >= TokenLayout.FIRST_CLASS;
            out.append("    {\"id\": ").append(id).append(", \"content\": ");
            string(out, TokenLayout.reservedToken(id));
            out.append(", \"single_word\": ").append(!special4)
                    .append(", \"lstrip\": false, \"rstrip\": false, \"normalized\": ").append(className)
                    .append(", \"special\": true}").append(id + 1 < TokenLayout.FIRST_WORDPIECE ? ",\n" : "\n");
        }
        out.append("  ],\n")
                .append("  \"normalizer\": {\"type\": \"BertNormalizer\", \"clean_text\": true,"
                        + " \"handle_chinese_chars\": true, \"strip_accents\": null, \"lowercase\": true},\n")
                .append("  \"pre_tokenizer\": {\"type\": \"BertPreTokenizer\"},\n")
                .append("  \"post_processor\": null,\n")
                .append("  \"decoder\": {\"type\": \"WordPiece\", \"prefix\": \"##\", \"cleanup\": true},\n")
                .append("  \"model\": {\n    \"type\": \"WordPiece\",\n    \"unk_token\": \"[UNK]\",\n")
                .append("    \"continuing_subword_prefix\": \"##\",\n    \"max_input_chars_per_word\": 100,\n")
                .append("    \"vocab\": {\n");
        int total = TokenLayout.FIRST_WORDPIECE + wordpieces.size();
        for (int id = 0; id < total; id++) {
            out.append("      ");
            string(out, id < TokenLayout.FIRST_WORDPIECE ? TokenLayout.reservedToken(id)
                    : wordpieces.get(id - TokenLayout.FIRST_WORDPIECE));
            out.append(": ").append(id).append(id + 1 < total ? ",\n" : "\n");
        }
        out.append("    }\n  }\n}\n");
        return out.toString();
    }

    /** Appends a JSON string literal: quotes, backslashes and control characters escaped, the rest as is. */
    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }
}
