package fourm.synth;

import java.util.List;

/**
 * The semantic classes of the synthetic world, shared by the semantic segmentation maps (the pixel value is the class
 * id), the detections ({@code class_name}) and the SAM instances. Id 0 is the background (the sky, and everything
 * beyond the far plane), id 1 the ground plane, and the rest are the "things" that can be counted and boxed.
 *
 * <p>The names are this world's own small vocabulary: the reference's COCO classes have no cubes or cones, and naming
 * a sphere "sports ball" would teach a model a false fact. A human figure is COCO's {@code person}.
 */
public final class Classes {
    /** The sky: no surface within the far plane. */
    public static final int SKY = 0;
    /** The ground plane. */
    public static final int GROUND = 1;
    /** An articulated human figure. */
    public static final int PERSON = 2;
    /** A sphere. */
    public static final int SPHERE = 3;
    /** A cube. */
    public static final int CUBE = 4;
    /** An upright cylinder. */
    public static final int CYLINDER = 5;
    /** An upright cone. */
    public static final int CONE = 6;
    /** A capsule lying on the ground. */
    public static final int CAPSULE = 7;

    /**
     * One class.
     *
     * @param id    the value in the semantic segmentation map
     * @param name  the class name used in detections and instances
     * @param thing whether instances of the class are counted and boxed (false for the sky and the ground)
     */
    public record SemanticClass(int id, String name, boolean thing) {
    }

    private static final List<SemanticClass> ALL = List.of(
            new SemanticClass(SKY, "sky", false),
            new SemanticClass(GROUND, "ground", false),
            new SemanticClass(PERSON, "person", true),
            new SemanticClass(SPHERE, "sphere", true),
            new SemanticClass(CUBE, "cube", true),
            new SemanticClass(CYLINDER, "cylinder", true),
            new SemanticClass(CONE, "cone", true),
            new SemanticClass(CAPSULE, "capsule", true));

    private Classes() {
    }

    /** Every class, in id order (the list index is the id). */
    public static List<SemanticClass> all() {
        return ALL;
    }

    /** How many classes there are (semantic ids are {@code 0 .. count() - 1}). */
    public static int count() {
        return ALL.size();
    }

    /** The name of class {@code id}. */
    public static String name(int id) {
        if (id < 0 || id >= ALL.size()) {
            throw new IllegalArgumentException("no class with id " + id + "; ids are 0.." + (ALL.size() - 1));
        }
        return ALL.get(id).name();
    }

    /** The id of the class called {@code name}. */
    public static int id(String name) {
        for (SemanticClass c : ALL) {
            if (c.name().equals(name)) {
                return c.id();
            }
        }
        throw new IllegalArgumentException("no class named '" + name + "'; classes are "
                + ALL.stream().map(SemanticClass::name).toList());
    }
}
