package fourm.synth;

/**
 * A closed solid that a ray can hit, with analytic intersection. Rays are {@code o + t d} with {@code d} a unit
 * vector; {@link #hit} returns the smallest {@code t > tMin} at which the ray meets the surface, or
 * {@link Double#POSITIVE_INFINITY} when it does not.
 */
sealed interface Primitive {
    double MISS = Double.POSITIVE_INFINITY;

    /** The smallest ray parameter {@code t > tMin} on the surface, or {@link #MISS}. */
    double hit(Vec3 o, Vec3 d, double tMin);

    /** The outward unit normal at a surface point. */
    Vec3 normalAt(Vec3 p);

    /** Centre of a sphere that encloses the solid. */
    Vec3 boundCenter();

    /** Radius of a sphere that encloses the solid. */
    double boundRadius();

    /** The lowest y of the solid. */
    double minY();

    /** Smallest root {@code > tMin} of {@code a t^2 + 2 b t + c}, or MISS. */
    private static double smallestRoot(double a, double b, double c, double tMin) {
        if (Math.abs(a) < 1e-14) {
            if (Math.abs(b) < 1e-14) {
                return MISS;
            }
            double t = -c / (2 * b);
            return t > tMin ? t : MISS;
        }
        double disc = b * b - a * c;
        if (disc < 0) {
            return MISS;
        }
        double sq = Math.sqrt(disc);
        double t0 = (-b - sq) / a, t1 = (-b + sq) / a;
        if (t0 > t1) {
            double tmp = t0;
            t0 = t1;
            t1 = tmp;
        }
        if (t0 > tMin) {
            return t0;
        }
        return t1 > tMin ? t1 : MISS;
    }

    /** A sphere. */
    record Sphere(Vec3 center, double radius) implements Primitive {
        @Override
        public double hit(Vec3 o, Vec3 d, double tMin) {
            Vec3 oc = o.minus(center);
            return smallestRoot(1, oc.dot(d), oc.dot(oc) - radius * radius, tMin);
        }

        @Override
        public Vec3 normalAt(Vec3 p) {
            return p.minus(center).normalized();
        }

        @Override
        public Vec3 boundCenter() {
            return center;
        }

        @Override
        public double boundRadius() {
            return radius;
        }

        @Override
        public double minY() {
            return center.y() - radius;
        }
    }

    /** A capsule: the points within {@code radius} of the segment {@code a}-{@code b}. */
    record Capsule(Vec3 a, Vec3 b, double radius) implements Primitive {
        @Override
        public double hit(Vec3 o, Vec3 d, double tMin) {
            Vec3 ba = b.minus(a);
            double baba = ba.dot(ba);
            if (baba < 1e-18) {
                return new Sphere(a, radius).hit(o, d, tMin);
            }
            Vec3 oa = o.minus(a);
            double bard = ba.dot(d), baoa = ba.dot(oa), rdoa = d.dot(oa), oaoa = oa.dot(oa);
            // Infinite cylinder around the axis, restricted to the segment's extent.
            double qa = baba - bard * bard;
            double qb = baba * rdoa - baoa * bard;
            double qc = baba * oaoa - baoa * baoa - radius * radius * baba;
            double best = MISS;
            if (qa > 1e-14) {
                double disc = qb * qb - qa * qc;
                if (disc >= 0) {
                    double sq = Math.sqrt(disc);
                    for (double t : new double[] {(-qb - sq) / qa, (-qb + sq) / qa}) {
                        double along = baoa + t * bard;
                        if (t > tMin && t < best && along >= 0 && along <= baba) {
                            best = t;
                        }
                    }
                }
            }
            // The two end spheres.
            best = Math.min(best, new Sphere(a, radius).hit(o, d, tMin));
            best = Math.min(best, new Sphere(b, radius).hit(o, d, tMin));
            return best;
        }

        @Override
        public Vec3 normalAt(Vec3 p) {
            Vec3 ba = b.minus(a);
            double baba = ba.dot(ba);
            double s = baba < 1e-18 ? 0 : Math.max(0, Math.min(1, p.minus(a).dot(ba) / baba));
            return p.minus(a.plusScaled(ba, s)).normalized();
        }

        @Override
        public Vec3 boundCenter() {
            return a.lerp(b, 0.5);
        }

        @Override
        public double boundRadius() {
            return b.minus(a).length() / 2 + radius;
        }

        @Override
        public double minY() {
            return Math.min(a.y(), b.y()) - radius;
        }
    }

    /** A cube of half side {@code half}, turned by {@code yaw} radians about the vertical axis. */
    record Cube(Vec3 center, double half, double yaw) implements Primitive {
        private Mat3 toLocal() {
            return Mat3.rotY(-yaw);
        }

        @Override
        public double hit(Vec3 o, Vec3 d, double tMin) {
            Mat3 r = toLocal();
            double[] lo = r.apply(o.minus(center)).toArray();
            double[] ld = r.apply(d).toArray();
            double near = Double.NEGATIVE_INFINITY, far = Double.POSITIVE_INFINITY;
            for (int i = 0; i < 3; i++) {
                if (Math.abs(ld[i]) < 1e-14) {
                    if (Math.abs(lo[i]) > half) {
                        return MISS;
                    }
                    continue;
                }
                double t1 = (-half - lo[i]) / ld[i], t2 = (half - lo[i]) / ld[i];
                near = Math.max(near, Math.min(t1, t2));
                far = Math.min(far, Math.max(t1, t2));
            }
            if (near > far) {
                return MISS;
            }
            if (near > tMin) {
                return near;
            }
            return far > tMin ? far : MISS;
        }

        @Override
        public Vec3 normalAt(Vec3 p) {
            Mat3 r = toLocal();
            double[] lp = r.apply(p.minus(center)).toArray();
            int axis = 0;
            for (int i = 1; i < 3; i++) {
                if (Math.abs(lp[i]) > Math.abs(lp[axis])) {
                    axis = i;
                }
            }
            double[] n = new double[3];
            n[axis] = Math.signum(lp[axis]);
            return r.transpose().apply(new Vec3(n[0], n[1], n[2]));
        }

        @Override
        public Vec3 boundCenter() {
            return center;
        }

        @Override
        public double boundRadius() {
            return half * Math.sqrt(3);
        }

        @Override
        public double minY() {
            return center.y() - half;
        }
    }

    /** An upright closed cylinder: base centre {@code base}, radius, height (extending up from the base). */
    record Cylinder(Vec3 base, double radius, double height) implements Primitive {
        @Override
        public double hit(Vec3 o, Vec3 d, double tMin) {
            double ox = o.x() - base.x(), oz = o.z() - base.z(), oy = o.y() - base.y();
            double best = MISS;
            double a = d.x() * d.x() + d.z() * d.z();
            if (a > 1e-14) {
                double b = ox * d.x() + oz * d.z();
                double c = ox * ox + oz * oz - radius * radius;
                double disc = b * b - a * c;
                if (disc >= 0) {
                    double sq = Math.sqrt(disc);
                    for (double t : new double[] {(-b - sq) / a, (-b + sq) / a}) {
                        double y = oy + t * d.y();
                        if (t > tMin && t < best && y >= 0 && y <= height) {
                            best = t;
                        }
                    }
                }
            }
            if (Math.abs(d.y()) > 1e-14) {
                for (double capY : new double[] {0, height}) {
                    double t = (capY - oy) / d.y();
                    double x = ox + t * d.x(), z = oz + t * d.z();
                    if (t > tMin && t < best && x * x + z * z <= radius * radius) {
                        best = t;
                    }
                }
            }
            return best;
        }

        @Override
        public Vec3 normalAt(Vec3 p) {
            double y = p.y() - base.y();
            double dx = p.x() - base.x(), dz = p.z() - base.z();
            double radial = Math.sqrt(dx * dx + dz * dz);
            double eps = 1e-6 * Math.max(1, height);
            if (Math.abs(y - height) < eps && radial < radius * (1 - 1e-9)) {
                return Vec3.UP;
            }
            if (Math.abs(y) < eps && radial < radius * (1 - 1e-9)) {
                return new Vec3(0, -1, 0);
            }
            return new Vec3(dx / radial, 0, dz / radial);
        }

        @Override
        public Vec3 boundCenter() {
            return base.plus(new Vec3(0, height / 2, 0));
        }

        @Override
        public double boundRadius() {
            return StrictMath.hypot(radius, height / 2);
        }

        @Override
        public double minY() {
            return base.y();
        }
    }

    /** An upright closed cone: base disc centre {@code base} and radius, apex {@code height} above the base. */
    record Cone(Vec3 base, double radius, double height) implements Primitive {
        @Override
        public double hit(Vec3 o, Vec3 d, double tMin) {
            double ox = o.x() - base.x(), oz = o.z() - base.z(), oy = o.y() - base.y();
            double k = radius / height;
            double k2 = k * k;
            double h0 = height - oy;
            // x^2 + z^2 = k^2 (height - y)^2, 0 <= y <= height
            double a = d.x() * d.x() + d.z() * d.z() - k2 * d.y() * d.y();
            double b = ox * d.x() + oz * d.z() + k2 * h0 * d.y();
            double c = ox * ox + oz * oz - k2 * h0 * h0;
            double best = MISS;
            if (Math.abs(a) > 1e-14) {
                double disc = b * b - a * c;
                if (disc >= 0) {
                    double sq = Math.sqrt(disc);
                    for (double t : new double[] {(-b - sq) / a, (-b + sq) / a}) {
                        double y = oy + t * d.y();
                        if (t > tMin && t < best && y >= 0 && y <= height) {
                            best = t;
                        }
                    }
                }
            } else if (Math.abs(b) > 1e-14) {
                double t = -c / (2 * b);
                double y = oy + t * d.y();
                if (t > tMin && y >= 0 && y <= height) {
                    best = t;
                }
            }
            if (Math.abs(d.y()) > 1e-14) {
                double t = -oy / d.y();
                double x = ox + t * d.x(), z = oz + t * d.z();
                if (t > tMin && t < best && x * x + z * z <= radius * radius) {
                    best = t;
                }
            }
            return best;
        }

        @Override
        public Vec3 normalAt(Vec3 p) {
            double y = p.y() - base.y();
            double dx = p.x() - base.x(), dz = p.z() - base.z();
            double radial = Math.sqrt(dx * dx + dz * dz);
            if (Math.abs(y) < 1e-6 * Math.max(1, height) && radial < radius * (1 - 1e-6)) {
                return new Vec3(0, -1, 0);
            }
            if (radial < 1e-12) {
                return Vec3.UP;
            }
            return new Vec3(dx / radial, radius / height, dz / radial).normalized();
        }

        @Override
        public Vec3 boundCenter() {
            return base.plus(new Vec3(0, height / 2, 0));
        }

        @Override
        public double boundRadius() {
            return StrictMath.hypot(radius, height / 2);
        }

        @Override
        public double minY() {
            return base.y();
        }
    }
}
