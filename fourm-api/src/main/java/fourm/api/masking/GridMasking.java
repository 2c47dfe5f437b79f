package fourm.api.masking;

import fourm.api.TokenLayout;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Random tokens over a grid of ids or pixel patches (see {@link Maskings#randomTokens(TokenLayout)}). A value: equal
 * layouts give equal maskings.
 */
record GridMasking(TokenLayout layout) implements TokenMasking {

    @Override
    public String name() {
        return "random-tokens";
    }

    @Override
    public boolean usesKeepScheme() {
        return false;
    }

    @Override
    public int targetCap(int inputBudget) {
        return Math.max(0, layout.maxTokens() - inputBudget);
    }

    @Override
    public void check(String key, ModalityInput value) {
        Maskings.requirePresent(key, value);
        if (layout.discrete()) {
            if (!(value instanceof ModalityInput.Grid grid)) {
                throw Maskings.wrongType(key, this, value, "Grid");
            }
            if (grid.ids().length != layout.maxTokens()) {
                throw new IllegalArgumentException(key + ": grid of " + grid.ids().length + " ids, expected "
                        + layout.maxTokens());
            }
        } else {
            if (!(value instanceof ModalityInput.Pixels px)) {
                throw Maskings.wrongType(key, this, value, "Pixels");
            }
            if (!Arrays.equals(px.shape(), layout.valueShape())) {
                throw new IllegalArgumentException(key + ": pixels of shape " + Arrays.toString(px.shape())
                        + ", expected " + Arrays.toString(layout.valueShape()));
            }
        }
    }

    @Override
    public ModalitySample mask(String key, ModalityInput value, int inputBudget, int targetBudget, KeepScheme keep,
                               SpecialTokens special, SplittableRandom rng) {
        int[] order = Maskings.permutationPrefix(layout.maxTokens(), inputBudget + targetBudget, rng);
        return Maskings.grid(key, layout, value, order, inputBudget, targetBudget);
    }

    @Override
    public ModalitySample fullInput(String key, ModalityInput value, SpecialTokens special) {
        int n = layout.maxTokens();
        return Maskings.grid(key, layout, value, Maskings.permutationPrefix(n, 0, null), n, 0);
    }

    @Override
    public ModalitySample fullTarget(String key, ModalityInput value, SpecialTokens special) {
        int n = layout.maxTokens();
        return Maskings.grid(key, layout, value, Maskings.permutationPrefix(n, 0, null), 0, n);
    }

    @Override
    public ModalitySample empty(String key) {
        return Maskings.empty(key, layout);
    }

    @Override
    public String toString() {
        return name() + " over " + layout.name();
    }
}
