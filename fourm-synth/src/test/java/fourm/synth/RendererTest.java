package fourm.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class RendererTest {
    private static final double R = Size.LARGE.half;
    private static final Vec3 CENTRE = new Vec3(0, R, 0);

    /** A large sphere (radius R) on the ground at the origin, the camera level with its centre, 5 m away. */
    private static Scene sphereScene(int size, List<SceneObject> extra) {
        Vec3 eye = new Vec3(0, R, 5);
        Camera cam = new Camera(eye, CENTRE, 50, size, size);
        List<SceneObject> objects = new java.util.ArrayList<>();
        objects.add(SceneObject.shaped(Shape.SPHERE, NamedColor.RED, Material.MATTE, Size.LARGE, 0, 0, 0));
        objects.addAll(extra);
        return new Scene(cam, new Vec3(0.3, 0.8, 0.5).normalized(), objects, 0, 0, 5, CENTRE, 60);
    }

    @Test
    void depthAtTheCentreIsTheAnalyticDistanceAndTheNormalFacesTheCamera() {
        int size = 65; // odd: the centre pixel's ray is the optical axis
        RenderMaps maps = Renderer.render(sphereScene(size, List.of()), 1);
        int c = (size / 2) * size + size / 2;
        assertThat((double) maps.depth[c]).isCloseTo(5 - R, within(1e-5));
        assertThat((double) maps.normals[3 * c]).isCloseTo(0, within(1e-6));
        assertThat((double) maps.normals[3 * c + 1]).isCloseTo(0, within(1e-6));
        assertThat((double) maps.normals[3 * c + 2]).isCloseTo(1, within(1e-6));
        assertThat(maps.semantic[c]).isEqualTo((byte) Classes.SPHERE);
        assertThat(maps.segments[c]).isEqualTo(RenderMaps.SEGMENT_FIRST_OBJECT);
    }

    @Test
    void depthOffTheAxisIsAlongTheCameraAxisNotAlongTheRay() {
        int size = 64;
        Scene scene = sphereScene(size, List.of());
        RenderMaps maps = Renderer.render(scene, 1);
        Camera cam = scene.camera();
        for (int i : new int[] {30 * size + 28, 33 * size + 36, 25 * size + 32}) {
            Vec3 d = cam.ray(i % size + 0.5, i / size + 0.5);
            // Ray-sphere: |eye + t d - c|^2 = r^2.
            Vec3 oc = cam.eye.minus(CENTRE);
            double b = oc.dot(d), t = -b - Math.sqrt(b * b - (oc.dot(oc) - R * R));
            assertThat(maps.segments[i]).isEqualTo(RenderMaps.SEGMENT_FIRST_OBJECT);
            assertThat((double) maps.depth[i]).isCloseTo(t * d.dot(cam.forward), within(1e-5));
            Vec3 n = cam.eye.plusScaled(d, t).minus(CENTRE).normalized();
            Vec3 nc = cam.toGlFrame(n);
            assertThat((double) maps.normals[3 * i]).isCloseTo(nc.x(), within(1e-5));
            assertThat((double) maps.normals[3 * i + 1]).isCloseTo(nc.y(), within(1e-5));
            assertThat((double) maps.normals[3 * i + 2]).isCloseTo(nc.z(), within(1e-5));
        }
    }

    @Test
    void groundSkyAndFarPlane() {
        int size = 64;
        Scene scene = sphereScene(size, List.of());
        RenderMaps maps = Renderer.render(scene, 2);
        // Level camera: the top row is sky, the bottom row ground.
        assertThat(maps.semantic[0]).isEqualTo((byte) Classes.SKY);
        assertThat((double) maps.depth[0]).isEqualTo(60.0);
        assertThat(maps.normals[0]).isZero();
        int bottom = (size - 1) * size;
        assertThat(maps.semantic[bottom]).isEqualTo((byte) Classes.GROUND);
        Vec3 up = scene.camera().toGlFrame(Vec3.UP);
        assertThat((double) maps.normals[3 * bottom + 1]).isCloseTo(up.y(), within(1e-6));
        // Ground depth: the ray meets y = 0 where eye.y + t d.y = 0.
        Vec3 d = scene.camera().ray(0.5, size - 0.5);
        double t = -R / d.y();
        assertThat((double) maps.depth[bottom]).isCloseTo(t * d.dot(scene.camera().forward), within(1e-4));
    }

    @Test
    void anObjectBehindAnotherIsHiddenButCountedInItsAmodalMask() {
        SceneObject behind = SceneObject.shaped(Shape.CUBE, NamedColor.BLUE, Material.SHINY, Size.SMALL, 0.2, -3, 0);
        RenderMaps maps = Renderer.render(sphereScene(64, List.of(behind)), 1);
        assertThat(maps.amodal[1]).isGreaterThan(0);
        assertThat(maps.visible[1]).isLessThan(maps.amodal[1]);
        assertThat(maps.visible[0]).isEqualTo(maps.amodal[0]);
        int counted = 0;
        for (int s : maps.segments) {
            counted += s == RenderMaps.SEGMENT_FIRST_OBJECT + 1 ? 1 : 0;
        }
        assertThat(counted).isEqualTo(maps.visible[1]);
    }

    @Test
    void shiftingTheSunMovesTheShadingButNotTheLabels() {
        Scene a = sphereScene(48, List.of());
        Scene b = new Scene(a.camera(), new Vec3(-0.6, 0.5, 0.2).normalized(), a.objects(), 0, 0, 5, a.target(), 60);
        RenderMaps ma = Renderer.render(a, 1), mb = Renderer.render(b, 1);
        assertThat(mb.segments).isEqualTo(ma.segments);
        assertThat(mb.depth).isEqualTo(ma.depth);
        assertThat(mb.rgb).isNotEqualTo(ma.rgb);
    }
}
