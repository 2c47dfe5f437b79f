package fourm.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.assertj.core.api.Assertions;

/**
 * Element-wise comparisons of float results within an absolute tolerance, the check every parity and determinism test
 * makes: the largest absolute difference, and an assertion whose failure names the worst element and both values.
 */
public final class Tolerance {
    private Tolerance() {
    }

    /**
     * The largest {@code |a[i] - b[i]|}, computed in double; asserts first that the arrays have the same length.
     *
     * @param a one array
     * @param b the other
     * @return the largest absolute difference (0 for empty arrays; NaN where an element is NaN)
     */
    public static double maxAbsDiff(float[] a, float[] b) {
        assertThat(b).as("compared arrays").hasSameSizeAs(a);
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs((double) a[i] - b[i]);
            if (Double.isNaN(d)) {
                return Double.NaN;
            }
            m = Math.max(m, d);
        }
        return m;
    }

    /**
     * Asserts that {@code actual} equals {@code expected} element-wise within {@code tolerance} (absolute); the
     * failure names {@code what}, the worst index, both values and the difference. A NaN anywhere fails.
     *
     * @param what      what is compared, for the message
     * @param actual    the values computed
     * @param expected  the expected values
     * @param tolerance the largest absolute difference allowed
     */
    public static void assertClose(String what, float[] actual, float[] expected, double tolerance) {
        assertThat(actual).as("%s: length", what).hasSameSizeAs(expected);
        int worst = -1;
        double m = -1;
        for (int i = 0; i < actual.length; i++) {
            double d = Math.abs((double) actual[i] - expected[i]);
            if (Double.isNaN(d)) {
                Assertions.fail(String.format(Locale.ROOT, "%s: element %d is %s, expected %s", what, i, actual[i],
                        expected[i]));
            }
            if (d > m) {
                m = d;
                worst = i;
            }
        }
        if (m > tolerance) {
            Assertions.fail(String.format(Locale.ROOT, "%s: max |difference| %.3g > %.3g at element %d (%s, expected %s)",
                    what, m, tolerance, worst, actual[worst], expected[worst]));
        }
    }
}
