package fourm.modality.color.palette;

import java.util.List;
import java.util.Objects;

/**
 * A palette of an image's dominant colours: the value of the {@code color_palette} modality. The reference's data
 * holds palettes of 1 to 7 colours and samples one size per example.
 *
 * @param colors at most {@link #MAX_COLORS} colours (empty only for a sequence that decoded to nothing)
 */
public record ColorPalette(List<Rgb> colors) {
    /** The largest palette the reference writes (max-tokens 23 = 7 x 3 + EOS + sentinel). */
    public static final int MAX_COLORS = 7;

    /** Copies the list and checks its size. */
    public ColorPalette {
        colors = List.copyOf(Objects.requireNonNull(colors, "colors"));
        if (colors.size() > MAX_COLORS) {
            throw new IllegalArgumentException("color palette: at most " + MAX_COLORS + " colours, got "
                    + colors.size());
        }
    }
}
