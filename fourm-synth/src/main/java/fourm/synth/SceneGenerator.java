package fourm.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws a random scene from a random stream: camera on a sphere around a target near the origin, a sun, human
 * figures and objects placed on the ground without interpenetration (their ground discs do not overlap) and with
 * their centres inside the picture. An object that cannot be placed in {@value #ATTEMPTS} tries is left out.
 */
final class SceneGenerator {
    static final int ATTEMPTS = 60;
    private static final double GAP = 0.05;
    private static final double MARGIN = 0.06;

    private SceneGenerator() {
    }

    static Scene generate(SplittableRandom rng, SynthSettings s) {
        double az = rng.nextDouble() * 360;
        double el = s.minElevation() + rng.nextDouble() * (s.maxElevation() - s.minElevation());
        double dist = s.minDistance() + rng.nextDouble() * (s.maxDistance() - s.minDistance());
        Vec3 target = new Vec3(rng.nextDouble() - 0.5, 0.6, rng.nextDouble() - 0.5);
        double elr = Math.toRadians(el), azr = Math.toRadians(az);
        Vec3 eye = target.plus(new Vec3(StrictMath.cos(elr) * StrictMath.sin(azr), StrictMath.sin(elr), StrictMath.cos(elr) * StrictMath.cos(azr))
                .times(dist));
        Camera camera = new Camera(eye, target, s.fovDegrees(), s.resolution(), s.resolution());

        double sunAz = Math.toRadians(rng.nextDouble() * 360);
        double sunEl = Math.toRadians(35 + rng.nextDouble() * 35);
        Vec3 toSun = new Vec3(StrictMath.cos(sunEl) * StrictMath.sin(sunAz), StrictMath.sin(sunEl), StrictMath.cos(sunEl) * StrictMath.cos(sunAz));

        int nObjects = s.minObjects() + rng.nextInt(s.maxObjects() - s.minObjects() + 1);
        int nHumans = 0;
        if (s.maxHumans() > 0 && rng.nextDouble() < s.humansProbability()) {
            nHumans = 1 + rng.nextInt(s.maxHumans());
        }
        List<SceneObject> placed = new ArrayList<>();
        for (int i = 0; i < nHumans; i++) {
            HumanFigure figure = HumanFigure.random(rng);
            place(rng, s, camera, target, placed, figure.footprint,
                    (x, z, yaw) -> SceneObject.human(figure, x, z, yaw));
        }
        for (int i = 0; i < nObjects; i++) {
            Shape shape = Shape.values()[rng.nextInt(Shape.values().length)];
            NamedColor color = NamedColor.values()[rng.nextInt(NamedColor.values().length)];
            Material material = Material.values()[rng.nextInt(Material.values().length)];
            Size size = Size.values()[rng.nextInt(Size.values().length)];
            place(rng, s, camera, target, placed, shape.footprint(size.half),
                    (x, z, yaw) -> SceneObject.shaped(shape, color, material, size, x, z, yaw));
        }
        return new Scene(camera, toSun, placed, el, az, dist, target, s.far());
    }

    private interface Factory {
        SceneObject at(double x, double z, double yaw);
    }

    private static void place(SplittableRandom rng, SynthSettings s, Camera camera, Vec3 target,
            List<SceneObject> placed, double footprint, Factory factory) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            double r = s.sceneRadius() * Math.sqrt(rng.nextDouble());
            double a = rng.nextDouble() * 2 * Math.PI;
            double x = target.x() + r * StrictMath.cos(a);
            double z = target.z() + r * StrictMath.sin(a);
            double yaw = rng.nextDouble() * 2 * Math.PI;
            if (!clear(placed, x, z, footprint)) {
                continue;
            }
            SceneObject o = factory.at(x, z, yaw);
            if (inView(camera, o.boundCenter())) {
                placed.add(o);
                return;
            }
        }
    }

    private static boolean clear(List<SceneObject> placed, double x, double z, double footprint) {
        for (SceneObject o : placed) {
            double dx = o.ground().x() - x, dz = o.ground().z() - z;
            if (StrictMath.hypot(dx, dz) < o.footprint() + footprint + GAP) {
                return false;
            }
        }
        return true;
    }

    private static boolean inView(Camera camera, Vec3 p) {
        if (camera.toCv(p).z() <= 0.5) {
            return false;
        }
        double[] uv = camera.project(p);
        double lo = MARGIN * camera.width, hi = (1 - MARGIN) * camera.width;
        return uv[0] >= lo && uv[0] <= hi && uv[1] >= MARGIN * camera.height && uv[1] <= (1 - MARGIN) * camera.height;
    }
}
