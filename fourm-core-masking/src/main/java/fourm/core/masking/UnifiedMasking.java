package fourm.core.masking;

import com.typesafe.config.Config;
import fourm.api.ModalitySpec;
import fourm.api.masking.KeepScheme;
import fourm.api.masking.ModalityInput;
import fourm.api.masking.ModalitySample;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The reference's training-time masking (spec §3.1), per sample:
 *
 * <ol>
 *   <li>draw a mixture component by the sampling weights;</li>
 *   <li>draw the input budget from {@code [min-input-tokens, num-input-tokens]} and the target budget likewise;</li>
 *   <li>split the input budget over modalities with {@link BudgetSampler} (Dirichlet of the component's input alphas,
 *       capped at each modality's max tokens, 0 for modalities that cannot be inputs);</li>
 *   <li>split the target budget with the target alphas, capped by the modality's masking
 *       ({@link fourm.api.masking.TokenMasking#targetCap(int)}: {@code max_tokens - input budget} for grids, whose
 *       inputs and targets are disjoint, {@code max_tokens} for token sequences), 0 for modalities that cannot be
 *       targets;</li>
 *   <li>mask each modality with its own {@link fourm.api.masking.TokenMasking}
 *       ({@link ModalitySpec#tokenMasking()}), given its budgets, the component's keep scheme and the sample's random
 *       stream. The kit's maskings: a random permutation of grid positions (first inputs, then targets; the target
 *       count at the lowest target position); span or chunk-span masking of sequences with the component's keep
 *       scheme, the 0.9 shrink until the input fits, targets written at offset = input budget and cut to the target
 *       budget at a sentinel; span masking of embedding rows with zero vectors for sentinels; pixels are a grid whose
 *       tensor is the image.</li>
 * </ol>
 *
 * <p>All randomness comes from {@link SampleSeeds#forSample(long, long)} of (seed, sample index), consumed in the
 * order above and in the modality order given at construction.
 */
public final class UnifiedMasking implements Masking {
    private final List<ModalitySpec> specs;
    private final MaskingConfig config;

    /**
     * @param specs  the modalities, in encoder order; the config's mixture must cover exactly these
     * @param config budgets, mixture, special ids and seed
     */
    public UnifiedMasking(Map<String, ModalitySpec> specs, MaskingConfig config) {
        config.mixture().checkCovers(specs);
        this.specs = List.copyOf(specs.values());
        this.config = config;
    }

    /** Masking configured by {@code fourm.masking} of {@code root} for the given modalities. */
    public static UnifiedMasking fromConfig(Config root, Map<String, ModalitySpec> specs) {
        return new UnifiedMasking(specs, MaskingConfig.fromConfig(root, specs));
    }

    /** The configuration. */
    public MaskingConfig config() {
        return config;
    }

    @Override
    public MaskedSample mask(long sampleIndex, Map<String, ? extends ModalityInput> sample) {
        for (ModalitySpec spec : specs) {
            spec.tokenMasking().check(spec.key(), sample.get(spec.key()));
        }
        SplittableRandom rng = SampleSeeds.forSample(config.seed(), sampleIndex);
        AlphaMixture mixture = config.mixture();
        int component = mixture.sampleComponent(rng);
        int numInput = rng.nextInt(config.minInputTokens(), config.numInputTokens() + 1);
        int numTarget = rng.nextInt(config.minTargetTokens(), config.numTargetTokens() + 1);

        int m = specs.size();
        double[] inAlphas = new double[m];
        double[] tgtAlphas = new double[m];
        int[] inCaps = new int[m];
        for (int i = 0; i < m; i++) {
            ModalitySpec spec = specs.get(i);
            ModalityAlphas a = mixture.alphas(spec.key());
            inAlphas[i] = a.inputAt(component);
            tgtAlphas[i] = a.targetAt(component);
            inCaps[i] = spec.encoder() ? spec.layout().maxTokens() : 0;
        }
        int[] zeros = new int[m];
        int[] inBudget = BudgetSampler.sample(rng, inAlphas, numInput, inCaps, zeros);
        int[] tgtCaps = new int[m];
        for (int i = 0; i < m; i++) {
            ModalitySpec spec = specs.get(i);
            tgtCaps[i] = spec.decoder() ? spec.tokenMasking().targetCap(inBudget[i]) : 0;
        }
        int[] tgtBudget = BudgetSampler.sample(rng, tgtAlphas, numTarget, tgtCaps, zeros);

        Map<String, ModalitySample> out = new LinkedHashMap<>();
        Map<String, Integer> inputs = new LinkedHashMap<>();
        Map<String, Integer> targets = new LinkedHashMap<>();
        for (int i = 0; i < m; i++) {
            ModalitySpec spec = specs.get(i);
            ModalityInput value = sample.get(spec.key());
            List<KeepScheme> keep = mixture.alphas(spec.key()).keep();
            out.put(spec.key(), spec.tokenMasking().mask(spec.key(), value, inBudget[i], tgtBudget[i],
                    keep.isEmpty() ? null : keep.get(component), config.special(), rng));
            inputs.put(spec.key(), inBudget[i]);
            targets.put(spec.key(), tgtBudget[i]);
        }
        return new MaskedSample(sampleIndex, component, out, inputs, targets);
    }

    /** The modalities in encoder order. */
    public List<ModalitySpec> modalities() {
        return specs;
    }
}
