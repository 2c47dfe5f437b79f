package fourm.core;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import fourm.api.Modality;
import fourm.api.ModalitySpec;
import fourm.api.spi.ModalityProvider;
import fourm.core.model.ModalityCatalog;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The modality plugins found at run time, by key.
 *
 * <p>{@link #discover()} looks on the module path (modules that declare {@code provides
 * fourm.api.spi.ModalityProvider}) and on the class path ({@code META-INF/services}). Discovery refuses a provider
 * built against another SPI version, and two providers of one key, with an error naming the modules involved.
 */
public final class ModalityRegistry {
    private final Map<String, Entry> byKey;

    /** A discovered provider and where it came from (module name, or jar for the class path). */
    public record Entry(ModalityProvider provider, String origin) {
    }

    private ModalityRegistry(Map<String, Entry> byKey) {
        this.byKey = Collections.unmodifiableMap(byKey);
    }

    /** Discovers the providers visible to this module's class loader and module layer. */
    public static ModalityRegistry discover() {
        return of(ServiceLoader.load(ModalityProvider.class, ModalityRegistry.class.getClassLoader()));
    }

    /** Discovers the providers of a module layer (and its parents). */
    public static ModalityRegistry discover(ModuleLayer layer) {
        return of(ServiceLoader.load(layer, ModalityProvider.class));
    }

    /** Builds a registry from explicit providers (tests, embedding applications). */
    public static ModalityRegistry of(Iterable<? extends ModalityProvider> providers) {
        Map<String, Entry> found = new TreeMap<>();
        var it = providers.iterator();
        while (true) {
            ModalityProvider p;
            try {
                if (!it.hasNext()) {
                    break;
                }
                p = it.next();
            } catch (ServiceConfigurationError e) {
                throw new IllegalStateException("a modality plugin could not be loaded: " + e.getMessage(), e);
            }
            register(found, p);
        }
        return new ModalityRegistry(found);
    }

    private static void register(Map<String, Entry> found, ModalityProvider p) {
        String origin = originOf(p.getClass());
        if (p.apiVersion() != ModalityProvider.SPI_VERSION) {
            throw new IllegalStateException("modality provider " + p.getClass().getName() + " in " + origin
                    + " was built for fourm SPI version " + p.apiVersion() + "; this fourm supports version "
                    + ModalityProvider.SPI_VERSION + ". Rebuild the plugin against this fourm-api.");
        }
        String key = p.key();
        Entry previous = found.get(key);
        if (previous != null) {
            if (previous.provider().getClass().equals(p.getClass()) && previous.origin().equals(origin)) {
                return; // the same plugin seen twice (a module and its class-path copy share a loader)
            }
            throw new IllegalStateException("two providers of modality '" + key + "': "
                    + previous.provider().getClass().getName() + " in " + previous.origin() + " and "
                    + p.getClass().getName() + " in " + origin + ". Remove one of them from the module path.");
        }
        found.put(key, new Entry(p, origin));
    }

    /** Where a class comes from: its module name, or its jar or folder for the class path. */
    static String originOf(Class<?> type) {
        Module module = type.getModule();
        if (module.isNamed()) {
            return "module " + module.getName();
        }
        var source = type.getProtectionDomain().getCodeSource();
        return source == null ? "the class path" : source.getLocation().toString();
    }

    /** Every discovered key, sorted. */
    public List<String> keys() {
        return List.copyOf(byKey.keySet());
    }

    /** Every discovered provider with its origin, sorted by key. */
    public List<Entry> entries() {
        return List.copyOf(byKey.values());
    }

    /** The provider of {@code key}, if one was discovered. */
    public Optional<Entry> find(String key) {
        return Optional.ofNullable(byKey.get(key));
    }

    /**
     * Creates the modalities an experiment enables ({@code fourm.experiment.modalities}; empty means all), in the
     * listed order. An unknown key is a {@link ConfigException} that lists the known ones; a bad modality setting is a
     * {@link ConfigException} naming the modality, its config path and the offending key.
     */
    public Map<String, Modality> createEnabled(Config root) {
        List<String> wanted = root.getStringList(Fourm.ENABLED_PATH);
        List<String> keys = wanted.isEmpty() ? keys() : wanted;
        Map<String, Modality> created = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        for (String key : keys) {
            if (!byKey.containsKey(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConfigException.BadValue(root.getValue(Fourm.ENABLED_PATH).origin(), Fourm.ENABLED_PATH,
                    "unknown modalit" + (unknown.size() == 1 ? "y " : "ies ") + unknown
                            + "; the modalities found on the module path are " + keys()
                            + ". Add the plugin's jar to the module path, or fix the name.");
        }
        for (String key : keys) {
            if (created.containsKey(key)) {
                throw new ConfigException.BadValue(root.getValue(Fourm.ENABLED_PATH).origin(), Fourm.ENABLED_PATH,
                        "modality '" + key + "' is listed twice");
            }
            created.put(key, create(root, key));
        }
        return Collections.unmodifiableMap(created);
    }

    /** Creates one modality from its provider's node of {@code root}. */
    public Modality create(Config root, String key) {
        Entry e = find(key).orElseThrow(() -> new IllegalArgumentException("unknown modality '" + key
                + "'; known: " + keys()));
        String path = e.provider().configPath();
        Config node;
        try {
            node = root.getConfig(path);
        } catch (ConfigException.Missing m) {
            throw new ConfigException.Missing(path, new IllegalStateException("modality '" + key + "' ("
                    + e.origin() + ") has no settings at '" + path + "': its reference.conf is missing"));
        }
        Modality m;
        try {
            m = e.provider().create(node);
        } catch (ConfigException ce) {
            throw new ConfigException.BadValue(path, "modality '" + key + "' (" + e.origin() + "): "
                    + ce.getMessage(), ce);
        }
        if (!m.key().equals(key)) {
            throw new IllegalStateException("provider of '" + key + "' in " + e.origin() + " created a modality keyed '"
                    + m.key() + "' (config " + path + ".key)");
        }
        return m;
    }

    /**
     * Every modality the discovered plugins provide, created on first use from its node of {@code root} (enabled or
     * not): the table of known modalities, built from the plugins alone.
     *
     * @throws com.typesafe.config.ConfigException from {@link ModalityCatalog#find} if a plugin's settings are invalid
     */
    public ModalityCatalog catalog(Config root) {
        Map<String, ModalitySpec> created = new ConcurrentHashMap<>();
        return key -> find(key).map(e -> created.computeIfAbsent(key, k -> create(root, k).spec()));
    }
}
