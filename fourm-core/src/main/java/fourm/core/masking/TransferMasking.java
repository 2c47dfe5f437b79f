package fourm.core.masking;

import fourm.api.ModalityKind;
import fourm.api.ModalitySpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Deterministic masking for fine-tuning on a fixed task (spec §3.5): the listed input modalities are fully visible,
 * the listed target modalities are fully targets, every other modality is empty (all masks true).
 *
 * <p>Grids: all positions inputs, or all targets with the count at position 0. Token sequences as input: the sequence
 * with {@code [EOS]} (cut to max tokens); as target: {@code [S_1] sequence [S_2]} written at offset max tokens.
 * Embedding sequences and pixels are inputs only: every valid row or patch is visible.
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
                MaskLayouts.check(spec, value);
                masked = fullInput(spec, value);
            } else if (targets.contains(key)) {
                ModalityInput value = sample.get(key);
                MaskLayouts.check(spec, value);
                masked = fullTarget(spec, value);
            } else {
                masked = MaskLayouts.empty(spec);
            }
            out.put(key, masked);
            inBudgets.put(key, masked.inputCount());
            tgtBudgets.put(key, masked.targetCount());
        }
        return new MaskedSample(sampleIndex, -1, out, inBudgets, tgtBudgets);
    }

    private ModalitySample fullInput(ModalitySpec spec, ModalityInput value) {
        if (spec.kind().isImageLike()) {
            return MaskLayouts.grid(spec, value, MaskLayouts.permutationPrefix(spec.maxTokens(), 0, null),
                    spec.maxTokens(), 0);
        }
        if (spec.kind() == ModalityKind.EMBEDDING_SEQUENCE) {
            return MaskLayouts.allEmbeddings(spec, (ModalityInput.Embeddings) value);
        }
        int[] seq = SpanMasking.flatten(MaskLayouts.sequenceChunks(spec, value, special));
        return MaskLayouts.sequence(spec, seq, new int[0], spec.maxTokens(), special);
    }

    private ModalitySample fullTarget(ModalitySpec spec, ModalityInput value) {
        if (spec.kind().isImageLike()) {
            return MaskLayouts.grid(spec, value, MaskLayouts.permutationPrefix(spec.maxTokens(), 0, null), 0,
                    spec.maxTokens());
        }
        int[] seq = SpanMasking.flatten(MaskLayouts.sequenceChunks(spec, value, special));
        int[] target = SpanMasking.allTarget(seq, special).target();
        return MaskLayouts.sequence(spec, new int[0], target, spec.maxTokens(), special);
    }
}
