package fourm.examples.thermal;

import java.util.SplittableRandom;

/**
 * Synthetic thermal scenes, the example's training data: a background between 280 K and 300 K with a vertical
 * gradient, and one to three warm or cold bodies (Gaussian blobs of 10 K to 60 K), clamped to the sensor's range.
 * The same random source gives the same maps.
 */
public final class ThermalMaps {
    private ThermalMaps() {
    }

    /**
     * One {@code height x width} map in kelvin, row-major {@code [row][column]}.
     *
     * @param min the sensor's lowest temperature (values below are clamped)
     * @param max the sensor's highest temperature
     */
    public static float[][] scene(SplittableRandom r, int height, int width, double min, double max) {
        double base = 280 + 20 * r.nextDouble();
        double gradient = -10 + 20 * r.nextDouble();
        int bodies = 1 + r.nextInt(3);
        double[][] blob = new double[bodies][];
        for (int b = 0; b < bodies; b++) {
            double amplitude = (10 + 50 * r.nextDouble()) * (r.nextInt(4) == 0 ? -1 : 1);
            blob[b] = new double[] {r.nextDouble() * height, r.nextDouble() * width, 3 + 8 * r.nextDouble(),
                amplitude};
        }
        float[][] map = new float[height][width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double t = base + gradient * y / height;
                for (double[] b : blob) {
                    double dy = y - b[0];
                    double dx = x - b[1];
                    t += b[3] * Math.exp(-(dy * dy + dx * dx) / (2 * b[2] * b[2]));
                }
                map[y][x] = (float) Math.max(min, Math.min(max, t));
            }
        }
        return map;
    }
}
