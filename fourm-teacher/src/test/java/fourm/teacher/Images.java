package fourm.teacher;

import fourm.api.label.Rgb8Image;

/** Test photos: seeded noise over smooth gradients, and copies with one region repainted. */
final class Images {
    private Images() {
    }

    /** A {@code w x h} photo: a colour gradient plus seeded noise. */
    static Rgb8Image photo(int w, int h, long seed) {
        SplitMix64 rng = new SplitMix64(seed);
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int o = (y * w + x) * 3;
                rgb[o] = (byte) clamp(255.0 * x / w * 0.6 + 80 * rng.nextUnit());
                rgb[o + 1] = (byte) clamp(255.0 * y / h * 0.6 + 80 * rng.nextUnit());
                rgb[o + 2] = (byte) clamp(128 + 100 * (rng.nextUnit() - 0.5));
            }
        }
        return new Rgb8Image(w, h, rgb);
    }

    /** A copy of {@code photo} with the square {@code [x0, x0 + side) x [y0, y0 + side)} painted in one colour. */
    static Rgb8Image paint(Rgb8Image photo, int x0, int y0, int side, int r, int g, int b) {
        byte[] rgb = photo.rgb();
        for (int y = y0; y < y0 + side; y++) {
            for (int x = x0; x < x0 + side; x++) {
                int o = (y * photo.width() + x) * 3;
                rgb[o] = (byte) r;
                rgb[o + 1] = (byte) g;
                rgb[o + 2] = (byte) b;
            }
        }
        return new Rgb8Image(photo.width(), photo.height(), rgb);
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }
}
