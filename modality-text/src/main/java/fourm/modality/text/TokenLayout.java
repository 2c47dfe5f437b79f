package fourm.modality.text;

import java.util.OptionalInt;

/**
 * The id layout of the 4M text vocabulary (spec §6.2), which every fourm tokenizer reproduces so that the sequence
 * modalities, span masking and checkpoints agree on the special ids.
 *
 * <table>
 *   <caption>Reserved ids</caption>
 *   <tr><th>ids</th><th>tokens</th></tr>
 *   <tr><td>0 / 1 / 2 / 3</td><td>{@code [PAD]} / {@code [UNK]} / {@code [SOS]} / {@code [EOS]}</td></tr>
 *   <tr><td>4 .. 203</td><td>sentinels {@code [S_0]} .. {@code [S_199]}</td></tr>
 *   <tr><td>204 .. 4203</td><td>coordinates {@code v0=0} .. {@code v0=999}, then {@code v1=}, {@code v2=},
 *       {@code v3=}</td></tr>
 *   <tr><td>4204 .. 4283</td><td>the 80 COCO class names ({@link CocoClasses}), alphabetical</td></tr>
 *   <tr><td>4284 ..</td><td>the WordPiece vocabulary</td></tr>
 * </table>
 */
public final class TokenLayout {
    /** {@code [PAD]}. */
    public static final int PAD = 0;
    /** {@code [UNK]}. */
    public static final int UNK = 1;
    /** {@code [SOS]}. */
    public static final int SOS = 2;
    /** {@code [EOS]}. */
    public static final int EOS = 3;
    /** The id of {@code [S_0]}. */
    public static final int FIRST_SENTINEL = 4;
    /** How many sentinels there are. */
    public static final int SENTINELS = 200;
    /** The id of {@code v0=0}. */
    public static final int FIRST_COORDINATE = FIRST_SENTINEL + SENTINELS;
    /** Coordinate values per axis: {@code vA=0} .. {@code vA=999}. */
    public static final int COORDINATE_BINS = 1000;
    /** Coordinate axes: {@code v0} .. {@code v3}. */
    public static final int COORDINATE_AXES = 4;
    /** The id of the first COCO class name. */
    public static final int FIRST_CLASS = FIRST_COORDINATE + COORDINATE_AXES * COORDINATE_BINS;
    /** The id of the first learned WordPiece token. */
    public static final int FIRST_WORDPIECE = FIRST_CLASS + CocoClasses.COUNT;
    /** Codes below this are written on axis 0, the others on axis 1 ({@link #codeToken(int)}). */
    public static final int CODE_SPLIT = 512;
    /** The reference vocabulary size. */
    public static final int REFERENCE_VOCAB_SIZE = 30000;

    /** The four special tokens at ids 0..3, in id order. */
    static final String[] SPECIALS = {"[PAD]", "[UNK]", "[SOS]", "[EOS]"};

    private TokenLayout() {
    }

    /** The token of sentinel {@code k}, {@code [S_k]}. */
    public static String sentinel(int k) {
        if (k < 0 || k >= SENTINELS) {
            throw new IllegalArgumentException("sentinel index must be in [0, " + SENTINELS + "), got " + k);
        }
        return "[S_" + k + "]";
    }

    /** The token of a coordinate: {@code v<axis>=<value>}, for example {@code v1=42}. */
    public static String coordinate(int axis, int value) {
        if (axis < 0 || axis >= COORDINATE_AXES) {
            throw new IllegalArgumentException("coordinate axis must be in [0, " + COORDINATE_AXES + "), got " + axis);
        }
        if (value < 0 || value >= COORDINATE_BINS) {
            throw new IllegalArgumentException("coordinate value must be in [0, " + COORDINATE_BINS + "), got "
                    + value);
        }
        return "v" + axis + "=" + value;
    }

    /** The id of {@code v<axis>=<value>} in the layout. */
    public static int coordinateId(int axis, int value) {
        coordinate(axis, value);
        return FIRST_COORDINATE + axis * COORDINATE_BINS + value;
    }

    /** The token the layout puts at {@code id}, for ids below {@link #FIRST_WORDPIECE}. */
    public static String reservedToken(int id) {
        if (id < 0 || id >= FIRST_WORDPIECE) {
            throw new IllegalArgumentException("reserved ids are [0, " + FIRST_WORDPIECE + "), got " + id);
        }
        if (id < FIRST_SENTINEL) {
            return SPECIALS[id];
        }
        if (id < FIRST_COORDINATE) {
            return sentinel(id - FIRST_SENTINEL);
        }
        if (id < FIRST_CLASS) {
            int c = id - FIRST_COORDINATE;
            return coordinate(c / COORDINATE_BINS, c % COORDINATE_BINS);
        }
        return CocoClasses.names().get(id - FIRST_CLASS);
    }

    /**
     * Reads a coordinate token: {@code v2=17} gives axis 2 and value 17 packed as {@code axis * 1000 + value}; anything
     * else (other text, a value outside 0..999, leading zeros, signs) gives empty.
     */
    public static OptionalInt parseCoordinate(String word) {
        if (word.length() < 4 || word.length() > 6 || word.charAt(0) != 'v' || word.charAt(2) != '=') {
            return OptionalInt.empty();
        }
        int axis = word.charAt(1) - '0';
        if (axis < 0 || axis >= COORDINATE_AXES) {
            return OptionalInt.empty();
        }
        int value = 0;
        for (int i = 3; i < word.length(); i++) {
            char ch = word.charAt(i);
            if (ch < '0' || ch > '9' || (i == 3 && ch == '0' && word.length() > 4)) {
                return OptionalInt.empty();
            }
            value = value * 10 + (ch - '0');
        }
        return OptionalInt.of(axis * COORDINATE_BINS + value);
    }

    /**
     * The token of a code of a 1024-entry codebook (human pose tokens, SAM mask tokens), split over two coordinate
     * axes as the reference does: codes below 512 are {@code v0=code}, the others {@code v1=code-512}.
     */
    public static String codeToken(int code) {
        if (code < 0 || code >= 2 * CODE_SPLIT) {
            throw new IllegalArgumentException("codebook token must be in [0, " + 2 * CODE_SPLIT + "), got " + code);
        }
        return code < CODE_SPLIT ? "v0=" + code : "v1=" + (code - CODE_SPLIT);
    }

    /** Reads a token written by {@link #codeToken(int)}; -1 when the word is not one. */
    public static int parseCodeToken(String word) {
        OptionalInt c = parseCoordinate(word);
        if (c.isEmpty()) {
            return -1;
        }
        int axis = c.getAsInt() / COORDINATE_BINS;
        int value = c.getAsInt() % COORDINATE_BINS;
        if (axis > 1 || value >= CODE_SPLIT) {
            return -1;
        }
        return axis * CODE_SPLIT + value;
    }

    /** Reads {@code v<axis>=<value>} for the given axis; -1 when the word is not that. */
    public static int parseCoordinate(String word, int axis) {
        OptionalInt c = parseCoordinate(word);
        return c.isPresent() && c.getAsInt() / COORDINATE_BINS == axis ? c.getAsInt() % COORDINATE_BINS : -1;
    }
}
