package fourm.demo;

/**
 * Surface-normal accuracy: the mean angle, in degrees, between predicted and true normals, pooled over every valid
 * pixel of every image added. Both are normalised to unit length first; a zero-length predicted normal counts as
 * 90 degrees away (it points nowhere).
 *
 * <p>Not thread-safe.
 */
public final class NormalMetric {
    private double angleSum;
    private long pixels;

    /**
     * Adds one image.
     *
     * @param predicted predicted normals, 3 floats per pixel (x, y, z), any length
     * @param truth     true normals, 3 floats per pixel
     * @param valid     which pixels count (for example not the sky); null means all
     * @throws IllegalArgumentException if the sizes differ, or a counted true normal has zero length
     */
    public void add(float[] predicted, float[] truth, boolean[] valid) {
        if (predicted.length != truth.length || truth.length % 3 != 0
                || (valid != null && valid.length * 3 != truth.length)) {
            throw new IllegalArgumentException("normals: predicted has " + predicted.length + " values, truth "
                    + truth.length + (valid == null ? "" : ", mask " + valid.length + " pixels")
                    + "; expected 3 values per pixel and equal sizes");
        }
        for (int i = 0; i < truth.length / 3; i++) {
            if (valid != null && !valid[i]) {
                continue;
            }
            angleSum += angleDegrees(predicted, truth, i);
            pixels++;
        }
    }

    /** The angle between pixel {@code i}'s two normals in degrees. */
    static double angleDegrees(float[] predicted, float[] truth, int i) {
        double px = predicted[3 * i];
        double py = predicted[3 * i + 1];
        double pz = predicted[3 * i + 2];
        double gx = truth[3 * i];
        double gy = truth[3 * i + 1];
        double gz = truth[3 * i + 2];
        double pn = Math.sqrt(px * px + py * py + pz * pz);
        double gn = Math.sqrt(gx * gx + gy * gy + gz * gz);
        if (!(gn > 0) || !Double.isFinite(gn)) {
            throw new IllegalArgumentException("normals: the true normal of pixel " + i + " is (" + gx + ", " + gy
                    + ", " + gz + "); expected a non-zero finite vector");
        }
        if (!(pn > 0) || !Double.isFinite(pn)) {
            return 90;
        }
        double cos = (px * gx + py * gy + pz * gz) / (pn * gn);
        return Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, cos))));
    }

    /** Mean angular error in degrees (NaN before any pixel). */
    public double meanAngleDegrees() {
        return pixels == 0 ? Double.NaN : angleSum / pixels;
    }

    /** Pixels counted. */
    public long pixels() {
        return pixels;
    }
}
