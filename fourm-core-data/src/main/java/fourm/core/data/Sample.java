package fourm.core.data;

import com.google.gson.JsonElement;
import fourm.core.io.Npy;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One decoded sample of a pre-tokenized dataset: its key, the shard it came from, and a value per modality.
 *
 * @param key    the sample key (the member file name up to its first dot)
 * @param shard  the shard file name, for example {@code shard-00003.tar}
 * @param values decoded values by modality, in the reader's modality order
 */
public record Sample(String key, String shard, Map<String, Value> values) {

    /** Copies the map, keeping its order. */
    public Sample {
        Objects.requireNonNull(key, "key");
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** The value of {@code modality}. */
    public Value get(String modality) {
        Value v = values.get(modality);
        if (v == null) {
            throw new IllegalArgumentException("sample '" + key + "' has no modality '" + modality + "'; it has "
                    + values.keySet());
        }
        return v;
    }

    /** A decoded member file. */
    public sealed interface Value {
    }

    /**
     * A {@code .npy} of token ids: (n_crops, n_tokens) for image-like modalities, (n,) for sequences.
     *
     * @param array the decoded array, ids checked against the vocabulary
     */
    public record Tokens(Npy.Array array) implements Value {
    }

    /**
     * A {@code .txt} file.
     *
     * @param text its UTF-8 content
     */
    public record Text(String text) implements Value {
    }

    /**
     * A {@code .json} file.
     *
     * @param json the parsed document
     */
    public record Json(JsonElement json) implements Value {
    }
}
