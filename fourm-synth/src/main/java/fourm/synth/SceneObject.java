package fourm.synth;

import java.util.List;

/**
 * One thing in a scene: a shaped object, or a human figure. For a human, {@code shape} and {@code size} are null,
 * {@code color} is the shirt colour and {@code human}/{@code joints} hold the figure and its world joint positions;
 * for an object, {@code human} and {@code joints} are null.
 *
 * @param classId     semantic class ({@link Classes})
 * @param shape       the object's shape, or null for a human
 * @param color       the object's colour, or the human's shirt colour
 * @param material    surface material (humans are matte)
 * @param size        the object's size, or null for a human
 * @param ground      the point on the ground below the object's centre
 * @param yaw         rotation about the vertical, radians
 * @param parts       the solids with their surfaces
 * @param boundCenter centre of a sphere enclosing every part
 * @param boundRadius radius of that sphere
 * @param footprint   radius of the ground disc the object covers
 * @param human       the figure, or null
 * @param joints      the 24 SMPL joints in the world, or null
 */
record SceneObject(int classId, Shape shape, NamedColor color, Material material, Size size, Vec3 ground, double yaw,
        List<Part> parts, Vec3 boundCenter, double boundRadius, double footprint, HumanFigure human,
        Vec3[] joints) {

    SceneObject {
        parts = List.copyOf(parts);
    }

    boolean isHuman() {
        return human != null;
    }

    /** The caption noun: the shape's, or "person". */
    String noun() {
        return isHuman() ? "person" : shape.singular;
    }

    String pluralNoun() {
        return isHuman() ? "people" : shape.plural;
    }

    static SceneObject shaped(Shape shape, NamedColor color, Material material, Size size, double x, double z,
            double yaw) {
        Primitive solid = shape.solid(x, z, size.half, yaw);
        return new SceneObject(shape.classId, shape, color, material, size, new Vec3(x, 0, z), yaw,
                List.of(new Part(solid, color.linear(), material)), solid.boundCenter(), solid.boundRadius(),
                shape.footprint(size.half), null, null);
    }

    static SceneObject human(HumanFigure figure, double x, double z, double yaw) {
        List<Part> parts = figure.placedParts(x, z, yaw);
        double[] lo = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
        double[] hi = {-Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
        for (Part p : parts) {
            double[] c = p.solid().boundCenter().toArray();
            double r = p.solid().boundRadius();
            for (int i = 0; i < 3; i++) {
                lo[i] = Math.min(lo[i], c[i] - r);
                hi[i] = Math.max(hi[i], c[i] + r);
            }
        }
        Vec3 center = new Vec3((lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2, (lo[2] + hi[2]) / 2);
        double radius = 0;
        for (Part p : parts) {
            radius = Math.max(radius, p.solid().boundCenter().minus(center).length() + p.solid().boundRadius());
        }
        return new SceneObject(Classes.PERSON, null, figure.shirt, Material.MATTE, null, new Vec3(x, 0, z), yaw,
                parts, center, radius, figure.footprint, figure, figure.placedJoints(x, z, yaw));
    }
}
