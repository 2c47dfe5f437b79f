package fourm.core.masking;

import fourm.api.masking.ModalityInput;
import java.util.Map;

/** Turns one unmasked sample into a masked one. Implementations are immutable and thread-safe. */
public interface Masking {

    /**
     * Masks one sample.
     *
     * @param sampleIndex the sample's index in the stream; with the masking's seed it decides every random choice
     * @param sample      the sample's modalities by key
     * @throws IllegalArgumentException naming the modality when a value does not fit its specification
     */
    MaskedSample mask(long sampleIndex, Map<String, ? extends ModalityInput> sample);
}
