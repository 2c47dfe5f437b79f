package fourm.core.masking;

import fourm.api.masking.ModalitySample;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One masked sample: its modalities in encoder order, and how their budgets were chosen.
 *
 * @param sampleIndex   the index the random stream was derived from
 * @param component     the mixture component drawn (-1 for deterministic masking)
 * @param modalities    masked modalities, in encoder order
 * @param inputBudgets  input budget per modality
 * @param targetBudgets target budget per modality
 */
public record MaskedSample(long sampleIndex, int component, Map<String, ModalitySample> modalities,
                           Map<String, Integer> inputBudgets, Map<String, Integer> targetBudgets) {

    /** Copies the maps, keeping their order. */
    public MaskedSample {
        modalities = Collections.unmodifiableMap(new LinkedHashMap<>(modalities));
        inputBudgets = Collections.unmodifiableMap(new LinkedHashMap<>(inputBudgets));
        targetBudgets = Collections.unmodifiableMap(new LinkedHashMap<>(targetBudgets));
    }

    /** The masked modality {@code key}. */
    public ModalitySample get(String key) {
        ModalitySample m = modalities.get(key);
        if (m == null) {
            throw new IllegalArgumentException("sample " + sampleIndex + " has no modality '" + key + "'; it has "
                    + modalities.keySet());
        }
        return m;
    }
}
