package fourm.core.data;

import fourm.api.MaskingPolicy;
import fourm.api.Modality;
import fourm.api.ModalityKind;
import fourm.api.ModalitySpec;
import fourm.api.ModalityTokenizer;
import fourm.api.masking.ModalityInput;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a decoded {@link Sample} into the inputs of masking ({@link ModalityInput}): image-like tokens take one crop
 * (the same index for every modality, as the reference's pre-tokenized augmenter does), {@code .npy} sequences are
 * token ids, {@code .txt} sequences go through the modality's text tokenizer. JSON values need the modality's own
 * serializer first and are refused here.
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
     * Converts a sample.
     *
     * @param modalities the modalities by key (their specs and tokenizers)
     * @param crop       the crop index used for every image-like modality
     * @throws IllegalArgumentException naming the sample, the modality and what it expected
     */
    public static Map<String, ModalityInput> of(Sample sample, Map<String, Modality> modalities, int crop) {
        Map<String, ModalityInput> out = new LinkedHashMap<>();
        for (Map.Entry<String, Sample.Value> e : sample.values().entrySet()) {
            String key = e.getKey();
            Modality modality = modalities.get(key);
            if (modality == null) {
                throw new IllegalArgumentException("sample '" + sample.key() + "': no modality '" + key + "' is known;"
                        + " known: " + modalities.keySet());
            }
            out.put(key, convert(sample.key(), modality, e.getValue(), crop));
        }
        return out;
    }

    private static ModalityInput convert(String sampleKey, Modality modality, Sample.Value value, int crop) {
        ModalitySpec spec = modality.spec();
        String where = "sample '" + sampleKey + "' (" + spec.key() + "): ";
        if (value instanceof Sample.Tokens) {
            Npy.Array a = ((Sample.Tokens) value).array();
            if (crop < 0 || crop >= a.rows()) {
                throw new IllegalArgumentException(where + "crop " + crop + " requested, the file has " + a.rows());
            }
            int[] ids = a.row(crop);
            if (spec.kind().isImageLike()) {
                return new ModalityInput.Grid(ids);
            }
            if (spec.kind() == ModalityKind.TOKEN_SEQUENCE && spec.masking() == MaskingPolicy.SPAN) {
                return new ModalityInput.Tokens(ids);
            }
            throw new IllegalArgumentException(where + "token ids do not fit a " + spec.kind().configName() + " / "
                    + spec.masking().configName() + " modality");
        }
        if (value instanceof Sample.Text) {
            if (spec.kind() != ModalityKind.TOKEN_SEQUENCE || spec.masking() != MaskingPolicy.SPAN) {
                throw new IllegalArgumentException(where + "text fits only a span-masked token sequence");
            }
            ModalityTokenizer<?> tok = modality.tokenizer().orElseThrow(() -> new IllegalArgumentException(where
                    + "the modality has no tokenizer for text"));
            if (tok.valueType() != String.class) {
                throw new IllegalArgumentException(where + "the modality's tokenizer takes "
                        + tok.valueType().getSimpleName() + ", not text");
            }
            @SuppressWarnings("unchecked")
            ModalityTokenizer<String> text = (ModalityTokenizer<String>) tok;
            return new ModalityInput.Tokens(text.encode(((Sample.Text) value).text()));
        }
        throw new IllegalArgumentException(where + "a .json value must be turned into text or tokens by the"
                + " modality's serializer before masking");
    }
}
