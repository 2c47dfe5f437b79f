package fourm.modality.metadata;

import java.util.Optional;

/**
 * The 21 metadata types of 4M-21 (spec §6.3), with the type id written as {@code v1=<id>} and the quantisation that
 * turns a raw value into the bin written as {@code v0=<bin>}.
 *
 * <ul>
 *   <li>image dimensions: {@code floor(value / 32)}, at most 999;</li>
 *   <li>integer counts: clamped to 0..999 (semantic_diversity is counted here: the spec lists it in neither the counts
 *       nor the 50-bin ranges, and it counts semantic classes);</li>
 *   <li>manual bins: the number of boundaries at or below the value (watermark [0.5]; aesthetic [4.5, 5.5]);</li>
 *   <li>everything else: {@code int(clip((v - min) / (max - min), 0, 1) * 49)}, 50 bins over the type's range.</li>
 * </ul>
 */
public enum MetadataType {
    ORIGINAL_WIDTH("original_width", Kind.DIMENSION, 0, 0),
    ORIGINAL_HEIGHT("original_height", Kind.DIMENSION, 0, 0),
    CAPTION_N_CHARS("caption_n_chars", Kind.COUNT, 0, 0),
    CAPTION_N_WORDS("caption_n_words", Kind.COUNT, 0, 0),
    CAPTION_N_SENTENCES("caption_n_sentences", Kind.COUNT, 0, 0),
    N_HUMANS("n_humans", Kind.COUNT, 0, 0),
    N_SAM_INSTANCES("n_sam_instances", Kind.COUNT, 0, 0),
    N_COCO_INSTANCES("n_coco_instances", Kind.COUNT, 0, 0),
    COCO_INSTANCE_DIVERSITY("coco_instance_diversity", Kind.COUNT, 0, 0),
    COLORFULNESS("colorfulness", Kind.RANGE, 0, 150),
    BRIGHTNESS("brightness", Kind.RANGE, 0, 255),
    CONTRAST("contrast", Kind.RANGE, 0, 127),
    SATURATION("saturation", Kind.RANGE, 0, 255),
    ENTROPY("entropy", Kind.RANGE, 0, 10),
    WALKABILITY("walkability", Kind.RANGE, 0, 1),
    OBJECTNESS("objectness", Kind.RANGE, 0, 1),
    SEMANTIC_DIVERSITY("semantic_diversity", Kind.COUNT, 0, 0),
    GEOMETRIC_COMPLEXITY("geometric_complexity", Kind.RANGE, 0, 0.75),
    OCCLUSION_SCORE("occlusion_score", Kind.RANGE, 0, 0.25),
    WATERMARK_SCORE("watermark_score", Kind.MANUAL, 0.5, 0.5),
    AESTHETIC_SCORE("aesthetic_score", Kind.MANUAL, 4.5, 5.5);

    /** Width of an image-dimension bin in pixels. */
    public static final int DIMENSION_BIN = 32;
    /** Bins of a range type. */
    public static final int RANGE_BINS = 50;
    private static final int MAX_VALUE = 999;

    private enum Kind { DIMENSION, COUNT, RANGE, MANUAL }

    private final String key;
    private final Kind kind;
    private final double a;
    private final double b;

    MetadataType(String key, Kind kind, double a, double b) {
        this.key = key;
        this.kind = kind;
        this.a = a;
        this.b = b;
    }

    /** The key in the metadata JSON, for example {@code brightness}. */
    public String key() {
        return key;
    }

    /** The type id, written as {@code v1=<id>}: 0 for original_width .. 20 for aesthetic_score. */
    public int id() {
        return ordinal();
    }

    /** The largest bin this type writes. */
    public int maxBin() {
        switch (kind) {
            case RANGE:
                return RANGE_BINS - 1;
            case MANUAL:
                return a == b ? 1 : 2;
            default:
                return MAX_VALUE;
        }
    }

    /**
     * The bin of a raw value.
     *
     * @throws IllegalArgumentException naming the key if the value is not finite (or negative, for counts and sizes)
     */
    public int bin(double raw) {
        if (!Double.isFinite(raw)) {
            throw new IllegalArgumentException("metadata '" + key + "': expected a finite number, got " + raw);
        }
        switch (kind) {
            case DIMENSION:
                requireNonNegative(raw);
                return (int) Math.min(MAX_VALUE, Math.floor(raw / DIMENSION_BIN));
            case COUNT:
                requireNonNegative(raw);
                return (int) Math.min(MAX_VALUE, Math.floor(raw));
            case MANUAL:
                return (raw >= a ? 1 : 0) + (a != b && raw >= b ? 1 : 0);
            default:
                double t = Math.max(0, Math.min(1, (raw - a) / (b - a)));
                return (int) (t * (RANGE_BINS - 1));
        }
    }

    /** The type with id {@code id}, if any. */
    public static Optional<MetadataType> ofId(int id) {
        MetadataType[] all = values();
        return id >= 0 && id < all.length ? Optional.of(all[id]) : Optional.empty();
    }

    /** The type with JSON key {@code key}, if any. */
    public static Optional<MetadataType> ofKey(String key) {
        for (MetadataType t : values()) {
            if (t.key.equals(key)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    private void requireNonNegative(double raw) {
        if (raw < 0) {
            throw new IllegalArgumentException("metadata '" + key + "': expected a value >= 0, got " + raw);
        }
    }
}
