package fourm.core.model;

import com.typesafe.config.Config;
import fourm.api.Modality;
import fourm.api.ModalitySpec;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where the transformer looks up a modality named by a checkpoint's configuration (which names domains only, not their
 * layouts or sizes). The core knows no modality of its own: a catalog holds given specifications ({@link #of}), the
 * modalities of the discovered plugins ({@code fourm.core.ModalityRegistry#catalog}), or chains catalogs ({@link #orElse}).
 */
@FunctionalInterface
public interface ModalityCatalog {

    /** The modality {@code key}, if known. */
    Optional<ModalitySpec> find(String key);

    /** This catalog, then {@code fallback} for keys this one does not know. */
    default ModalityCatalog orElse(ModalityCatalog fallback) {
        return key -> find(key).or(() -> fallback.find(key));
    }

    /** A catalog that knows no modality (a checkpoint must then describe its own modalities). */
    static ModalityCatalog empty() {
        return key -> Optional.empty();
    }

    /** A catalog of the given specifications (for example the enabled plugins' modalities). */
    static ModalityCatalog of(Collection<ModalitySpec> specs) {
        Map<String, ModalitySpec> map = new LinkedHashMap<>();
        for (ModalitySpec s : specs) {
            map.put(s.key(), s);
        }
        return key -> Optional.ofNullable(map.get(key));
    }

    /** A catalog of created modalities, by key (for example {@code Fourm.modalities()}). */
    static ModalityCatalog ofModalities(Map<String, ? extends Modality> modalities) {
        Map<String, ModalitySpec> map = new LinkedHashMap<>();
        modalities.forEach((k, m) -> map.put(k, m.spec()));
        return key -> Optional.ofNullable(map.get(key));
    }
}
