package fourm.core.masking;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Splits a token budget over modalities with a Dirichlet draw (spec §3.1, steps 3 and 4).
 *
 * <p>Shares are multiplied by the total and floored; the remaining tokens go one by one to the argmax of further
 * Dirichlet draws (so a modality with a near-zero alpha practically never receives any); each budget is then clamped
 * to its cap. While some budget is below its minimum the whole draw is repeated, at most {@link #MAX_ATTEMPTS} times.
 * After clamping the budgets may sum to less than the total.
 */
public final class BudgetSampler {
    /** How many draws are tried before giving up on the minimums. */
    public static final int MAX_ATTEMPTS = 100;

    private BudgetSampler() {
    }

    /**
     * Samples budgets.
     *
     * @param alphas    Dirichlet parameters, one per modality (clamped to at least {@link Dirichlet#MIN_ALPHA})
     * @param total     tokens to distribute, &gt;= 0
     * @param caps      per-modality maximum, &gt;= 0
     * @param minTokens per-modality minimum (the reference's are all 0)
     * @throws IllegalStateException if no draw meets the minimums in {@link #MAX_ATTEMPTS} attempts
     */
    public static int[] sample(SplittableRandom rng, double[] alphas, int total, int[] caps, int[] minTokens) {
        int m = alphas.length;
        if (caps.length != m || minTokens.length != m) {
            throw new IllegalArgumentException("alphas, caps and minTokens must have one entry per modality: "
                    + m + ", " + caps.length + ", " + minTokens.length);
        }
        if (total < 0) {
            throw new IllegalArgumentException("total must be >= 0, got " + total);
        }
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            int[] budgets = draw(rng, alphas, total);
            boolean ok = true;
            for (int i = 0; i < m; i++) {
                budgets[i] = Math.min(budgets[i], caps[i]);
                ok &= budgets[i] >= minTokens[i];
            }
            if (ok) {
                return budgets;
            }
        }
        throw new IllegalStateException("no budget draw met the minimums " + Arrays.toString(minTokens) + " with caps "
                + Arrays.toString(caps) + " and alphas " + Arrays.toString(alphas) + " in " + MAX_ATTEMPTS
                + " attempts");
    }

    private static int[] draw(SplittableRandom rng, double[] alphas, int total) {
        double[] p = Dirichlet.sample(rng, alphas);
        int[] budgets = new int[p.length];
        int sum = 0;
        for (int i = 0; i < p.length; i++) {
            budgets[i] = (int) Math.floor(p[i] * total);
            sum += budgets[i];
        }
        // Rounding can never push the floors above the total by more than rounding noise; guard anyway.
        while (sum > total) {
            budgets[argmax(budgets)]--;
            sum--;
        }
        for (int extra = total - sum; extra > 0; extra--) {
            budgets[argmax(Dirichlet.sample(rng, alphas))]++;
        }
        return budgets;
    }

    private static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    private static int argmax(int[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
