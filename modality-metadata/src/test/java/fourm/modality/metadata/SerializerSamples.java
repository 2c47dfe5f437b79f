package fourm.modality.metadata;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** Seeded random metadata: raw JSON-like maps and exact bin maps. */
final class SerializerSamples {
    private SerializerSamples() {
    }

    /** A random subset of the types with a random bin each. */
    static Metadata exact(SplittableRandom r) {
        EnumMap<MetadataType, Integer> bins = new EnumMap<>(MetadataType.class);
        for (MetadataType t : MetadataType.values()) {
            if (r.nextInt(4) > 0) {
                bins.put(t, r.nextInt(t.maxBin() + 1));
            }
        }
        return new Metadata(bins);
    }

    /** Raw values as the metadata JSON holds them, some outside the ranges. */
    static Map<String, Double> raw(SplittableRandom r) {
        Map<String, Double> raw = new HashMap<>();
        raw.put("original_width", (double) r.nextInt(64, 40000));
        raw.put("original_height", (double) r.nextInt(64, 4000));
        raw.put("caption_n_words", (double) r.nextInt(0, 1500));
        raw.put("n_humans", (double) r.nextInt(0, 30));
        raw.put("brightness", r.nextDouble(-10, 270));
        raw.put("entropy", r.nextDouble(0, 10));
        raw.put("occlusion_score", r.nextDouble(0, 0.3));
        raw.put("watermark_score", r.nextDouble());
        raw.put("aesthetic_score", r.nextDouble(2, 8));
        raw.put("semantic_diversity", (double) r.nextInt(0, 40));
        return raw;
    }
}
