package fourm.modality.color.palette;

/**
 * One colour of a palette, 8 bits a channel.
 *
 * @param r red, 0..255
 * @param g green, 0..255
 * @param b blue, 0..255
 */
public record Rgb(int r, int g, int b) {
    /** Checks each channel; the message names it. */
    public Rgb {
        check("r", r);
        check("g", g);
        check("b", b);
    }

    private static void check(String channel, int v) {
        if (v < 0 || v > 255) {
            throw new IllegalArgumentException("colour: channel " + channel + " must be in [0, 255], got " + v);
        }
    }
}
