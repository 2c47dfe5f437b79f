package fourm.core.data;

import fourm.api.Modality;
import fourm.api.ModalitySpec;
import fourm.api.ModalityTokenizer;
import fourm.api.TokenLayout;
import fourm.api.masking.ModalityInput;
import fourm.core.io.Npy;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a decoded {@link Sample} into the inputs of masking ({@link ModalityInput}), as the modality's layout says:
 * a grid's tokens take one crop (the same index for every modality, as the reference's pre-tokenized augmenter does),
 * {@code .npy} sequences are token ids, {@code .txt} sequences go through the modality's text tokenizer; the
 * modality's masking ({@link ModalitySpec#tokenMasking()}) then checks it accepts the value. JSON values need the
 * modality's own serializer first and are refused here.
 */
public final class SampleInputs {
    private SampleInputs() {
    }

    /**
     * The number of crops every image-like modality of the sample has (the smallest count), 1 if none is image-like.
     */
    public static int crops(Sample sample) {
        int crops = Integer.MAX_VALUE;
        for (Sample.Value v : sample.values().values()) {
            if (v instanceof Sample.Tokens && ((Sample.Tokens) v).array().shape().length == 2) {
                crops = Math.min(crops, ((Sample.Tokens) v).array().rows());
            }
        }
        return crops == Integer.MAX_VALUE ? 1 : crops;
    }

    /**
     * The text tokenizers of the modalities that take text (a sequence of token ids whose tokenizer takes a
     * {@code String}), by key: what {@link ShardedDatasetReader#open(java.nio.file.Path, Map, Map, DataConfig)} counts
     * the tokens of a {@code .txt} value with.
     */
    @SuppressWarnings("unchecked")
    public static Map<String, ModalityTokenizer<String>> textTokenizers(Map<String, Modality> modalities) {
        Map<String, ModalityTokenizer<String>> out = new LinkedHashMap<>();
        modalities.forEach((key, m) -> m.tokenizer().ifPresent(t -> {
            if (t.valueType() == String.class && m.spec().layout().sequence() && m.spec().layout().discrete()) {
                out.put(key, (ModalityTokenizer<String>) t);
            }
        }));
        return out;
    }

    /**
     * Converts a sample, refusing a text of more tokens than max-tokens.
     *
     * @param modalities the modalities by key (their specs and tokenizers)
     * @param crop       the crop index used for every image-like modality
     * @throws IllegalArgumentException naming the sample, the modality and what it expected
     */
    public static Map<String, ModalityInput> of(Sample sample, Map<String, Modality> modalities, int crop) {
        return of(sample, modalities, crop, false);
    }

    /**
     * Converts a sample.
     *
     * @param modalities the modalities by key (their specs and tokenizers)
     * @param crop       the crop index used for every image-like modality
     * @param truncate   cut a text of more tokens than max-tokens to max-tokens (as the reference does) instead of
     *                   refusing it
     * @throws IllegalArgumentException naming the sample, the modality and what it expected
     */
    public static Map<String, ModalityInput> of(Sample sample, Map<String, Modality> modalities, int crop,
                                                boolean truncate) {
        Map<String, ModalityInput> out = new LinkedHashMap<>();
        for (Map.Entry<String, Sample.Value> e : sample.values().entrySet()) {
            String key = e.getKey();
            Modality modality = modalities.get(key);
            if (modality == null) {
                throw new IllegalArgumentException("sample '" + sample.key() + "': no modality '" + key + "' is known;"
                        + " known: " + modalities.keySet());
            }
            out.put(key, convert(sample.key(), modality, e.getValue(), crop, truncate));
        }
        return out;
    }

    private static ModalityInput convert(String sampleKey, Modality modality, Sample.Value value, int crop,
                                         boolean truncate) {
        ModalitySpec spec = modality.spec();
        String where = "sample '" + sampleKey + "' (" + spec.key() + "): ";
        if (value instanceof Sample.Tokens) {
            Npy.Array a = ((Sample.Tokens) value).array();
            if (crop < 0 || crop >= a.rows()) {
                throw new IllegalArgumentException(where + "crop " + crop + " requested, the file has " + a.rows());
            }
            int[] ids = a.row(crop);
            TokenLayout layout = spec.layout();
            if (!layout.discrete()) {
                throw new IllegalArgumentException(where + "token ids do not fit the " + layout.name()
                        + " layout, which takes values");
            }
            return accepted(where, spec, layout.sequence() ? new ModalityInput.Tokens(ids)
                    : new ModalityInput.Grid(ids));
        }
        if (value instanceof Sample.Text) {
            if (!spec.layout().sequence() || !spec.layout().discrete()) {
                throw new IllegalArgumentException(where + "text fits only a sequence of token ids, not the "
                        + spec.layout().name() + " layout");
            }
            ModalityTokenizer<?> tok = modality.tokenizer().orElseThrow(() -> new IllegalArgumentException(where
                    + "the modality has no tokenizer for text"));
            if (tok.valueType() != String.class) {
                throw new IllegalArgumentException(where + "the modality's tokenizer takes "
                        + tok.valueType().getSimpleName() + ", not text");
            }
            @SuppressWarnings("unchecked")
            ModalityTokenizer<String> text = (ModalityTokenizer<String>) tok;
            int[] ids = text.encode(((Sample.Text) value).text());
            if (ids.length > spec.maxTokens()) {
                if (!truncate) {
                    throw new IllegalArgumentException(where + ShardedDatasetReader.tooLong("text of " + ids.length
                            + " tokens", spec));
                }
                ids = java.util.Arrays.copyOf(ids, spec.maxTokens());
            }
            return accepted(where, spec, new ModalityInput.Tokens(ids));
        }
        throw new IllegalArgumentException(where + "a .json value must be turned into text or tokens by the"
                + " modality's serializer before masking");
    }

    /** The value, once the modality's masking has accepted it. */
    private static ModalityInput accepted(String where, ModalitySpec spec, ModalityInput value) {
        try {
            spec.tokenMasking().check(spec.key(), value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + "its " + spec.tokenMasking().name() + " masking does not take"
                    + " this value: " + e.getMessage(), e);
        }
        return value;
    }
}
