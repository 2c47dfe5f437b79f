package fourm.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LrScheduleTest {

    @Test
    void linearWarmupThenCosineToTheFloor() {
        LrSchedule s = new LrSchedule(LrSchedule.Type.COSINE, 1e-3, 1e-5, 110, 10, 10_000, 0);
        assertThat(s.lr(0)).isZero();
        assertThat(s.lr(5)).isCloseTo(5e-4, within(1e-12));
        assertThat(s.lr(10)).isCloseTo(1e-3, within(1e-12));
        assertThat(s.lr(60)).isCloseTo(1e-5 + (1e-3 - 1e-5) * 0.5, within(1e-12));
        assertThat(s.lr(109)).isCloseTo(1e-5, within(1e-6)).isGreaterThan(1e-5);
        assertThat(s.lr(500)).isEqualTo(s.lr(109));
        for (int i = 11; i < 110; i++) {
            assertThat(s.lr(i)).isLessThan(s.lr(i - 1));
        }
    }

    @Test
    void inverseSqrtWithCooldown() {
        LrSchedule s = new LrSchedule(LrSchedule.Type.INVERSE_SQRT, 1e-3, 0, 1000, 100, 300, 100);
        assertThat(s.lr(100)).isCloseTo(1e-3, within(1e-12));
        assertThat(s.lr(400)).isCloseTo(1e-3 / Math.sqrt(2), within(1e-12));
        double start = 1e-3 / Math.sqrt(1 + 800.0 / 300);
        assertThat(s.lr(899)).isCloseTo(1e-3 / Math.sqrt(1 + 799.0 / 300), within(1e-12));
        assertThat(s.lr(949)).isCloseTo(start * 0.5, within(1e-12));
        assertThat(s.lr(999)).isCloseTo(0, within(1e-12));
    }

    @Test
    void constantAndChecks() {
        assertThat(new LrSchedule(LrSchedule.Type.CONSTANT, 2e-4, 0, 5, 0, 1, 0).lr(3)).isEqualTo(2e-4);
        assertThatThrownBy(() -> new LrSchedule(LrSchedule.Type.COSINE, 1e-3, 1e-2, 10, 0, 1, 0))
                .hasMessageContaining("min");
        assertThatThrownBy(() -> new LrSchedule(LrSchedule.Type.COSINE, 1e-3, 0, 10, 11, 1, 0))
                .hasMessageContaining("warmup");
        assertThat(LrSchedule.Type.fromConfigName("inverse-sqrt")).isEqualTo(LrSchedule.Type.INVERSE_SQRT);
        assertThatThrownBy(() -> LrSchedule.Type.fromConfigName("step")).hasMessageContaining("cosine");
    }
}
