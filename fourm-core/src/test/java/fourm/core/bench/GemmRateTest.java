package fourm.core.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The GEMM yardstick: its FLOP count and the arithmetic of a measurement (never its speed). */
class GemmRateTest {

    @Test
    void aMeasurementCountsTwoNCubedPerProduct() {
        GemmRate.Measurement m = GemmRate.measure(64, 1, 3);
        assertThat(m.size()).isEqualTo(64);
        assertThat(m.repeats()).isEqualTo(3);
        assertThat(m.seconds()).isPositive();
        assertThat(m.flopsPerSecond()).isCloseTo(3 * 2.0 * 64 * 64 * 64 / m.seconds(),
                org.assertj.core.api.Assertions.withinPercentage(1e-9));
        try (GemmRate g = GemmRate.create(3)) {
            assertThat(g.flopsPerMultiply()).isEqualTo(54.0);
            assertThat(Float.isFinite(g.multiply())).isTrue();
        }
    }

    @Test
    void badArgumentsAreRefused() {
        assertThatThrownBy(() -> GemmRate.create(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GemmRate.measure(8, -1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GemmRate.measure(8, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
