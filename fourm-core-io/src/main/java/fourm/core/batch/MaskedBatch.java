package fourm.core.batch;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A masked multimodal batch: modalities in insertion order (the order the encoder concatenates them in), all with the
 * same batch size.
 */
public final class MaskedBatch {
    private final Map<String, ModalityTensors> modalities;
    private final int batchSize;

    /** Wraps modalities in the given iteration order; they must agree on the batch size. */
    public MaskedBatch(Map<String, ModalityTensors> modalities) {
        if (modalities.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one modality");
        }
        int b = -1;
        for (ModalityTensors t : modalities.values()) {
            if (b == -1) {
                b = t.batchSize();
            } else if (t.batchSize() != b) {
                throw new IllegalArgumentException("modality " + t.key() + " has batch size " + t.batchSize()
                        + ", the others " + b);
            }
        }
        this.batchSize = b;
        this.modalities = Collections.unmodifiableMap(new LinkedHashMap<>(modalities));
    }

    /** The modalities, in encoder order. */
    public Map<String, ModalityTensors> modalities() {
        return modalities;
    }

    /** B. */
    public int batchSize() {
        return batchSize;
    }
}
