package fourm.modality.color.palette;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Seeded random palettes of 1 to 7 colours. */
final class SerializerSamples {
    private SerializerSamples() {
    }

    static ColorPalette exact(SplittableRandom r) {
        List<Rgb> colors = new ArrayList<>();
        for (int i = 0, k = r.nextInt(1, 8); i < k; i++) {
            colors.add(new Rgb(r.nextInt(256), r.nextInt(256), r.nextInt(256)));
        }
        return new ColorPalette(colors);
    }
}
