package fourm.core.masking;

import fourm.api.ModalitySpec;
import fourm.api.masking.ModalityInput;
import fourm.api.masking.ModalitySample;
import fourm.api.masking.SpecialTokens;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Deterministic masking for fine-tuning on a fixed task (spec §3.5): the listed input modalities are fully visible,
 * the listed target modalities are fully targets, every other modality is empty (all masks true).
 *
 * <p>Each modality's {@link fourm.api.masking.TokenMasking} writes the full input or full target. With the kit's
 * maskings: grids are all positions inputs, or all targets with the count at position 0; token sequences as input
 * are the sequence with {@code [EOS]} (cut to max tokens), as target {@code [S_1] sequence [S_2]} written at offset
 * max tokens; embedding sequences and pixels are inputs only: every valid row or patch is visible.
 */
public final class TransferMasking implements Masking {
    private final List<ModalitySpec> specs;
    private final Set<String> inputs;
    private final Set<String> targets;
    private final SpecialTokens special;

    /**
     * @param specs   the modalities, in encoder order
     * @param inputs  modalities that are fully input
     * @param targets modalities that are fully target (disjoint from inputs)
     * @param special PAD, EOS and sentinel ids
     * @throws IllegalArgumentException for an unknown modality, a modality in both sets, an input that cannot be an
     *                                  input or a target that cannot be a target
     */
    public TransferMasking(Map<String, ModalitySpec> specs, Set<String> inputs, Set<String> targets,
                           SpecialTokens special) {
        for (String key : inputs) {
            ModalitySpec s = known(specs, key);
            if (!s.encoder()) {
                throw new IllegalArgumentException(key + " cannot be an input (encoder = false)");
            }
            if (targets.contains(key)) {
                throw new IllegalArgumentException(key + " is listed as both input and target");
            }
        }
        for (String key : targets) {
            if (!known(specs, key).decoder()) {
                throw new IllegalArgumentException(key + " cannot be a target (decoder = false)");
            }
        }
        this.specs = List.copyOf(specs.values());
        this.inputs = Set.copyOf(inputs);
        this.targets = Set.copyOf(targets);
        this.special = special;
    }

    private static ModalitySpec known(Map<String, ModalitySpec> specs, String key) {
        ModalitySpec s = specs.get(key);
        if (s == null) {
            throw new IllegalArgumentException("unknown modality '" + key + "'; the modalities are "
                    + new TreeSet<>(specs.keySet()));
        }
        return s;
    }

    @Override
    public MaskedSample mask(long sampleIndex, Map<String, ? extends ModalityInput> sample) {
        Map<String, ModalitySample> out = new LinkedHashMap<>();
        Map<String, Integer> inBudgets = new LinkedHashMap<>();
        Map<String, Integer> tgtBudgets = new LinkedHashMap<>();
        for (ModalitySpec spec : specs) {
            String key = spec.key();
            ModalitySample masked;
            if (inputs.contains(key)) {
                ModalityInput value = sample.get(key);
                spec.tokenMasking().check(key, value);
                masked = spec.tokenMasking().fullInput(key, value, special);
            } else if (targets.contains(key)) {
                ModalityInput value = sample.get(key);
                spec.tokenMasking().check(key, value);
                masked = spec.tokenMasking().fullTarget(key, value, special);
            } else {
                masked = spec.tokenMasking().empty(key);
            }
            out.put(key, masked);
            inBudgets.put(key, masked.inputCount());
            tgtBudgets.put(key, masked.targetCount());
        }
        return new MaskedSample(sampleIndex, -1, out, inBudgets, tgtBudgets);
    }
}
