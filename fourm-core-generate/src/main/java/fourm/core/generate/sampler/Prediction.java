package fourm.core.generate.sampler;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one {@link AnyToAny#predict} call produced: per target, in generation order, the decoded raw value (the
 * type its modality's tokenizer decodes to: a raster, a caption string, boxes...) and the generated token ids; and
 * the token ids each input was encoded to.
 *
 * @param values    decoded value of each target, in generation order
 * @param tokens    generated token ids of each target (a sequence without its end token)
 * @param inputIds  token ids of each tokenized input (modalities given as values are absent)
 * @param seconds   generation time of each target
 */
public record Prediction(Map<String, Object> values, Map<String, int[]> tokens, Map<String, int[]> inputIds,
                         Map<String, Double> seconds) {

    /** Keeps the maps' order and makes them unmodifiable. */
    public Prediction {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        tokens = Collections.unmodifiableMap(new LinkedHashMap<>(tokens));
        inputIds = Collections.unmodifiableMap(new LinkedHashMap<>(inputIds));
        seconds = Collections.unmodifiableMap(new LinkedHashMap<>(seconds));
    }

    /** The targets, in generation order. */
    public List<String> targets() {
        return List.copyOf(values.keySet());
    }

    /**
     * The decoded value of a target.
     *
     * @throws IllegalArgumentException naming the targets when {@code key} is not one
     */
    public Object value(String key) {
        Object v = values.get(Objects.requireNonNull(key, "key"));
        if (v == null) {
            throw new IllegalArgumentException("'" + key + "' is not a target of this prediction; its targets are "
                    + values.keySet());
        }
        return v;
    }

    /** The decoded value of a target as {@code type}. */
    public <T> T value(String key, Class<T> type) {
        Object v = value(key);
        if (!type.isInstance(v)) {
            throw new IllegalArgumentException("'" + key + "' decodes to " + v.getClass().getSimpleName() + ", not "
                    + type.getSimpleName());
        }
        return type.cast(v);
    }
}
