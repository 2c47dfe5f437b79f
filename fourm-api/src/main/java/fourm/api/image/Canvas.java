package fourm.api.image;

/**
 * An RGB picture to draw a grid on: pasted images (scaled up by pixel repetition), rectangles and text in
 * {@link BitmapFont}. Coordinates are pixels, (0, 0) top left; drawing outside is clipped. {@link #rgb()} gives the
 * pixels for an image writer (the demo's grids, the views of {@code fourm generate}).
 */
public final class Canvas {
    /** Width of one character of {@link #text}, in pixels. */
    public static final int CHAR_WIDTH = BitmapFont.WIDTH;
    /** Height of one line of {@link #wrapped} text, in pixels. */
    public static final int LINE_HEIGHT = BitmapFont.HEIGHT + 1;
    private final int width;
    private final int height;
    private final byte[] rgb;

    /** A canvas filled with {@code background} (0xRRGGBB). */
    public Canvas(int width, int height, int background) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("canvas: size " + width + " x " + height);
        }
        this.width = width;
        this.height = height;
        this.rgb = new byte[3 * width * height];
        fill(0, 0, width, height, background);
    }

    /** The width in pixels. */
    public int width() {
        return width;
    }

    /** The height in pixels. */
    public int height() {
        return height;
    }

    /** Sets one pixel. */
    public void set(int x, int y, int color) {
        if (x < 0 || y < 0 || x >= width || y >= height) {
            return;
        }
        int o = 3 * (y * width + x);
        rgb[o] = (byte) (color >> 16);
        rgb[o + 1] = (byte) (color >> 8);
        rgb[o + 2] = (byte) color;
    }

    /** Fills a rectangle. */
    public void fill(int x, int y, int w, int h, int color) {
        for (int j = y; j < y + h; j++) {
            for (int i = x; i < x + w; i++) {
                set(i, j, color);
            }
        }
    }

    /** Draws a rectangle outline of the given thickness. */
    public void outline(int x0, int y0, int x1, int y1, int thickness, int color) {
        for (int t = 0; t < thickness; t++) {
            for (int x = x0; x <= x1; x++) {
                set(x, y0 + t, color);
                set(x, y1 - t, color);
            }
            for (int y = y0; y <= y1; y++) {
                set(x0 + t, y, color);
                set(x1 - t, y, color);
            }
        }
    }

    /**
     * Pastes an RGB image at (x, y), each pixel drawn as a {@code scale x scale} block.
     *
     * @param image 3 bytes per pixel, row-major, {@code w x h}
     */
    public void paste(byte[] image, int w, int h, int x, int y, int scale) {
        if (image.length != 3 * w * h) {
            throw new IllegalArgumentException("canvas: " + image.length + " bytes are not a " + w + " x " + h
                    + " RGB image");
        }
        for (int j = 0; j < h * scale; j++) {
            for (int i = 0; i < w * scale; i++) {
                int o = 3 * ((j / scale) * w + i / scale);
                set(x + i, y + j, (image[o] & 0xff) << 16 | (image[o + 1] & 0xff) << 8 | (image[o + 2] & 0xff));
            }
        }
    }

    /** Draws one line of text with its top left at (x, y); returns the x after it. */
    public int text(int x, int y, String s, int color) {
        for (int k = 0; k < s.length(); k++) {
            char ch = s.charAt(k);
            for (int gy = 0; gy < BitmapFont.HEIGHT; gy++) {
                for (int gx = 0; gx < BitmapFont.WIDTH; gx++) {
                    if (BitmapFont.ink(ch, gx, gy)) {
                        set(x + gx, y + gy, color);
                    }
                }
            }
            x += BitmapFont.WIDTH;
        }
        return x;
    }

    /**
     * Draws text wrapped at word boundaries to at most {@code maxWidth} pixels per line; returns the y below the last
     * line.
     */
    public int wrapped(int x, int y, int maxWidth, String s, int color) {
        int perLine = Math.max(1, maxWidth / BitmapFont.WIDTH);
        for (String line : wrap(s, perLine)) {
            text(x, y, line, color);
            y += BitmapFont.HEIGHT + 1;
        }
        return y;
    }

    /** Splits text into lines of at most {@code perLine} characters, at spaces where possible. */
    public static java.util.List<String> wrap(String s, int perLine) {
        java.util.List<String> lines = new java.util.ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : s.strip().split("\\s+")) {
            while (word.length() > perLine) {
                if (line.length() > 0) {
                    lines.add(line.toString());
                    line.setLength(0);
                }
                lines.add(word.substring(0, perLine));
                word = word.substring(perLine);
            }
            if (line.length() > 0 && line.length() + 1 + word.length() > perLine) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (!word.isEmpty()) {
                line.append(line.length() > 0 ? " " : "").append(word);
            }
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }

    /** A copy of the pixels: 3 bytes (R, G, B) per pixel, row-major. */
    public byte[] rgb() {
        return rgb.clone();
    }

}
