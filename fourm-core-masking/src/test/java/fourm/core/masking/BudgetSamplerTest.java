package fourm.core.masking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BudgetSamplerTest {

    @Test
    void budgetsSumToTheTotalWhenNoCapBinds() {
        SplittableRandom rng = new SplittableRandom(1);
        for (int i = 0; i < 2_000; i++) {
            int total = rng.nextInt(0, 300);
            int[] b = BudgetSampler.sample(rng, new double[] {0.1, 0.5, 2, 0.01}, total,
                    new int[] {300, 300, 300, 300}, new int[4]);
            assertThat(Arrays.stream(b).sum()).isEqualTo(total);
            for (int x : b) {
                assertThat(x).isBetween(0, total);
            }
        }
    }

    @Test
    void capsBindAndTheSumMayFallShort() {
        SplittableRandom rng = new SplittableRandom(2);
        boolean short_ = false;
        for (int i = 0; i < 2_000; i++) {
            int[] caps = {10, 50, 5};
            int[] b = BudgetSampler.sample(rng, new double[] {1, 1, 1}, 60, caps, new int[3]);
            for (int j = 0; j < 3; j++) {
                assertThat(b[j]).isBetween(0, caps[j]);
            }
            assertThat(Arrays.stream(b).sum()).isLessThanOrEqualTo(60);
            short_ |= Arrays.stream(b).sum() < 60;
        }
        assertThat(short_).as("some draws lose tokens to the caps").isTrue();
    }

    @Test
    void zeroAlphaModalitiesGetNoTokens() {
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < 2_000; i++) {
            int[] b = BudgetSampler.sample(rng, new double[] {0, 1000, 0, 0}, 128, new int[] {196, 196, 196, 196},
                    new int[4]);
            assertThat(b).containsExactly(0, 128, 0, 0);
        }
    }

    @Test
    void retriesUntilTheMinimumsHold() {
        SplittableRandom rng = new SplittableRandom(4);
        for (int i = 0; i < 500; i++) {
            int[] b = BudgetSampler.sample(rng, new double[] {1, 1}, 100, new int[] {100, 100}, new int[] {30, 30});
            assertThat(b[0]).isGreaterThanOrEqualTo(30);
            assertThat(b[1]).isGreaterThanOrEqualTo(30);
        }
    }

    @Test
    void impossibleMinimumsAreReported() {
        assertThatThrownBy(() -> BudgetSampler.sample(new SplittableRandom(5), new double[] {1, 1}, 10,
                new int[] {10, 10}, new int[] {8, 8}))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("100 attempts");
    }
}
