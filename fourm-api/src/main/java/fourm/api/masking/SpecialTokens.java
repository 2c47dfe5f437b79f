package fourm.api.masking;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/**
 * The ids of the text vocabulary that masking writes (spec §6.2): {@code [PAD]=0}, {@code [EOS]=3} and the sentinels
 * {@code [S_k] = firstSentinel + k} for k in {@code 0 .. sentinels-1}. Span masking numbers its sentinels from
 * {@code [S_1]}.
 *
 * @param pad           the padding id, written in unused sequence slots
 * @param eos           the end-of-sequence id, appended to every sequence
 * @param firstSentinel the id of {@code [S_0]}
 * @param sentinels     how many sentinels the vocabulary has
 */
public record SpecialTokens(int pad, int eos, int firstSentinel, int sentinels) {
    /** The reference's WordPiece layout: PAD 0, EOS 3, [S_0] = 4, 200 sentinels. */
    public static final SpecialTokens REFERENCE = new SpecialTokens(0, 3, 4, 200);

    /** Checks the ids are non-negative and the sentinel range avoids PAD and EOS. */
    public SpecialTokens {
        if (pad < 0 || eos < 0 || firstSentinel < 0 || sentinels < 2) {
            throw new IllegalArgumentException("special ids must be >= 0 and sentinels >= 2, got pad " + pad + ", eos "
                    + eos + ", first-sentinel " + firstSentinel + ", sentinels " + sentinels);
        }
        if (isInRange(pad, firstSentinel, sentinels) || isInRange(eos, firstSentinel, sentinels) || pad == eos) {
            throw new IllegalArgumentException("pad " + pad + " and eos " + eos + " must differ and lie outside the"
                    + " sentinel ids [" + firstSentinel + ", " + (firstSentinel + sentinels) + ")");
        }
    }

    private static boolean isInRange(int id, int first, int count) {
        return id >= first && id < first + count;
    }

    /**
     * The id of {@code [S_k]}.
     *
     * @throws IllegalStateException if the vocabulary has no {@code [S_k]}
     */
    public int sentinel(int k) {
        if (k < 0 || k >= sentinels) {
            throw new IllegalStateException("span masking needs sentinel [S_" + k + "] but the vocabulary has [S_0].."
                    + "[S_" + (sentinels - 1) + "]; the sequence has too many masked spans");
        }
        return firstSentinel + k;
    }

    /** True when {@code id} is a sentinel id. */
    public boolean isSentinel(int id) {
        return isInRange(id, firstSentinel, sentinels);
    }

    /** Reads {@code pad}, {@code eos}, {@code first-sentinel} and {@code sentinels} from a node. */
    public static SpecialTokens fromConfig(Config node, String path) {
        try {
            return new SpecialTokens(node.getInt("pad"), node.getInt("eos"), node.getInt("first-sentinel"),
                    node.getInt("sentinels"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(node.origin(), path, e.getMessage());
        }
    }
}
