package fourm.modality.metadata;

import fourm.modality.text.Decoded;
import fourm.modality.text.TextSerializer;
import fourm.modality.text.TokenLayout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code metadata} as text (spec §6.3): one chunk {@code v1=<type id> v0=<bin>} per type present, chunks joined by
 * spaces. {@link #toText(Metadata)} writes them in type-id order; {@link #toText(Metadata, SplittableRandom)} shuffles
 * them as the reference does in training. {@link #chunks(Metadata)} gives the chunks one by one for chunk-level span
 * masking.
 *
 * <p>Reading is tolerant: a chunk is {@code v1=K} with K a type id, followed by {@code v0=V} with V within that type's
 * bins; a type seen again is ignored; every word outside a valid chunk is skipped and counted.
 */
public final class MetadataSerializer implements TextSerializer<Metadata> {
    /** The shared instance (stateless). */
    public static final MetadataSerializer INSTANCE = new MetadataSerializer();

    private MetadataSerializer() {
    }

    @Override
    public Class<Metadata> valueType() {
        return Metadata.class;
    }

    @Override
    public String toText(Metadata value) {
        return String.join(" ", chunks(value));
    }

    /** The text with the chunks in an order drawn from {@code random}. */
    public String toText(Metadata value, SplittableRandom random) {
        List<String> chunks = new ArrayList<>(chunks(value));
        for (int i = chunks.size() - 1; i > 0; i--) {
            Collections.swap(chunks, i, random.nextInt(i + 1));
        }
        return String.join(" ", chunks);
    }

    /** One {@code v1=K v0=V} chunk per type, in type-id order. */
    public List<String> chunks(Metadata value) {
        if (value == null) {
            throw new IllegalArgumentException("metadata: expected a value, got null");
        }
        List<String> chunks = new ArrayList<>();
        for (Map.Entry<MetadataType, Integer> e : value.bins().entrySet()) {
            chunks.add(TokenLayout.coordinate(1, e.getKey().id()) + " " + TokenLayout.coordinate(0, e.getValue()));
        }
        return chunks;
    }

    @Override
    public Decoded<Metadata> fromText(String text) {
        List<String> words = TextSerializer.words(text);
        EnumMap<MetadataType, Integer> bins = new EnumMap<>(MetadataType.class);
        int skipped = 0;
        int i = 0;
        while (i < words.size()) {
            int type = TokenLayout.parseCoordinate(words.get(i), 1);
            int bin = i + 1 < words.size() ? TokenLayout.parseCoordinate(words.get(i + 1), 0) : -1;
            MetadataType t = type >= 0 ? MetadataType.ofId(type).orElse(null) : null;
            if (t != null && bin >= 0 && bin <= t.maxBin() && !bins.containsKey(t)) {
                bins.put(t, bin);
                i += 2;
            } else {
                skipped++;
                i++;
            }
        }
        return new Decoded<>(new Metadata(bins), skipped);
    }
}
