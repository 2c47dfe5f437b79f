package fourm.synth;

/** The named colours objects and shirts are painted with; captions use the names. Values are sRGB 0-255. */
enum NamedColor {
    RED(200, 40, 40),
    GREEN(40, 150, 60),
    BLUE(40, 80, 210),
    YELLOW(235, 210, 50),
    PURPLE(130, 50, 180),
    ORANGE(240, 130, 30),
    WHITE(235, 235, 235),
    GRAY(120, 120, 120),
    BROWN(120, 75, 40),
    PINK(240, 150, 190);

    private final int r;
    private final int g;
    private final int b;

    NamedColor(int r, int g, int b) {
        this.r = r;
        this.g = g;
        this.b = b;
    }

    /** The lower-case English name, as captions write it. */
    String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    int[] srgb() {
        return new int[] {r, g, b};
    }

    /** The colour as linear RGB in [0, 1] (the renderer's albedo). */
    Vec3 linear() {
        return srgbToLinear(r, g, b);
    }

    static Vec3 srgbToLinear(int r, int g, int b) {
        return new Vec3(toLinear(r / 255.0), toLinear(g / 255.0), toLinear(b / 255.0));
    }

    /** The sRGB transfer function, inverted. */
    static double toLinear(double c) {
        return c <= 0.04045 ? c / 12.92 : StrictMath.pow((c + 0.055) / 1.055, 2.4);
    }

    /** The sRGB transfer function (gamma encoding) of a linear value clamped to [0, 1]. */
    static double toSrgb(double linear) {
        double c = Math.max(0, Math.min(1, linear));
        return c <= 0.0031308 ? 12.92 * c : 1.055 * StrictMath.pow(c, 1 / 2.4) - 0.055;
    }
}
