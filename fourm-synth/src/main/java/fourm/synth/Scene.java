package fourm.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A scene: the camera, the sun and the objects on the ground plane (y = 0). Instance {@code k} of the label maps is
 * {@code objects.get(k)}.
 *
 * @param camera         the pinhole camera
 * @param toSun          unit vector towards the sun
 * @param objects        the objects and human figures
 * @param elevationDeg   camera elevation above the ground plane, degrees
 * @param azimuthDeg     camera azimuth about the target, degrees
 * @param distance       camera distance to its target, metres
 * @param target         the point the camera looks at
 * @param far            far plane, metres
 */
record Scene(Camera camera, Vec3 toSun, List<SceneObject> objects, double elevationDeg, double azimuthDeg,
        double distance, Vec3 target, double far) {

    Scene {
        objects = List.copyOf(objects);
    }

    /** The same scene without the objects at the given indices. */
    Scene without(Set<Integer> removed) {
        List<SceneObject> kept = new ArrayList<>();
        for (int i = 0; i < objects.size(); i++) {
            if (!removed.contains(i)) {
                kept.add(objects.get(i));
            }
        }
        return new Scene(camera, toSun, kept, elevationDeg, azimuthDeg, distance, target, far);
    }
}
