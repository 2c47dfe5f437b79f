package fourm.synth;

/**
 * Image metadata of spec §6.3 computed from an sRGB image (0-255 values), as the reference computes them with
 * Pillow/OpenCV: gray is ITU-R BT.601 luma.
 */
final class ImageStats {
    private ImageStats() {
    }

    /** Hasler and Suesstrunk's colourfulness: {@code sigma_rgyb + 0.3 mu_rgyb}, rg = R - G, yb = (R + G)/2 - B. */
    static double colorfulness(byte[] rgb) {
        int n = rgb.length / 3;
        double srg = 0, syb = 0, srg2 = 0, syb2 = 0;
        for (int i = 0; i < n; i++) {
            double r = rgb[3 * i] & 0xff, g = rgb[3 * i + 1] & 0xff, b = rgb[3 * i + 2] & 0xff;
            double rg = r - g, yb = 0.5 * (r + g) - b;
            srg += rg;
            syb += yb;
            srg2 += rg * rg;
            syb2 += yb * yb;
        }
        double mrg = srg / n, myb = syb / n;
        double vrg = Math.max(0, srg2 / n - mrg * mrg), vyb = Math.max(0, syb2 / n - myb * myb);
        return Math.sqrt(vrg + vyb) + 0.3 * Math.sqrt(mrg * mrg + myb * myb);
    }

    /** Mean gray level, 0-255. */
    static double brightness(double[] gray) {
        double s = 0;
        for (double g : gray) {
            s += g;
        }
        return s / gray.length;
    }

    /** Standard deviation of the gray level (RMS contrast), 0-127.5. */
    static double contrast(double[] gray) {
        double m = brightness(gray), s = 0;
        for (double g : gray) {
            s += (g - m) * (g - m);
        }
        return Math.sqrt(s / gray.length);
    }

    /** Mean HSV saturation scaled to 0-255. */
    static double saturation(byte[] rgb) {
        int n = rgb.length / 3;
        double s = 0;
        for (int i = 0; i < n; i++) {
            int r = rgb[3 * i] & 0xff, g = rgb[3 * i + 1] & 0xff, b = rgb[3 * i + 2] & 0xff;
            int max = Math.max(r, Math.max(g, b)), min = Math.min(r, Math.min(g, b));
            s += max == 0 ? 0 : 255.0 * (max - min) / max;
        }
        return s / n;
    }

    /** Shannon entropy (bits) of the 256-bin histogram of the gray image rounded to integers, 0-8. */
    static double entropy(double[] gray) {
        int[] hist = new int[256];
        for (double g : gray) {
            hist[(int) Math.max(0, Math.min(255, Math.round(g)))]++;
        }
        double e = 0;
        for (int c : hist) {
            if (c > 0) {
                double p = (double) c / gray.length;
                e -= p * StrictMath.log(p) / StrictMath.log(2);
            }
        }
        return e;
    }
}
