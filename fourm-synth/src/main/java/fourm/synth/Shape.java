package fourm.synth;

import java.util.List;

/** The object shapes, each with its class id, caption nouns and geometry at a given size. */
enum Shape {
    SPHERE(Classes.SPHERE, "sphere", "spheres"),
    CUBE(Classes.CUBE, "cube", "cubes"),
    CYLINDER(Classes.CYLINDER, "cylinder", "cylinders"),
    CONE(Classes.CONE, "cone", "cones"),
    CAPSULE(Classes.CAPSULE, "capsule", "capsules");

    final int classId;
    final String singular;
    final String plural;

    Shape(int classId, String singular, String plural) {
        this.classId = classId;
        this.singular = singular;
        this.plural = plural;
    }

    /**
     * The solid standing on the ground at {@code (x, 0, z)} with half-extent {@code h}, turned by {@code yaw}.
     * Spheres have radius h; cubes half side h; cylinders radius h and height 2h; cones base radius h and height
     * 2.2h; capsules lie on the ground with radius h/2 and a segment of length 2h along the yaw direction.
     */
    Primitive solid(double x, double z, double h, double yaw) {
        return switch (this) {
            case SPHERE -> new Primitive.Sphere(new Vec3(x, h, z), h);
            case CUBE -> new Primitive.Cube(new Vec3(x, h, z), h, yaw);
            case CYLINDER -> new Primitive.Cylinder(new Vec3(x, 0, z), h, 2 * h);
            case CONE -> new Primitive.Cone(new Vec3(x, 0, z), h, 2.2 * h);
            case CAPSULE -> {
                double r = h / 2;
                Vec3 axis = new Vec3(StrictMath.cos(yaw), 0, StrictMath.sin(yaw)).times(h);
                Vec3 c = new Vec3(x, r, z);
                yield new Primitive.Capsule(c.minus(axis), c.plus(axis), r);
            }
        };
    }

    /** Radius of the disc the solid covers on the ground (for placement without interpenetration). */
    double footprint(double h) {
        return switch (this) {
            case SPHERE, CYLINDER, CONE -> h;
            case CUBE -> h * Math.sqrt(2);
            case CAPSULE -> 1.5 * h;
        };
    }

    static List<Shape> all() {
        return List.of(values());
    }
}
