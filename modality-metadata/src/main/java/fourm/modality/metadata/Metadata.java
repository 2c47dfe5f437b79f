package fourm.modality.metadata;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The metadata of one image as the model sees it: for each type present, its bin ({@link MetadataType#bin(double)}).
 * The value of the {@code metadata} modality.
 *
 * @param bins the bin of each type present, each in {@code [0, type.maxBin()]}; iterated in type-id order
 */
public record Metadata(Map<MetadataType, Integer> bins) {
    /** Copies and checks the map; the message names the type and its range. */
    public Metadata {
        Objects.requireNonNull(bins, "bins");
        EnumMap<MetadataType, Integer> copy = new EnumMap<>(MetadataType.class);
        for (Map.Entry<MetadataType, Integer> e : bins.entrySet()) {
            MetadataType t = Objects.requireNonNull(e.getKey(), "type");
            int v = Objects.requireNonNull(e.getValue(), t.key());
            if (v < 0 || v > t.maxBin()) {
                throw new IllegalArgumentException("metadata '" + t.key() + "': bin must be in [0, " + t.maxBin()
                        + "], got " + v);
            }
            copy.put(t, v);
        }
        bins = Collections.unmodifiableMap(copy);
    }

    /**
     * Quantises raw metadata (the keys and values of the metadata JSON, spec §9).
     *
     * @throws IllegalArgumentException naming the key for an unknown key or a value that is not a valid number
     */
    public static Metadata fromRaw(Map<String, ? extends Number> raw) {
        EnumMap<MetadataType, Integer> bins = new EnumMap<>(MetadataType.class);
        for (Map.Entry<String, ? extends Number> e : raw.entrySet()) {
            MetadataType t = MetadataType.ofKey(e.getKey()).orElseThrow(() -> new IllegalArgumentException(
                    "metadata: unknown key '" + e.getKey() + "'; expected one of " + Stream.of(MetadataType.values())
                            .map(MetadataType::key).collect(Collectors.joining(", "))));
            if (e.getValue() == null) {
                throw new IllegalArgumentException("metadata '" + e.getKey() + "': expected a number, got null");
            }
            bins.put(t, t.bin(e.getValue().doubleValue()));
        }
        return new Metadata(bins);
    }
}
