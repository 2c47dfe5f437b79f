package fourm.modality.sam.instance;

import java.util.List;
import java.util.Objects;

/**
 * One SAM instance with its mask itself (the raw value the mask tokenizer turns into {@value SamInstance#TOKENS}
 * tokens): its box in pixels of the 224 x 224 crop and its shape inside the box.
 *
 * @param xmin box left, in [0, 999]
 * @param ymin box top
 * @param xmax box right, {@code >= xmin}
 * @param ymax box bottom, {@code >= ymin}
 * @param mask the instance inside its box, scaled to the mask tokenizer's size (64 x 64 in the reference)
 */
public record MaskedInstance(int xmin, int ymin, int xmax, int ymax, BinaryMask mask) {
    /** Checks every field; the message names it. */
    public MaskedInstance {
        Objects.requireNonNull(mask, "mask");
        // the box is checked as SamInstance checks it
        new SamInstance(xmin, ymin, xmax, ymax, List.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
    }

    /** The tokenized instance: this box with the mask's tokens. */
    public SamInstance withTokens(List<Integer> tokens) {
        return new SamInstance(xmin, ymin, xmax, ymax, tokens);
    }
}
