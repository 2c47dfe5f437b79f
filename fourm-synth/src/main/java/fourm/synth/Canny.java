package fourm.synth;

import java.util.ArrayDeque;

/**
 * The Canny edge detector: Gaussian blur, Sobel gradients, non-maximum suppression along the gradient direction
 * (quantised to 0, 45, 90 and 135 degrees), double threshold and hysteresis (weak pixels are kept when 8-connected
 * to a strong one). Borders are replicated for the filters; the one-pixel image border is never an edge.
 */
final class Canny {
    private static final double TAN_22_5 = StrictMath.tan(Math.toRadians(22.5));
    private static final double TAN_67_5 = StrictMath.tan(Math.toRadians(67.5));

    private Canny() {
    }

    /** The gray image (ITU-R BT.601 luma, 0-255) of an sRGB image. */
    static double[] luma(byte[] rgb) {
        double[] g = new double[rgb.length / 3];
        for (int i = 0; i < g.length; i++) {
            g[i] = 0.299 * (rgb[3 * i] & 0xff) + 0.587 * (rgb[3 * i + 1] & 0xff) + 0.114 * (rgb[3 * i + 2] & 0xff);
        }
        return g;
    }

    /**
     * The edges of a gray image.
     *
     * @param gray   values 0-255, row-major
     * @param sigma  Gaussian standard deviation, pixels
     * @param low    low threshold on the gradient magnitude
     * @param high   high threshold on the gradient magnitude
     * @return true at edge pixels
     */
    static boolean[] detect(double[] gray, int width, int height, double sigma, double low, double high) {
        if (gray.length != width * height) {
            throw new IllegalArgumentException("gray image of " + gray.length + " values is not " + width + "x"
                    + height);
        }
        double[] blurred = blur(gray, width, height, sigma);
        double[] mag = new double[gray.length];
        double[] gx = new double[gray.length];
        double[] gy = new double[gray.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double tl = at(blurred, width, height, x - 1, y - 1), tc = at(blurred, width, height, x, y - 1);
                double tr = at(blurred, width, height, x + 1, y - 1), ml = at(blurred, width, height, x - 1, y);
                double mr = at(blurred, width, height, x + 1, y), bl = at(blurred, width, height, x - 1, y + 1);
                double bc = at(blurred, width, height, x, y + 1), br = at(blurred, width, height, x + 1, y + 1);
                double sx = (tr + 2 * mr + br) - (tl + 2 * ml + bl);
                double sy = (bl + 2 * bc + br) - (tl + 2 * tc + tr);
                int i = y * width + x;
                gx[i] = sx;
                gy[i] = sy;
                mag[i] = StrictMath.hypot(sx, sy);
            }
        }
        // Non-maximum suppression, then classify.
        byte[] cls = new byte[gray.length]; // 0 none, 1 weak, 2 strong
        for (int y = 1; y < height - 1; y++) {
            for (int x = 1; x < width - 1; x++) {
                int i = y * width + x;
                double m = mag[i];
                if (m < low || m == 0) {
                    continue;
                }
                double ax = Math.abs(gx[i]), ay = Math.abs(gy[i]);
                int dx, dy;
                if (ay <= ax * TAN_22_5) {
                    dx = 1;
                    dy = 0;
                } else if (ay >= ax * TAN_67_5) {
                    dx = 0;
                    dy = 1;
                } else if (gx[i] * gy[i] > 0) {
                    dx = 1;
                    dy = 1;
                } else {
                    dx = 1;
                    dy = -1;
                }
                double m1 = mag[(y + dy) * width + x + dx];
                double m2 = mag[(y - dy) * width + x - dx];
                if (m > m1 && m >= m2) {
                    cls[i] = (byte) (m >= high ? 2 : 1);
                }
            }
        }
        boolean[] edges = new boolean[gray.length];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int i = 0; i < cls.length; i++) {
            if (cls[i] == 2) {
                edges[i] = true;
                queue.add(i);
            }
        }
        while (!queue.isEmpty()) {
            int i = queue.poll();
            int x = i % width, y = i / width;
            for (int ny = y - 1; ny <= y + 1; ny++) {
                for (int nx = x - 1; nx <= x + 1; nx++) {
                    if (nx < 0 || ny < 0 || nx >= width || ny >= height) {
                        continue;
                    }
                    int j = ny * width + nx;
                    if (!edges[j] && cls[j] == 1) {
                        edges[j] = true;
                        queue.add(j);
                    }
                }
            }
        }
        return edges;
    }

    private static double at(double[] img, int w, int h, int x, int y) {
        x = Math.max(0, Math.min(w - 1, x));
        y = Math.max(0, Math.min(h - 1, y));
        return img[y * w + x];
    }

    /** Separable Gaussian blur, kernel radius ceil(3 sigma), replicated borders. */
    static double[] blur(double[] img, int w, int h, double sigma) {
        int r = (int) Math.ceil(3 * sigma);
        double[] k = new double[2 * r + 1];
        double sum = 0;
        for (int i = -r; i <= r; i++) {
            k[i + r] = StrictMath.exp(-i * i / (2 * sigma * sigma));
            sum += k[i + r];
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= sum;
        }
        double[] tmp = new double[img.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double acc = 0;
                for (int i = -r; i <= r; i++) {
                    acc += k[i + r] * at(img, w, h, x + i, y);
                }
                tmp[y * w + x] = acc;
            }
        }
        double[] out = new double[img.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double acc = 0;
                for (int i = -r; i <= r; i++) {
                    acc += k[i + r] * at(tmp, w, h, x, y + i);
                }
                out[y * w + x] = acc;
            }
        }
        return out;
    }
}
