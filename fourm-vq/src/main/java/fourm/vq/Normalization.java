package fourm.vq;

/**
 * The checks of values in natural units, and the conversions to and from what the tokenizer network sees, through the
 * tokenizer's {@link ImageValues} (spec-4m.md §6.1; the kit's table is in {@link fourm.vq.values.ImageValueKit}).
 */
public final class Normalization {
    private Normalization() {
    }

    /**
     * Checks a value in natural units against a tokenizer: its channels, its size, finiteness and the values' range
     * ({@link ImageValues#problem}).
     *
     * @param what      names the value in messages ({@code "image 3"}, a file name)
     * @param exactSize require the configured {@code image-size} exactly; otherwise any multiple of the patch size
     * @throws IllegalArgumentException saying what is wrong and what was expected
     */
    public static void validate(VqConfig c, Raster r, String what, boolean exactSize) {
        ImageValues values = c.values();
        int expectedC = c.valueChannels();
        if (r.channels() != expectedC) {
            throw new IllegalArgumentException(what + ": " + r.channels() + " channel" + (r.channels() == 1 ? "" : "s")
                    + ", but the " + c.name() + " tokenizer (" + values.name() + ") expects " + expectedC
                    + values.channelHint());
        }
        int p = c.patchSize();
        boolean sizeOk = exactSize ? r.height() == c.imageSize() && r.width() == c.imageSize()
                : r.height() % p == 0 && r.width() % p == 0
                && (!values.global() || (r.height() == 1 && r.width() == 1));
        if (!sizeOk) {
            throw new IllegalArgumentException(what + ": size " + r.height() + " x " + r.width() + ", but the "
                    + c.name() + " tokenizer expects " + c.imageSize() + " x " + c.imageSize()
                    + (exactSize || values.global() ? ""
                    : " (or any multiple of its patch size " + p + ")"));
        }
        float[] d = r.data();
        int plane = r.height() * r.width();
        for (int i = 0; i < d.length; i++) {
            float v = d[i];
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException(what + ": value " + v + " at " + where(r, i, plane)
                        + "; expected finite numbers");
            }
            String problem = values.problem(c, v);
            if (problem != null) {
                throw new IllegalArgumentException(what + ": value " + v + " at " + where(r, i, plane) + " "
                        + problem);
            }
        }
    }

    private static String where(Raster r, int i, int plane) {
        int ch = i / plane;
        int y = (i % plane) / r.width();
        int x = i % r.width();
        return "channel " + ch + ", row " + y + ", column " + x;
    }

    /**
     * The network input of a value in natural units: [C, H, W] floats ([H, W] shifted labels for class ids). The
     * value must be valid ({@link #validate}).
     */
    public static float[] toModel(VqConfig c, Raster r) {
        return c.values().toModel(c, r);
    }

    /** The value in natural units of a network output [C', H, W] ({@link ImageValues#fromModel}). */
    public static Raster fromModel(VqConfig c, float[] out, int height, int width) {
        return c.values().fromModel(c, out, height, width);
    }
}
