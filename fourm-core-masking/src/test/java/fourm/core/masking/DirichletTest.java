package fourm.core.masking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DirichletTest {
    private static final int DRAWS = 20_000;

    /**
     * Gamma(a, 1) has mean a and variance a. The sample mean of n draws has standard deviation sqrt(a / n); the sample
     * variance has standard deviation about sqrt((mu4 - a^2) / n) with mu4 = 3a^2 + 6a. Both are checked within 5
     * standard deviations (a false alarm has probability below 1e-6; the seed is fixed anyway).
     */
    @ParameterizedTest
    @ValueSource(doubles = {0.05, 0.3, 0.999, 1.0, 2.5, 10.0})
    void gammaHasMeanAndVarianceAlpha(double alpha) {
        SplittableRandom rng = new SplittableRandom(7);
        double sum = 0;
        double sumSq = 0;
        for (int i = 0; i < DRAWS; i++) {
            double g = Dirichlet.gamma(rng, alpha);
            assertThat(g).isGreaterThanOrEqualTo(0);
            sum += g;
            sumSq += g * g;
        }
        double mean = sum / DRAWS;
        double var = sumSq / DRAWS - mean * mean;
        assertThat(mean).as("mean of Gamma(%s)", alpha).isCloseTo(alpha, within(5 * Math.sqrt(alpha / DRAWS)));
        double varSd = Math.sqrt((2 * alpha * alpha + 6 * alpha) / DRAWS);
        assertThat(var).as("variance of Gamma(%s)", alpha).isCloseTo(alpha, within(5 * varSd));
    }

    @Test
    void dirichletIsADistributionAndTinyAlphasGetNothing() {
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < 5_000; i++) {
            double[] p = Dirichlet.sample(rng, new double[] {0, 1e-12, 0.5, 3, 1000});
            double sum = 0;
            for (double x : p) {
                assertThat(x).isBetween(0.0, 1.0);
                sum += x;
            }
            assertThat(sum).isCloseTo(1.0, within(1e-12));
            assertThat(p[0]).isLessThan(1e-100);
            assertThat(p[1]).isLessThan(1e-100);
        }
    }

    @Test
    void onlyTinyAlphasStillGiveADistribution() {
        SplittableRandom rng = new SplittableRandom(5);
        for (int i = 0; i < 1_000; i++) {
            double[] p = Dirichlet.sample(rng, new double[] {0, 0, 0});
            assertThat(p[0] + p[1] + p[2]).isCloseTo(1.0, within(1e-12));
        }
    }

    @Test
    void sameStreamSameDraws() {
        double[] a = Dirichlet.sample(new SplittableRandom(11), new double[] {0.2, 1, 4});
        double[] b = Dirichlet.sample(new SplittableRandom(11), new double[] {0.2, 1, 4});
        assertThat(a).containsExactly(b);
    }

    @Test
    void refusesBadShapes() {
        assertThatThrownBy(() -> Dirichlet.logGamma(new SplittableRandom(1), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shape");
        assertThatThrownBy(() -> Dirichlet.sample(new SplittableRandom(1), new double[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
