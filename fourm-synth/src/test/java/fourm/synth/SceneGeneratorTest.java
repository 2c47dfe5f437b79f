package fourm.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SceneGeneratorTest {
    private static final SynthSettings SETTINGS = TestSettings.with("resolution = 32, humans-probability = 0.6");

    @Test
    void objectsRestOnTheGroundWithoutOverlapAndInsideThePlacementDisc() {
        int objects = 0, humans = 0;
        for (int i = 0; i < 60; i++) {
            Scene scene = SceneGenerator.generate(SynthWorld.randomFor(7, i), SETTINGS);
            List<SceneObject> all = scene.objects();
            assertThat(all.size()).isLessThanOrEqualTo(SETTINGS.maxObjects() + SETTINGS.maxHumans());
            for (int a = 0; a < all.size(); a++) {
                SceneObject o = all.get(a);
                double lowest = o.parts().stream().mapToDouble(p -> p.solid().minY()).min().orElseThrow();
                assertThat(lowest).as("scene %d object %d touches the ground", i, a).isCloseTo(0, within(1e-9));
                double dx = o.ground().x() - scene.target().x(), dz = o.ground().z() - scene.target().z();
                assertThat(Math.hypot(dx, dz)).isLessThanOrEqualTo(SETTINGS.sceneRadius() + 1e-9);
                for (int b = a + 1; b < all.size(); b++) {
                    SceneObject p = all.get(b);
                    double d = Math.hypot(o.ground().x() - p.ground().x(), o.ground().z() - p.ground().z());
                    assertThat(d).as("scene %d objects %d and %d", i, a, b)
                            .isGreaterThan(o.footprint() + p.footprint());
                }
                if (o.isHuman()) {
                    humans++;
                    // Every part of the figure lies within its ground disc (the placement relies on it).
                    for (Part part : o.parts()) {
                        Vec3 c = part.solid().boundCenter();
                        double r = Math.hypot(c.x() - o.ground().x(), c.z() - o.ground().z());
                        assertThat(r).isLessThanOrEqualTo(o.footprint() + 1e-9);
                    }
                } else {
                    objects++;
                }
            }
        }
        assertThat(objects).isGreaterThan(60);
        assertThat(humans).isGreaterThan(10);
    }

    @Test
    void aHumanFigureHasAStatureOfAnAdult() {
        for (int i = 0; i < 20; i++) {
            HumanFigure f = HumanFigure.random(new SplittableRandom(i));
            List<Part> parts = f.placedParts(0, 0, 0);
            assertThat(parts).hasSize(HumanFigure.JOINTS - 1 + 2);
            double top = parts.stream().mapToDouble(p -> p.solid().boundCenter().y() + p.solid().boundRadius())
                    .max().orElseThrow();
            // Stature 1.7 m scaled by beta0 within +-2.5 sd (x 0.85..1.15), less when bending.
            assertThat(top).isBetween(1.0, 2.1);
            assertThat(f.pelvisHeight).isBetween(0.5, 1.2);
        }
    }
}
