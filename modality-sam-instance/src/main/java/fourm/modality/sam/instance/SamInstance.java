package fourm.modality.sam.instance;

import java.util.List;
import java.util.Objects;

/**
 * One SAM instance mask: its box in pixels of the 224x224 crop and the 16 tokens of its 64x64 mask.
 *
 * @param xmin   box left, in [0, 999]
 * @param ymin   box top
 * @param xmax   box right, {@code >= xmin}
 * @param ymax   box bottom, {@code >= ymin}
 * @param tokens the 16 mask tokens of the mask tokenizer, each in [0, 1024)
 */
public record SamInstance(int xmin, int ymin, int xmax, int ymax, List<Integer> tokens) {
    /** Mask tokens per instance. */
    public static final int TOKENS = 16;
    /** Codebook size of the mask tokenizer. */
    public static final int VOCAB = 1024;

    /** Copies the tokens and checks every field; the message names it. */
    public SamInstance {
        coordinate("xmin", xmin);
        coordinate("ymin", ymin);
        coordinate("xmax", xmax);
        coordinate("ymax", ymax);
        if (xmin > xmax || ymin > ymax) {
            throw new IllegalArgumentException("sam instance: expected xmin <= xmax and ymin <= ymax, got [" + xmin
                    + ", " + ymin + ", " + xmax + ", " + ymax + "]");
        }
        tokens = List.copyOf(Objects.requireNonNull(tokens, "tokens"));
        if (tokens.size() != TOKENS) {
            throw new IllegalArgumentException("sam instance: expected " + TOKENS + " mask tokens, got "
                    + tokens.size());
        }
        for (int t : tokens) {
            if (t < 0 || t >= VOCAB) {
                throw new IllegalArgumentException("sam instance: mask token must be in [0, " + VOCAB + "), got " + t);
            }
        }
    }

    static void coordinate(String name, int v) {
        if (v < 0 || v > 999) {
            throw new IllegalArgumentException("sam instance: " + name + " must be a pixel coordinate in [0, 999], got "
                    + v);
        }
    }
}
