package fourm.synth;

/**
 * An immutable 3x3 matrix (row-major), used for rotations. {@link #apply} multiplies a column vector:
 * {@code M v}.
 */
final class Mat3 {
    static final Mat3 IDENTITY = new Mat3(1, 0, 0, 0, 1, 0, 0, 0, 1);

    private final double[] m;

    Mat3(double... rowMajor) {
        if (rowMajor.length != 9) {
            throw new IllegalArgumentException("a 3x3 matrix needs 9 values, got " + rowMajor.length);
        }
        this.m = rowMajor.clone();
    }

    /** Rotation by {@code a} radians about the x axis (right-handed). */
    static Mat3 rotX(double a) {
        double c = StrictMath.cos(a), s = StrictMath.sin(a);
        return new Mat3(1, 0, 0, 0, c, -s, 0, s, c);
    }

    /** Rotation by {@code a} radians about the y axis (right-handed). */
    static Mat3 rotY(double a) {
        double c = StrictMath.cos(a), s = StrictMath.sin(a);
        return new Mat3(c, 0, s, 0, 1, 0, -s, 0, c);
    }

    /** Rotation by {@code a} radians about the z axis (right-handed). */
    static Mat3 rotZ(double a) {
        double c = StrictMath.cos(a), s = StrictMath.sin(a);
        return new Mat3(c, -s, 0, s, c, 0, 0, 0, 1);
    }

    /** The matrix whose rows are {@code r0, r1, r2}. */
    static Mat3 rows(Vec3 r0, Vec3 r1, Vec3 r2) {
        return new Mat3(r0.x(), r0.y(), r0.z(), r1.x(), r1.y(), r1.z(), r2.x(), r2.y(), r2.z());
    }

    double get(int row, int col) {
        return m[row * 3 + col];
    }

    Mat3 times(Mat3 o) {
        double[] r = new double[9];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                r[i * 3 + j] = m[i * 3] * o.m[j] + m[i * 3 + 1] * o.m[3 + j] + m[i * 3 + 2] * o.m[6 + j];
            }
        }
        return new Mat3(r);
    }

    Vec3 apply(Vec3 v) {
        return new Vec3(m[0] * v.x() + m[1] * v.y() + m[2] * v.z(),
                m[3] * v.x() + m[4] * v.y() + m[5] * v.z(),
                m[6] * v.x() + m[7] * v.y() + m[8] * v.z());
    }

    Mat3 transpose() {
        return new Mat3(m[0], m[3], m[6], m[1], m[4], m[7], m[2], m[5], m[8]);
    }

    double determinant() {
        return m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6])
                + m[2] * (m[3] * m[7] - m[4] * m[6]);
    }

    /** The rows as a 3x3 array (a fresh copy). */
    double[][] toRows() {
        return new double[][] {{m[0], m[1], m[2]}, {m[3], m[4], m[5]}, {m[6], m[7], m[8]}};
    }
}
