package fourm.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PrimitiveTest {
    private static final Vec3 DOWN = new Vec3(0, -1, 0);

    @Test
    void sphereFromOutsideAndInside() {
        Primitive s = new Primitive.Sphere(new Vec3(0, 1, 0), 1);
        assertThat(s.hit(new Vec3(0, 1, 5), new Vec3(0, 0, -1), 1e-9)).isCloseTo(4, within(1e-12));
        assertThat(s.hit(new Vec3(0, 1, 0), new Vec3(0, 0, -1), 1e-9)).isCloseTo(1, within(1e-12));
        assertThat(s.hit(new Vec3(0, 3, 5), new Vec3(0, 0, -1), 1e-9)).isEqualTo(Primitive.MISS);
        assertThat(s.normalAt(new Vec3(0, 1, 1))).isEqualTo(new Vec3(0, 0, 1));
    }

    @Test
    void cubeTurnedByYawShowsItsCorner() {
        double half = 1;
        Primitive axis = new Primitive.Cube(new Vec3(0, 1, 0), half, 0);
        Primitive turned = new Primitive.Cube(new Vec3(0, 1, 0), half, Math.PI / 4);
        Vec3 o = new Vec3(0, 1, 10), d = new Vec3(0, 0, -1);
        assertThat(axis.hit(o, d, 1e-9)).isCloseTo(9, within(1e-12));
        assertThat(turned.hit(o, d, 1e-9)).isCloseTo(10 - Math.sqrt(2), within(1e-9));
        assertThat(axis.normalAt(new Vec3(0.2, 2, 0.3))).isEqualTo(new Vec3(0, 1, 0));
        Vec3 n = turned.normalAt(new Vec3(0.5, 1, Math.sqrt(2) - 0.5 + 1e-12));
        assertThat(n.length()).isCloseTo(1, within(1e-12));
        assertThat(n.y()).isZero();
    }

    @Test
    void cylinderSideAndCap() {
        Primitive c = new Primitive.Cylinder(new Vec3(0, 0, 0), 0.5, 2);
        assertThat(c.hit(new Vec3(0, 1, 5), new Vec3(0, 0, -1), 1e-9)).isCloseTo(4.5, within(1e-12));
        assertThat(c.hit(new Vec3(0.1, 5, 0), DOWN, 1e-9)).isCloseTo(3, within(1e-12));
        assertThat(c.hit(new Vec3(0.6, 5, 0), DOWN, 1e-9)).isEqualTo(Primitive.MISS);
        assertThat(c.normalAt(new Vec3(0.1, 2, 0))).isEqualTo(new Vec3(0, 1, 0));
        assertThat(c.normalAt(new Vec3(0, 1, 0.5))).isEqualTo(new Vec3(0, 0, 1));
    }

    @Test
    void coneNarrowsToItsApex() {
        Primitive c = new Primitive.Cone(new Vec3(0, 0, 0), 1, 2);
        // At height 1 the radius is 0.5.
        assertThat(c.hit(new Vec3(0, 1, 5), new Vec3(0, 0, -1), 1e-9)).isCloseTo(4.5, within(1e-12));
        // Straight down at x = 0.5 meets the side at y = 1.
        assertThat(c.hit(new Vec3(0.5, 5, 0), DOWN, 1e-9)).isCloseTo(4, within(1e-12));
        assertThat(c.hit(new Vec3(0, 3, 5), new Vec3(0, 0, -1), 1e-9)).isEqualTo(Primitive.MISS);
        Vec3 n = c.normalAt(new Vec3(0, 1, 0.5));
        // The side slopes: the normal leans up by atan(r / h).
        assertThat(n.y() / n.z()).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void capsuleSideAndEnds() {
        Primitive c = new Primitive.Capsule(new Vec3(-1, 0.5, 0), new Vec3(1, 0.5, 0), 0.5);
        assertThat(c.hit(new Vec3(0, 5, 0), DOWN, 1e-9)).isCloseTo(4, within(1e-12));
        assertThat(c.hit(new Vec3(5, 0.5, 0), new Vec3(-1, 0, 0), 1e-9)).isCloseTo(3.5, within(1e-12));
        assertThat(c.hit(new Vec3(1.4, 5, 0), DOWN, 1e-9))
                .isCloseTo(5 - 0.5 - Math.sqrt(0.25 - 0.16), within(1e-9));
        assertThat(c.hit(new Vec3(1.6, 5, 0), DOWN, 1e-9)).isEqualTo(Primitive.MISS);
        assertThat(c.normalAt(new Vec3(0, 1, 0))).isEqualTo(new Vec3(0, 1, 0));
    }
}
