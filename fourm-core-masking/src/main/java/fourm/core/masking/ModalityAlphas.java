package fourm.core.masking;

import fourm.api.masking.KeepScheme;
import java.util.Arrays;
import java.util.List;

/**
 * One modality's entry of an {@link AlphaMixture}: per mixture component, the Dirichlet alpha of its input share and
 * of its target share, and (for sequences) the keep scheme of span masking.
 *
 * @param input  input alpha per component, each finite and &gt;= 0
 * @param target target alpha per component, each finite and &gt;= 0
 * @param keep   keep scheme per component for sequences; empty for grids
 */
public record ModalityAlphas(double[] input, double[] target, List<KeepScheme> keep) {

    /** Checks the lengths agree and every alpha is finite and non-negative. */
    public ModalityAlphas {
        input = input.clone();
        target = target.clone();
        keep = List.copyOf(keep);
        if (input.length == 0 || target.length != input.length || !keep.isEmpty() && keep.size() != input.length) {
            throw new IllegalArgumentException("input alphas, target alphas and keep need one entry per component: "
                    + input.length + ", " + target.length + ", " + keep.size());
        }
        checkAlphas("input", input);
        checkAlphas("target", target);
    }

    private static void checkAlphas(String what, double[] a) {
        for (double x : a) {
            if (!(x >= 0) || Double.isInfinite(x)) {
                throw new IllegalArgumentException(what + " alphas must be finite and >= 0, got " + Arrays.toString(a));
            }
        }
    }

    /** Number of mixture components. */
    public int components() {
        return input.length;
    }

    /** The input alphas (a copy). */
    @Override
    public double[] input() {
        return input.clone();
    }

    /** The target alphas (a copy). */
    @Override
    public double[] target() {
        return target.clone();
    }

    double inputAt(int component) {
        return input[component];
    }

    double targetAt(int component) {
        return target[component];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModalityAlphas && Arrays.equals(input, ((ModalityAlphas) o).input)
                && Arrays.equals(target, ((ModalityAlphas) o).target) && keep.equals(((ModalityAlphas) o).keep);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(input) + Arrays.hashCode(target)) + keep.hashCode();
    }

    @Override
    public String toString() {
        return "ModalityAlphas[input=" + Arrays.toString(input) + ", target=" + Arrays.toString(target) + ", keep="
                + keep + "]";
    }
}
