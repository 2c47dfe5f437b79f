package fourm.core.generate;

import fourm.api.Modality;
import fourm.api.ModalityTokenizer;
import fourm.core.batch.MaskedBatch;
import fourm.core.batch.ModalityTensors;
import fourm.core.model.FourMConfig;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The outcome of {@link Generator#generate}: every modality's token ids after generation, per sample, and decoded
 * values where the modality has a tokenizer.
 *
 * <p>{@link #ids(String, int)} gives a grid's ids in full (row-major) and a sequence's valid tokens (its input
 * positions: the merged sequence after autoregressive decoding, without padding).
 */
public final class GenerationResult {
    private final MaskedBatch batch;
    private final Map<String, Modality> modalities;
    private final FourMConfig config;

    GenerationResult(MaskedBatch batch, Map<String, Modality> modalities, FourMConfig config) {
        this.batch = batch;
        this.modalities = modalities;
        this.config = config;
    }

    /** The final masked batch (every modality, host memory). */
    public MaskedBatch batch() {
        return batch;
    }

    /** The modality keys of the result. */
    public Set<String> keys() {
        return batch.modalities().keySet();
    }

    /** Number of samples. */
    public int batchSize() {
        return batch.batchSize();
    }

    /**
     * The ids of {@code key} for sample {@code sample}: a grid in full, a sequence's visible tokens.
     *
     * @throws IllegalArgumentException if the result has no such token modality or sample
     */
    public long[] ids(String key, int sample) {
        ModalityTensors t = tensors(key);
        if (!t.isDiscrete()) {
            throw new IllegalArgumentException("'" + key + "' holds values, not token ids");
        }
        if (sample < 0 || sample >= t.batchSize()) {
            throw new IllegalArgumentException("sample " + sample + " outside [0, " + t.batchSize() + ")");
        }
        int l = t.length();
        if (!config.modality(key).layout().sequence()) {
            return Arrays.copyOfRange(t.ids(), sample * l, (sample + 1) * l);
        }
        long[] out = new long[l];
        int n = 0;
        for (int p = 0; p < l; p++) {
            if (!t.inputMask()[sample * l + p]) {
                out[n++] = t.ids()[sample * l + p];
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** The ids of {@code key} for the first sample, as ints. */
    public int[] tokens(String key) {
        return Arrays.stream(ids(key, 0)).mapToInt(Math::toIntExact).toArray();
    }

    /**
     * The decoded value of {@code key} for {@code sample}, when the generator was given the modality with a tokenizer
     * that decodes (not a pre-tokenized-only one).
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Optional<Object> decoded(String key, int sample) {
        Modality m = modalities.get(key);
        if (m == null || m.tokenizer().isEmpty() || m.tokenizer().get().pretokenizedOnly()) {
            return Optional.empty();
        }
        ModalityTokenizer t = m.tokenizer().get();
        int[] ids = Arrays.stream(ids(key, sample)).mapToInt(Math::toIntExact).toArray();
        return Optional.ofNullable(t.decode(ids));
    }

    /** {@link #decoded(String, int)} of the first sample. */
    public Optional<Object> decoded(String key) {
        return decoded(key, 0);
    }

    private ModalityTensors tensors(String key) {
        ModalityTensors t = batch.modalities().get(key);
        if (t == null) {
            throw new IllegalArgumentException("the result has no modality '" + key + "'; it has " + keys());
        }
        return t;
    }
}
