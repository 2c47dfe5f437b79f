package fourm.modality.det;

/**
 * A box in normalised image coordinates ([0, 1], the albumentations convention the reference uses).
 *
 * @param xmin left edge
 * @param ymin top edge
 * @param xmax right edge, {@code >= xmin}
 * @param ymax bottom edge, {@code >= ymin}
 */
public record BoundingBox(double xmin, double ymin, double xmax, double ymax) {
    /** Checks that the coordinates are finite, in [0, 1] and ordered; the message names the coordinate. */
    public BoundingBox {
        check("xmin", xmin);
        check("ymin", ymin);
        check("xmax", xmax);
        check("ymax", ymax);
        if (xmin > xmax || ymin > ymax) {
            throw new IllegalArgumentException("box: expected xmin <= xmax and ymin <= ymax, got [" + xmin + ", "
                    + ymin + ", " + xmax + ", " + ymax + "]");
        }
    }

    private static void check(String name, double v) {
        if (!(v >= 0 && v <= 1)) {
            throw new IllegalArgumentException("box: " + name + " must be a normalised coordinate in [0, 1], got " + v);
        }
    }
}
