package fourm.teacher;

import com.typesafe.config.Config;
import fourm.api.ConfigReader;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A fixed, seeded stand-in for the T5-XXL encoder ({@code t5-caption:synthetic}): deterministic per-piece vectors mixed
 * over a small window, with T5-XXL's width and the {@code t5_caption} token count. It is <b>not</b> T5 and carries no
 * meaning beyond "the same piece gives the same vector"; it gives caption embeddings shaped like the reference's so
 * that {@code t5_caption} can be produced and trained on offline.
 *
 * <ol>
 *   <li>Pieces: the caption is NFKC-normalised and lower-cased ({@link Locale#ROOT}), then split into runs of letters
 *       and digits and single other characters (punctuation, symbols); white space separates pieces and is dropped.
 *       This is a plain word split, not T5's SentencePiece vocabulary, so the token count differs from the real
 *       teacher's on words T5 splits into several pieces.</li>
 *   <li>Count: at most {@code max-tokens - 1} pieces are kept, then the end-of-sequence piece {@code </s>} is appended
 *       (as T5's tokenizer appends {@code </s>} and truncates before it): {@code 1 <= L <= max-tokens}.</li>
 *   <li>Piece vectors: {@code e(piece)} has {@code width} values uniform with mean 0 and variance 1, from
 *       {@link SplitMix64} seeded with {@code seed} XOR the 64-bit hash of the piece (FNV-1a of its UTF-8 bytes, then
 *       SplitMix64's mixer). The same piece gives the same vector in every caption, run and JVM.</li>
 *   <li>Mixing: {@code r_i = sum_{|k| <= window} decay^|k| e(piece_{i+k})} (positions outside the sequence are left
 *       out), so neighbours matter, then RMS-normalised ({@code r_i / sqrt(mean(r_i^2) + 1e-6)}), as T5's encoder
 *       ends in an RMS norm. The real encoder's scale (its learned norm weights) is not reproduced.</li>
 * </ol>
 * Thread-safe.
 */
public final class SyntheticTextTeacher implements TextTeacher {
    /** The configuration keys of the teacher's node. */
    public static final Set<String> KEYS = Set.of("width", "max-tokens", "window", "decay", "seed");

    /** The end-of-sequence piece. */
    public static final String EOS = "</s>";

    private final String name;
    private final int width;
    private final int maxTokens;
    private final int window;
    private final float decay;
    private final long seed;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param name      the teacher's name
     * @param width     vector width, at least 1
     * @param maxTokens the most vectors per caption, the end-of-sequence one included; at least 1
     * @param window    mixing half-width, at least 0
     * @param decay     weight ratio between successive window offsets, in [0, 1]
     * @param seed      vector seed
     */
    public SyntheticTextTeacher(String name, int width, int maxTokens, int window, float decay, long seed) {
        if (width < 1 || maxTokens < 1 || window < 0 || !(decay >= 0 && decay <= 1)) {
            throw new IllegalArgumentException("width " + width + " and max-tokens " + maxTokens + " must be >= 1, "
                    + "window " + window + " >= 0 and decay " + decay + " in [0, 1]");
        }
        this.name = name;
        this.width = width;
        this.maxTokens = maxTokens;
        this.window = window;
        this.decay = decay;
        this.seed = seed;
    }

    /**
     * Reads a teacher node ({@link #KEYS}).
     *
     * @throws com.typesafe.config.ConfigException naming the key, if a key is unknown, missing or out of range
     */
    public static SyntheticTextTeacher fromConfig(String name, Config node) {
        ConfigReader s = ConfigReader.of(node, KEYS);
        return new SyntheticTextTeacher(name, s.integer("width", 1, 65536), s.integer("max-tokens", 1, 65536),
                s.integer("window", 0, 64), (float) s.number("decay", 0, 1), s.anyLong("seed"));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int width() {
        return width;
    }

    @Override
    public int maxTokens() {
        return maxTokens;
    }

    /** The pieces a caption is embedded as: its word pieces, cut to {@code max-tokens - 1}, then {@link #EOS}. */
    public List<String> pieces(String text) {
        List<String> words = split(text);
        List<String> out = new ArrayList<>(words.subList(0, Math.min(words.size(), maxTokens - 1)));
        out.add(EOS);
        return out;
    }

    /** The plain word split: NFKC, lower case, runs of letters and digits, single other characters. */
    static List<String> split(String text) {
        String s = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        List<String> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isLetterOrDigit(cp) || Character.getType(cp) == Character.NON_SPACING_MARK) {
                word.appendCodePoint(cp);
                continue;
            }
            if (word.length() > 0) {
                out.add(word.toString());
                word.setLength(0);
            }
            if (!Character.isWhitespace(cp) && !Character.isSpaceChar(cp) && !Character.isISOControl(cp)) {
                out.add(new String(Character.toChars(cp)));
            }
        }
        if (word.length() > 0) {
            out.add(word.toString());
        }
        return out;
    }

    @Override
    public float[][] embed(String text) {
        if (closed.get()) {
            throw new IllegalStateException("text teacher " + name + " is closed");
        }
        List<String> pieces = pieces(text);
        int n = pieces.size();
        float[][] e = new float[n][];
        for (int i = 0; i < n; i++) {
            e[i] = pieceVector(pieces.get(i));
        }
        float[] weights = new float[window + 1];
        float w = 1;
        for (int k = 0; k <= window; k++) {
            weights[k] = w;
            w *= decay;
        }
        float[][] out = new float[n][width];
        for (int i = 0; i < n; i++) {
            float[] r = out[i];
            for (int k = -window; k <= window; k++) {
                int j = i + k;
                if (j < 0 || j >= n) {
                    continue;
                }
                float wk = weights[Math.abs(k)];
                float[] ej = e[j];
                for (int d = 0; d < width; d++) {
                    r[d] += wk * ej[d];
                }
            }
            float ss = 0;
            for (int d = 0; d < width; d++) {
                ss += r[d] * r[d];
            }
            float inv = (float) (1 / Math.sqrt(ss / width + 1e-6));
            for (int d = 0; d < width; d++) {
                r[d] *= inv;
            }
        }
        return out;
    }

    /** The vector of one piece: {@code width} values, mean 0 and variance 1. */
    float[] pieceVector(String piece) {
        return new SplitMix64(seed ^ SplitMix64.hash(piece)).fill(width, 1.0);
    }

    @Override
    public void close() {
        closed.set(true);
    }
}
