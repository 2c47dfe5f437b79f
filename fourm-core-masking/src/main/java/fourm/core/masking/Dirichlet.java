package fourm.core.masking;

import java.util.SplittableRandom;

/**
 * Gamma and Dirichlet sampling from an explicit random stream.
 *
 * <p>Gamma(alpha, 1) uses Marsaglia and Tsang's squeeze method for alpha &gt;= 1; for alpha &lt; 1 it "boosts":
 * {@code G(alpha) = G(alpha + 1) * U^(1/alpha)}. Both are computed in log space, so tiny shapes (the clamp value
 * 1e-9) give a log-gamma near {@code -1e9} instead of an underflowed zero. A Dirichlet draw is the softmax of
 * independent log-gammas, which stays exact when some alphas are tiny: their shares are then zero.
 */
public final class Dirichlet {
    /** The smallest shape used; smaller alphas (including 0) are raised to it, as in the reference. */
    public static final double MIN_ALPHA = 1e-9;

    private Dirichlet() {
    }

    /** A Dirichlet(alphas) draw; each alpha is first clamped to at least {@link #MIN_ALPHA}. */
    public static double[] sample(SplittableRandom rng, double[] alphas) {
        if (alphas.length == 0) {
            throw new IllegalArgumentException("a Dirichlet needs at least one alpha");
        }
        double[] logs = new double[alphas.length];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < alphas.length; i++) {
            logs[i] = logGamma(rng, Math.max(alphas[i], MIN_ALPHA));
            max = Math.max(max, logs[i]);
        }
        double sum = 0;
        for (int i = 0; i < logs.length; i++) {
            logs[i] = Math.exp(logs[i] - max);
            sum += logs[i];
        }
        for (int i = 0; i < logs.length; i++) {
            logs[i] /= sum;
        }
        return logs;
    }

    /** A Gamma(alpha, 1) draw (may underflow to 0 for very small alpha; see {@link #logGamma}). */
    public static double gamma(SplittableRandom rng, double alpha) {
        return Math.exp(logGamma(rng, alpha));
    }

    /** The logarithm of a Gamma(alpha, 1) draw; alpha must be finite and &gt; 0. */
    public static double logGamma(SplittableRandom rng, double alpha) {
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("gamma shape must be finite and > 0, got " + alpha);
        }
        if (alpha < 1) {
            double u = 1.0 - rng.nextDouble(); // (0, 1]
            return marsagliaTsangLog(rng, alpha + 1) + Math.log(u) / alpha;
        }
        return marsagliaTsangLog(rng, alpha);
    }

    private static double marsagliaTsangLog(SplittableRandom rng, double alpha) {
        double d = alpha - 1.0 / 3.0;
        double c = 1.0 / Math.sqrt(9.0 * d);
        while (true) {
            double x = standardNormal(rng);
            double t = 1.0 + c * x;
            if (t <= 0) {
                continue;
            }
            double v = t * t * t;
            double u = rng.nextDouble();
            double x2 = x * x;
            if (u < 1.0 - 0.0331 * x2 * x2 || Math.log(u) < 0.5 * x2 + d * (1.0 - v + Math.log(v))) {
                return Math.log(d) + Math.log(v);
            }
        }
    }

    /** A standard normal draw by Marsaglia's polar method (one value per call, no cached state). */
    static double standardNormal(SplittableRandom rng) {
        double u;
        double v;
        double s;
        do {
            u = 2.0 * rng.nextDouble() - 1.0;
            v = 2.0 * rng.nextDouble() - 1.0;
            s = u * u + v * v;
        } while (s >= 1.0 || s == 0.0);
        return u * Math.sqrt(-2.0 * Math.log(s) / s);
    }
}
