package fourm.core;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Strict configuration: every key under {@code fourm} must be one that a module's {@code reference.conf} defines, so a
 * typo ({@code fourm.data.shufle-buffer}, {@code fourm.trian.steps}) fails at start-up instead of being ignored; and
 * {@code -Dkey=value} overrides of {@code fourm.*} keys are typed as they would be in a file ({@code
 * -Dfourm.train.steps=5} is the number 5, not the string "5").
 *
 * <p>A node is checked key by key against the reference node of the same path, except where the reference leaves the
 * keys open: an empty reference object ({@code fourm.train.vocab-sizes {}}), a node named {@code presets} or
 * {@code overrides} (named recipes the user adds to), a reference value that is not an object (an inline object in its
 * place is the reader's to check, e.g. {@code fourm.train.masking.mixture}), and the node of a modality below
 * {@code fourm.modality.<plugin>.<node>}, which its plugin validates.
 */
public final class StrictConfig {
    /** The root every module's settings live under. */
    public static final String ROOT = "fourm";
    private static final Set<String> OPEN_NAMES = Set.of("presets", "overrides");
    private static final String MODALITY = "fourm.modality";

    private StrictConfig() {
    }

    /**
     * Checks {@code config}'s {@code fourm} tree against every {@code reference.conf} on the class or module path.
     *
     * @throws ConfigException.BadPath naming the first unknown key, the file (and line) that set it and the keys known
     *                                 there
     */
    public static void check(Config config) {
        check(config, ConfigFactory.defaultReference());
    }

    /** Checks {@code config}'s {@code fourm} tree against {@code reference}'s. */
    public static void check(Config config, Config reference) {
        if (!config.hasPath(ROOT) || !reference.hasPath(ROOT)) {
            return;
        }
        ConfigValue root = config.root().get(ROOT);
        ConfigValue ref = reference.root().get(ROOT);
        if (root instanceof ConfigObject o && ref instanceof ConfigObject r) {
            walk(o, r, ROOT);
        }
    }

    private static void walk(ConfigObject node, ConfigObject ref, String path) {
        if (ref.isEmpty()) {
            return;
        }
        for (Map.Entry<String, ConfigValue> e : node.entrySet()) {
            String key = e.getKey();
            String child = path + "." + ConfigUtil.joinPath(key);
            ConfigValue refValue = ref.get(key);
            if (refValue == null) {
                throw new ConfigException.BadPath(e.getValue().origin(), child, "unknown key: no module defines it"
                        + suggestion(key, ref.keySet()) + "; the keys of " + path + " are " + new TreeSet<>(
                        ref.keySet()) + " (a mistyped key would otherwise be ignored)");
            }
            if (OPEN_NAMES.contains(key) || child.startsWith(MODALITY + ".") && depth(child) >= 3) {
                continue;
            }
            if (e.getValue() instanceof ConfigObject o && refValue.valueType() == ConfigValueType.OBJECT) {
                walk(o, (ConfigObject) refValue, child);
            }
        }
    }

    /** Segments below {@code fourm.modality}: 1 for {@code fourm.modality.rgb}, 2 for its nodes. */
    private static int depth(String path) {
        return path.substring(MODALITY.length() + 1).split("\\.", -1).length;
    }

    private static String suggestion(String key, Set<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(key.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        return best != null && bestDistance <= Math.max(2, key.length() / 3) ? " (did you mean '" + best + "'?)" : "";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /**
     * The {@code -D} system properties under {@code fourm.}, each parsed as the right-hand side of a HOCON assignment,
     * so numbers, booleans, null and lists get the type they would have in a file. A value that parses as a string
     * is kept verbatim (no comment or quote processing); a value that does not parse stays a string.
     */
    public static Config typedSystemProperties() {
        return typed(System.getProperties());
    }

    /** {@link #typedSystemProperties()} of given properties. */
    static Config typed(Properties props) {
        Config out = ConfigFactory.empty("system properties");
        List<String> keys = new ArrayList<>(props.stringPropertyNames());
        keys.sort(null);
        for (String key : keys) {
            if (!key.startsWith(ROOT + ".")) {
                continue;
            }
            String value = props.getProperty(key);
            try {
                Config parsed = ConfigFactory.parseString("k = " + value, ConfigParseOptions.defaults()
                        .setOriginDescription("system property -D" + key)).resolve();
                if (!parsed.hasPathOrNull("k")) {
                    continue;
                }
                ConfigValue v = parsed.root().get("k");
                if (v.valueType() == ConfigValueType.STRING || v.valueType() == ConfigValueType.OBJECT) {
                    continue; // a plain string: the untyped property is already right
                }
                out = out.withValue(key, v);
            } catch (ConfigException e) {
                // not a HOCON value (a path with a colon, say): the property stays a string
            }
        }
        return out;
    }
}
