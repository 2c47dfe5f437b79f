package fourm.modality.color.palette;

import fourm.modality.text.Decoded;
import fourm.modality.text.TextSerializer;
import fourm.modality.text.TokenLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code color_palette} as text (spec §6.3): {@code v1=<k> v0=R v0=G v0=B ...} for a palette of k colours. A
 * horizontal flip leaves it unchanged. Choosing k among the palettes of the data (uniformly, in the reference) is the
 * data pipeline's job; this writes the palette it is given.
 *
 * <p>Reading is tolerant: the first {@code v1=k} with k in 1..7 opens the palette; then {@code v0=V} words with V in
 * 0..255 are taken three by three, up to k colours. Words before the header, words that are not such values, values
 * beyond the k colours and an incomplete last colour are skipped and counted.
 */
public final class ColorPaletteSerializer implements TextSerializer<ColorPalette> {
    /** The shared instance (stateless). */
    public static final ColorPaletteSerializer INSTANCE = new ColorPaletteSerializer();

    private ColorPaletteSerializer() {
    }

    @Override
    public Class<ColorPalette> valueType() {
        return ColorPalette.class;
    }

    @Override
    public String toText(ColorPalette value) {
        if (value == null || value.colors().isEmpty()) {
            throw new IllegalArgumentException("color palette: expected 1 to " + ColorPalette.MAX_COLORS
                    + " colours, got " + (value == null ? "null" : "none"));
        }
        StringBuilder out = new StringBuilder(TokenLayout.coordinate(1, value.colors().size()));
        for (Rgb c : value.colors()) {
            out.append(' ').append(TokenLayout.coordinate(0, c.r())).append(' ')
                    .append(TokenLayout.coordinate(0, c.g())).append(' ').append(TokenLayout.coordinate(0, c.b()));
        }
        return out.toString();
    }

    @Override
    public Decoded<ColorPalette> fromText(String text) {
        List<String> words = TextSerializer.words(text);
        int skipped = 0;
        int i = 0;
        int k = -1;
        for (; i < words.size(); i++) {
            int v = TokenLayout.parseCoordinate(words.get(i), 1);
            if (v >= 1 && v <= ColorPalette.MAX_COLORS) {
                k = v;
                i++;
                break;
            }
            skipped++;
        }
        List<Rgb> colors = new ArrayList<>();
        int[] channel = new int[3];
        int n = 0;
        for (; i < words.size(); i++) {
            int v = TokenLayout.parseCoordinate(words.get(i), 0);
            if (v < 0 || v > 255 || colors.size() == k) {
                skipped++;
                continue;
            }
            channel[n++] = v;
            if (n == 3) {
                colors.add(new Rgb(channel[0], channel[1], channel[2]));
                n = 0;
            }
        }
        return new Decoded<>(new ColorPalette(colors), skipped + n);
    }
}
