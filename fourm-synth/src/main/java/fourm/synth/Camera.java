package fourm.synth;

/**
 * A pinhole camera looking from {@code eye} at a target, with square pixels and the principal point at the image
 * centre. Pixel coordinates are continuous: pixel (i, j) covers [i, i+1) x [j, j+1), x to the right and y down, so
 * its centre is (i + 0.5, j + 0.5). The focal length in pixels is {@code (width / 2) / tan(fov / 2)}, fov being
 * the horizontal field of view.
 */
final class Camera {
    final Vec3 eye;
    /** Unit viewing direction (the camera's optical axis). */
    final Vec3 forward;
    /** Unit vector to the image's right. */
    final Vec3 right;
    /** Unit vector to the image's top. */
    final Vec3 up;
    final int width;
    final int height;
    final double fovDegrees;
    /** Focal length in pixels (fx = fy). */
    final double focal;

    Camera(Vec3 eye, Vec3 target, double fovDegrees, int width, int height) {
        this.eye = eye;
        this.forward = target.minus(eye).normalized();
        Vec3 r = forward.cross(Vec3.UP);
        if (r.length() < 1e-9) {
            throw new IllegalArgumentException("the camera cannot look straight up or down");
        }
        this.right = r.normalized();
        this.up = right.cross(forward).normalized();
        this.width = width;
        this.height = height;
        this.fovDegrees = fovDegrees;
        this.focal = (width / 2.0) / StrictMath.tan(Math.toRadians(fovDegrees) / 2);
    }

    double cx() {
        return width / 2.0;
    }

    double cy() {
        return height / 2.0;
    }

    /** The unit direction of the ray through continuous pixel coordinates (u, v). */
    Vec3 ray(double u, double v) {
        double x = (u - cx()) / focal;
        double y = -(v - cy()) / focal;
        return forward.plusScaled(right, x).plusScaled(up, y).normalized();
    }

    /** A world direction in the OpenGL-style camera frame: x right, y up, z towards the viewer. */
    Vec3 toGlFrame(Vec3 worldDir) {
        return new Vec3(worldDir.dot(right), worldDir.dot(up), -worldDir.dot(forward));
    }

    /** The rotation from world to the OpenCV-style camera frame (x right, y down, z forward). */
    Mat3 worldToCv() {
        return Mat3.rows(right, up.times(-1), forward);
    }

    /** A world point in the OpenCV-style camera frame (metres; z is the depth). */
    Vec3 toCv(Vec3 worldPoint) {
        return worldToCv().apply(worldPoint.minus(eye));
    }

    /** The pixel coordinates (u, v) of a world point in front of the camera. */
    double[] project(Vec3 worldPoint) {
        Vec3 c = toCv(worldPoint);
        return new double[] {focal * c.x() / c.z() + cx(), focal * c.y() / c.z() + cy()};
    }
}
