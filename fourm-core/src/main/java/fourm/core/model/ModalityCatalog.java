package fourm.core.model;

import fourm.api.ModalitySpec;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the transformer looks up a modality named by a checkpoint's configuration (which names domains only, not their
 * kinds or sizes). {@link #reference()} knows the reference's modality table; {@link #of(Collection)} wraps the
 * specifications of discovered plugins; {@link #orElse(ModalityCatalog)} chains them.
 */
@FunctionalInterface
public interface ModalityCatalog {

    /** The modality {@code key}, if known. */
    Optional<ModelModality> find(String key);

    /** This catalog, then {@code fallback} for keys this one does not know. */
    default ModalityCatalog orElse(ModalityCatalog fallback) {
        return key -> find(key).or(() -> fallback.find(key));
    }

    /** A catalog of the given framework specifications (for example the enabled plugins' modalities). */
    static ModalityCatalog of(Collection<ModalitySpec> specs) {
        Map<String, ModelModality> map = new LinkedHashMap<>();
        for (ModalitySpec s : specs) {
            map.put(s.key(), ModelModality.of(s));
        }
        return key -> Optional.ofNullable(map.get(key));
    }

    /** A catalog of explicit transformer modalities. */
    static ModalityCatalog ofModalities(Collection<ModelModality> modalities) {
        Map<String, ModelModality> map = new LinkedHashMap<>();
        for (ModelModality m : modalities) {
            map.put(m.key(), m);
        }
        return key -> Optional.ofNullable(map.get(key));
    }

    /**
     * The reference's modalities (4M-7, 4M-21 and the super-resolution keys) with their released vocabulary sizes,
     * token counts and positional schemes.
     */
    static ModalityCatalog reference() {
        return ReferenceModalities.CATALOG;
    }
}

/** The reference's modality table (spec section 1.2), as transformer modalities. */
final class ReferenceModalities {
    static final ModalityCatalog CATALOG;

    static {
        List<ModelModality> all = List.of(
                ModelModality.pixelPatches("rgb@224", 14, 16, 3),
                ModelModality.imageTokens("tok_rgb@224", 16384, 14),
                ModelModality.imageTokens("tok_depth@224", 8192, 14),
                ModelModality.imageTokens("tok_normal@224", 8192, 14),
                ModelModality.imageTokens("tok_semseg@224", 4096, 14),
                ModelModality.imageTokens("tok_clip@224", 8192, 14),
                ModelModality.imageTokens("tok_canny_edge@224", 8192, 14),
                ModelModality.imageTokens("tok_sam_edge@224", 8192, 14),
                ModelModality.imageTokens("tok_dinov2@224", 8192, 16),
                ModelModality.imageTokens("tok_imagebind@224", 8192, 16),
                ModelModality.globalTokens("tok_dinov2_global", 8192, 16),
                ModelModality.globalTokens("tok_imagebind_global", 8192, 16),
                ModelModality.tokenSequence("caption", 30000, 256, 256),
                ModelModality.tokenSequence("det", 30000, 256, 256),
                ModelModality.tokenSequence("metadata", 30000, 40, 40),
                ModelModality.tokenSequence("human_poses", 30000, 275, 263),
                ModelModality.tokenSequence("color_palette", 30000, 23, 23),
                ModelModality.tokenSequence("sam_instance", 30000, 290, 290),
                ModelModality.embeddingSequence("t5_caption", 4096, 77),
                ModelModality.pixelPatches("rgb@448", 28, 16, 3),
                ModelModality.imageTokens("tok_rgb@448", 16384, 28),
                ModelModality.imageTokens("tok_depth@448", 8192, 28),
                ModelModality.imageTokens("tok_normal@448", 8192, 28),
                ModelModality.imageTokens("tok_clip@448", 8192, 28),
                ModelModality.imageTokens("tok_semseg@448", 4096, 28));
        CATALOG = ModalityCatalog.ofModalities(all);
    }

    private ReferenceModalities() {
    }
}
