package fourm.synth;

/** An immutable 3-vector of doubles: points, directions and linear RGB colours. */
record Vec3(double x, double y, double z) {
    static final Vec3 ZERO = new Vec3(0, 0, 0);
    static final Vec3 UP = new Vec3(0, 1, 0);

    Vec3 plus(Vec3 o) {
        return new Vec3(x + o.x, y + o.y, z + o.z);
    }

    Vec3 minus(Vec3 o) {
        return new Vec3(x - o.x, y - o.y, z - o.z);
    }

    Vec3 times(double s) {
        return new Vec3(x * s, y * s, z * s);
    }

    /** Component-wise product (colour modulation). */
    Vec3 times(Vec3 o) {
        return new Vec3(x * o.x, y * o.y, z * o.z);
    }

    /** {@code this + o * s}. */
    Vec3 plusScaled(Vec3 o, double s) {
        return new Vec3(x + o.x * s, y + o.y * s, z + o.z * s);
    }

    double dot(Vec3 o) {
        return x * o.x + y * o.y + z * o.z;
    }

    Vec3 cross(Vec3 o) {
        return new Vec3(y * o.z - z * o.y, z * o.x - x * o.z, x * o.y - y * o.x);
    }

    double length() {
        return Math.sqrt(dot(this));
    }

    Vec3 normalized() {
        double l = length();
        if (l == 0) {
            throw new ArithmeticException("cannot normalise the zero vector");
        }
        return times(1 / l);
    }

    /** Linear interpolation: {@code this} at t = 0, {@code o} at t = 1. */
    Vec3 lerp(Vec3 o, double t) {
        return new Vec3(x + (o.x - x) * t, y + (o.y - y) * t, z + (o.z - z) * t);
    }

    double[] toArray() {
        return new double[] {x, y, z};
    }
}
