package fourm.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * An articulated human figure: the 24-joint SMPL kinematic tree, a random pose within joint limits, a 10-number shape
 * vector and capsule geometry between the joints.
 *
 * <p><b>Frames.</b> The figure is built in the SMPL canonical frame (y up, x to the figure's left, z the direction it
 * faces), with the pelvis at the origin. Joint {@code j}'s relative rotation {@code R_j} rotates the bones below it:
 * {@code G_j = G_parent(j) R_j} and {@code p_child = p_j + G_j offset_child}, the SMPL forward kinematics. The root's
 * rotation is the global orientation, applied when the figure is placed in the world.
 *
 * <p><b>Rest skeleton.</b> The bone offsets are rounded adult proportions in the SMPL joint layout (pelvis-to-ankle
 * 0.87 m, stature about 1.7 m), arms out to the sides (the SMPL rest pose).
 *
 * <p><b>Shape.</b> The 10 betas are drawn from N(0, 1) clipped to [-2.5, 2.5]. They are not SMPL's PCA shape space
 * (which needs the licensed SMPL model) but act on the skeleton in a documented way: beta0 stature (all lengths x (1 +
 * 0.06 b0)), beta1 overall girth (all radii x (1 + 0.10 b1)), beta2 leg length (x (1 + 0.05 b2)), beta3 arm length
 * (x (1 + 0.05 b3)), beta4 torso length (x (1 + 0.05 b4)), beta5 shoulder width (x (1 + 0.06 b5)), beta6 hip width
 * (x (1 + 0.06 b6)), beta7 head size (x (1 + 0.05 b7)), beta8 torso girth (x (1 + 0.08 b8)), beta9 limb girth
 * (x (1 + 0.08 b9)).
 *
 * <p><b>Pose.</b> Each relative rotation is {@code Rz(z) Ry(y) Rx(x)} with the three angles drawn uniformly within
 * per-joint limits (knees and elbows bend one way only; one leg, chosen at random, bears the weight and bends
 * little). The figure is then lowered so that its lowest point touches the ground.
 */
final class HumanFigure {
    /** The SMPL joint names, in SMPL order. */
    static final List<String> JOINT_NAMES = List.of(
            "pelvis", "left_hip", "right_hip", "spine1", "left_knee", "right_knee", "spine2", "left_ankle",
            "right_ankle", "spine3", "left_foot", "right_foot", "neck", "left_collar", "right_collar", "head",
            "left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hand",
            "right_hand");
    /** The SMPL parent table (-1 for the root). */
    static final int[] PARENTS = {-1, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 12, 13, 14, 16, 17, 18, 19, 20, 21};
    static final int JOINTS = 24;
    static final int BETAS = 10;

    /** Rest offsets from the parent joint, canonical frame, metres. */
    private static final double[][] OFFSETS = {
        {0, 0, 0},
        {0.07, -0.09, 0}, {-0.07, -0.09, 0}, {0, 0.11, -0.02},
        {0.035, -0.38, 0}, {-0.035, -0.38, 0}, {0, 0.135, 0.025},
        {-0.01, -0.40, -0.04}, {0.01, -0.40, -0.04}, {0, 0.055, 0},
        {0.02, -0.06, 0.12}, {-0.02, -0.06, 0.12}, {0, 0.21, -0.03},
        {0.075, 0.12, -0.01}, {-0.075, 0.12, -0.01}, {0, 0.09, 0.05},
        {0.10, 0.03, -0.01}, {-0.10, 0.03, -0.01}, {0.26, 0, -0.02},
        {-0.26, 0, -0.02}, {0.25, 0, 0}, {-0.25, 0, 0},
        {0.085, -0.01, -0.01}, {-0.085, -0.01, -0.01},
    };
    /** Radius of the capsule from each joint's parent to the joint. */
    private static final double[] RADII = {
        0, 0.10, 0.10, 0.12, 0.08, 0.08, 0.13, 0.055, 0.055, 0.13, 0.045, 0.045,
        0.10, 0.08, 0.08, 0.05, 0.065, 0.065, 0.05, 0.05, 0.04, 0.04, 0.04, 0.04,
    };
    private static final double HEAD_RADIUS = 0.10;
    private static final int[] LEGS = {4, 5, 7, 8, 10, 11};
    private static final int[] ARMS = {18, 19, 20, 21, 22, 23};
    private static final int[] SPINE = {3, 6, 9, 12};

    private enum Region { TORSO, LEGS, SHOES, SKIN, ARMS }

    private static final Region[] REGION = {
        Region.TORSO, Region.LEGS, Region.LEGS, Region.TORSO, Region.LEGS, Region.LEGS, Region.TORSO, Region.LEGS,
        Region.LEGS, Region.TORSO, Region.SHOES, Region.SHOES, Region.TORSO, Region.TORSO, Region.TORSO, Region.SKIN,
        Region.ARMS, Region.ARMS, Region.ARMS, Region.ARMS, Region.SKIN, Region.SKIN, Region.SKIN, Region.SKIN,
    };

    /** Per-joint limits in degrees: {xmin, xmax, ymin, ymax, zmin, zmax}; rows 1..23 (row 0 unused). */
    private static final double[][] LIMITS = {
        {0, 0, 0, 0, 0, 0},
        {-60, 15, -15, 15, -5, 25}, {-60, 15, -15, 15, -25, 5}, {-5, 8, -12, 12, -5, 5},
        {0, 100, 0, 0, 0, 0}, {0, 100, 0, 0, 0, 0}, {-5, 8, -10, 10, -5, 5},
        {-20, 20, -10, 10, -8, 8}, {-20, 20, -10, 10, -8, 8}, {-5, 8, -10, 10, -5, 5},
        {-10, 10, 0, 0, 0, 0}, {-10, 10, 0, 0, 0, 0}, {-15, 20, -30, 30, -10, 10},
        {-5, 5, -10, 10, -10, 10}, {-5, 5, -10, 10, -10, 10}, {-15, 15, -20, 20, -10, 10},
        {-30, 30, -60, 30, -80, 60}, {-30, 30, -30, 60, -60, 80}, {-10, 10, -130, 0, 0, 0},
        {-10, 10, 0, 130, 0, 0}, {-20, 20, -20, 20, -20, 20}, {-20, 20, -20, 20, -20, 20},
        {-10, 10, -10, 10, -10, 10}, {-10, 10, -10, 10, -10, 10},
    };
    /** Narrower limits for the hip and knee of the leg that bears the weight. */
    private static final double[] SUPPORT_HIP = {-20, 10, -10, 10, -5, 5};
    private static final double[] SUPPORT_KNEE = {0, 25, 0, 0, 0, 0};

    private static final Vec3[] SKIN_TONES = {
        NamedColor.srgbToLinear(241, 194, 160), NamedColor.srgbToLinear(198, 134, 92),
        NamedColor.srgbToLinear(120, 78, 50),
    };
    private static final NamedColor[] PANTS = {NamedColor.BLUE, NamedColor.GRAY, NamedColor.BROWN};
    private static final Vec3 SHOES = NamedColor.srgbToLinear(40, 40, 40);

    /** The 24 relative rotations; index 0 (the root) is the identity: the global orientation is kept apart. */
    final Mat3[] rotations;
    final double[] betas;
    final NamedColor shirt;
    /** Joint positions in the canonical frame, pelvis at the origin. */
    final Vec3[] joints;
    private final List<Primitive> solids = new ArrayList<>();
    private final List<Vec3> albedos = new ArrayList<>();
    /** Height of the pelvis above the ground once the lowest point touches the ground. */
    final double pelvisHeight;
    /** Largest horizontal distance of the geometry from the pelvis (for placement). */
    final double footprint;

    private HumanFigure(Mat3[] rotations, double[] betas, NamedColor shirt, Vec3 skin, NamedColor pants) {
        this.rotations = rotations;
        this.betas = betas;
        this.shirt = shirt;
        double[] radius = radii(betas);
        Vec3[] offsets = offsets(betas);
        double stature = 1 + 0.06 * betas[0];
        double headRadius = HEAD_RADIUS * stature * (1 + 0.05 * betas[7]);
        joints = new Vec3[JOINTS];
        Mat3[] global = new Mat3[JOINTS];
        forwardKinematics(Mat3.IDENTITY, rotations, offsets, joints, global);
        Vec3 shirtColor = shirt.linear();
        Vec3 pantsColor = pants.linear();
        for (int j = 1; j < JOINTS; j++) {
            Vec3 albedo = switch (REGION[j]) {
                case TORSO, ARMS -> shirtColor;
                case LEGS -> pantsColor;
                case SHOES -> SHOES;
                case SKIN -> skin;
            };
            add(new Primitive.Capsule(joints[PARENTS[j]], joints[j], radius[j]), albedo);
        }
        add(new Primitive.Capsule(joints[1], joints[2], radius[1] * 1.05), pantsColor);
        Vec3 headCenter = joints[15].plus(global[15].apply(new Vec3(0, 0.07 * stature, 0.01)));
        add(new Primitive.Sphere(headCenter, headRadius), skin);

        double lowest = Double.POSITIVE_INFINITY;
        double reach = 0;
        for (Primitive s : solids) {
            lowest = Math.min(lowest, s.minY());
            Vec3 c = s.boundCenter();
            reach = Math.max(reach, StrictMath.hypot(c.x(), c.z()) + s.boundRadius());
        }
        this.pelvisHeight = -lowest;
        this.footprint = reach;
    }

    /** Bone offsets from each joint's parent (index 0 unused), canonical frame, for shape {@code betas}. */
    static Vec3[] offsets(double[] betas) {
        double stature = 1 + 0.06 * betas[0];
        double[] length = new double[JOINTS];
        double[] widthX = new double[JOINTS];
        java.util.Arrays.fill(length, stature);
        java.util.Arrays.fill(widthX, 1);
        for (int j : LEGS) {
            length[j] *= 1 + 0.05 * betas[2];
        }
        for (int j : ARMS) {
            length[j] *= 1 + 0.05 * betas[3];
        }
        for (int j : SPINE) {
            length[j] *= 1 + 0.05 * betas[4];
        }
        for (int j : new int[] {13, 14, 16, 17}) {
            widthX[j] *= 1 + 0.06 * betas[5];
        }
        for (int j : new int[] {1, 2}) {
            widthX[j] *= 1 + 0.06 * betas[6];
        }
        Vec3[] off = new Vec3[JOINTS];
        off[0] = Vec3.ZERO;
        for (int j = 1; j < JOINTS; j++) {
            off[j] = new Vec3(OFFSETS[j][0] * widthX[j], OFFSETS[j][1], OFFSETS[j][2]).times(length[j]);
        }
        return off;
    }

    /** Capsule radius of each bone (parent to joint) for shape {@code betas}. */
    static double[] radii(double[] betas) {
        double stature = 1 + 0.06 * betas[0];
        double girth = 1 + 0.10 * betas[1];
        double[] radius = new double[JOINTS];
        for (int j = 0; j < JOINTS; j++) {
            radius[j] = RADII[j] * girth * stature;
        }
        for (int j : LEGS) {
            radius[j] *= 1 + 0.08 * betas[9];
        }
        for (int j : ARMS) {
            radius[j] *= 1 + 0.08 * betas[9];
        }
        for (int j : SPINE) {
            radius[j] *= 1 + 0.08 * betas[8];
        }
        return radius;
    }

    /**
     * SMPL forward kinematics with the pelvis at the origin: {@code G_0 = root}, {@code G_j = G_parent R_j},
     * {@code p_j = p_parent + G_parent offset_j}. Fills {@code joints} and {@code global}.
     */
    static void forwardKinematics(Mat3 root, Mat3[] rotations, Vec3[] offsets, Vec3[] joints, Mat3[] global) {
        joints[0] = Vec3.ZERO;
        global[0] = root;
        for (int j = 1; j < JOINTS; j++) {
            int p = PARENTS[j];
            joints[j] = joints[p].plus(global[p].apply(offsets[j]));
            global[j] = global[p].times(rotations[j]);
        }
    }

    private void add(Primitive p, Vec3 albedo) {
        solids.add(p);
        albedos.add(albedo);
    }

    /** A random figure: shape, pose and clothing drawn from {@code rng}. */
    static HumanFigure random(SplittableRandom rng) {
        double[] betas = new double[BETAS];
        for (int i = 0; i < BETAS; i++) {
            betas[i] = Math.max(-2.5, Math.min(2.5, gaussian(rng)));
        }
        boolean leftSupports = rng.nextBoolean();
        Mat3[] rotations = new Mat3[JOINTS];
        rotations[0] = Mat3.IDENTITY;
        for (int j = 1; j < JOINTS; j++) {
            double[] lim = LIMITS[j];
            if (j == (leftSupports ? 1 : 2)) {
                lim = SUPPORT_HIP;
            } else if (j == (leftSupports ? 4 : 5)) {
                lim = SUPPORT_KNEE;
            }
            double x = Math.toRadians(uniform(rng, lim[0], lim[1]));
            double y = Math.toRadians(uniform(rng, lim[2], lim[3]));
            double z = Math.toRadians(uniform(rng, lim[4], lim[5]));
            rotations[j] = Mat3.rotZ(z).times(Mat3.rotY(y)).times(Mat3.rotX(x));
        }
        NamedColor shirt = NamedColor.values()[rng.nextInt(NamedColor.values().length)];
        Vec3 skin = SKIN_TONES[rng.nextInt(SKIN_TONES.length)];
        NamedColor pants = PANTS[rng.nextInt(PANTS.length)];
        return new HumanFigure(rotations, betas, shirt, skin, pants);
    }

    /**
     * The figure's solids placed in the world: pelvis above ground point {@code (x, 0, z)}, facing the direction
     * {@code yaw} radians about the vertical (yaw 0 faces +z).
     */
    List<Part> placedParts(double x, double z, double yaw) {
        Mat3 r = Mat3.rotY(yaw);
        Vec3 t = new Vec3(x, pelvisHeight, z);
        List<Part> parts = new ArrayList<>();
        for (int i = 0; i < solids.size(); i++) {
            parts.add(new Part(transform(solids.get(i), r, t), albedos.get(i), Material.MATTE));
        }
        return parts;
    }

    /** Joint positions in the world for the same placement as {@link #placedParts}. */
    Vec3[] placedJoints(double x, double z, double yaw) {
        Mat3 r = Mat3.rotY(yaw);
        Vec3 t = new Vec3(x, pelvisHeight, z);
        Vec3[] out = new Vec3[JOINTS];
        for (int j = 0; j < JOINTS; j++) {
            out[j] = t.plus(r.apply(joints[j]));
        }
        return out;
    }

    private static Primitive transform(Primitive p, Mat3 r, Vec3 t) {
        if (p instanceof Primitive.Capsule c) {
            return new Primitive.Capsule(t.plus(r.apply(c.a())), t.plus(r.apply(c.b())), c.radius());
        }
        if (p instanceof Primitive.Sphere s) {
            return new Primitive.Sphere(t.plus(r.apply(s.center())), s.radius());
        }
        throw new IllegalStateException("a human figure is made of capsules and spheres, not " + p);
    }

    private static double uniform(SplittableRandom rng, double lo, double hi) {
        return lo == hi ? lo : lo + (hi - lo) * rng.nextDouble();
    }

    /** A standard normal draw (Box-Muller, one value per call; deterministic for a given stream). */
    static double gaussian(SplittableRandom rng) {
        double u1 = 1 - rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * StrictMath.log(u1)) * StrictMath.cos(2 * Math.PI * u2);
    }
}
