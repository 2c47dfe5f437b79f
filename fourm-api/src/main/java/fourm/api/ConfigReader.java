package fourm.api;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads one configuration node eagerly and strictly, the way every fourm settings record does: unknown keys are
 * refused by name, and every value is checked against its range, with a {@link ConfigException} that names the key
 * (with the node's path, when given) and the file and line it was set in.
 *
 * <pre>{@code
 * ConfigReader r = ConfigReader.of(node, "fourm.labelers.nanodet", Set.of("model", "threshold"));
 * Path model = r.path("model");
 * float threshold = r.fraction("threshold");
 * }</pre>
 */
public final class ConfigReader {
    private final Config node;
    private final String prefix;

    private ConfigReader(Config node, String prefix) {
        this.node = node;
        this.prefix = prefix;
    }

    /**
     * Wraps a node after checking that it holds only {@code keys}.
     *
     * @param node the node
     * @param keys the keys it may hold
     * @return the reader
     * @throws ConfigException.BadPath naming the first unknown key and the keys expected
     */
    public static ConfigReader of(Config node, Set<String> keys) {
        return of(node, "", keys);
    }

    /**
     * Wraps the node at {@code path} after checking that it holds only {@code keys}; errors name keys in full.
     *
     * @param node the node
     * @param path the node's path, prefixed to the keys in messages (empty for none)
     * @param keys the keys it may hold
     * @return the reader
     * @throws ConfigException.BadPath naming the first unknown key and the keys expected
     */
    public static ConfigReader of(Config node, String path, Set<String> keys) {
        String prefix = path.isEmpty() ? "" : path + ".";
        rejectUnknown(node, prefix, keys);
        return new ConfigReader(node, prefix);
    }

    /**
     * Refuses a key of {@code node} that is not in {@code keys}.
     *
     * @param node   the node
     * @param prefix what comes before a key in the message (the node's path and a dot, or empty)
     * @param keys   the keys it may hold
     * @throws ConfigException.BadPath naming the first unknown key, where it was set and the keys expected
     */
    public static void rejectUnknown(Config node, String prefix, Set<String> keys) {
        for (Map.Entry<String, ConfigValue> e : node.root().entrySet()) {
            if (!keys.contains(e.getKey())) {
                throw new ConfigException.BadPath(e.getValue().origin(), prefix + e.getKey(),
                        "unknown key; expected one of " + new TreeSet<>(keys));
            }
        }
    }

    /** The node read. @return the node */
    public Config node() {
        return node;
    }

    /**
     * An error about {@code key}'s value, naming where it was set.
     *
     * @param key     the key
     * @param message what was expected and what was found
     * @return the exception to throw
     */
    public ConfigException bad(String key, String message) {
        return new ConfigException.BadValue(node.getValue(key).origin(), prefix + key, message);
    }

    /** An integer in [min, max]. @param key the key @param min least @param max most @return the value */
    public int integer(String key, int min, int max) {
        int v = node.getInt(key);
        if (v < min || v > max) {
            throw bad(key, "expected an integer in [" + min + ", " + max + "], got " + v);
        }
        return v;
    }

    /** A long in [min, max]. @param key the key @param min least @param max most @return the value */
    public long longInteger(String key, long min, long max) {
        long v = node.getLong(key);
        if (v < min || v > max) {
            throw bad(key, "expected an integer in [" + min + ", " + max + "], got " + v);
        }
        return v;
    }

    /** Any long (a seed). @param key the key @return the value */
    public long anyLong(String key) {
        return node.getLong(key);
    }

    /** A number in [min, max]. @param key the key @param min least @param max most @return the value */
    public double number(String key, double min, double max) {
        double v = node.getDouble(key);
        if (!(v >= min && v <= max)) {
            throw bad(key, "expected a number in [" + min + ", " + max + "], got " + v);
        }
        return v;
    }

    /** A number in [0, 1]. @param key the key @return the value */
    public float fraction(String key) {
        double v = node.getDouble(key);
        if (!(v >= 0 && v <= 1)) {
            throw bad(key, "expected a number in [0, 1], got " + v);
        }
        return (float) v;
    }

    /** A finite number greater than 0. @param key the key @return the value */
    public double positive(String key) {
        double v = node.getDouble(key);
        if (!(v > 0) || !Double.isFinite(v)) {
            throw bad(key, "expected a positive number, got " + v);
        }
        return v;
    }

    /** A boolean. @param key the key @return the value */
    public boolean bool(String key) {
        return node.getBoolean(key);
    }

    /** A non-blank string. @param key the key @return the value */
    public String string(String key) {
        String s = node.getString(key);
        if (s.isBlank()) {
            throw bad(key, "expected a non-empty string");
        }
        return s;
    }

    /** A string that may be empty (meaning: choose automatically), trimmed. @param key the key @return the value */
    public String optionalString(String key) {
        return node.getString(key).trim();
    }

    /** A non-blank file path. @param key the key @return the path */
    public Path path(String key) {
        String s = node.getString(key);
        if (s.isBlank()) {
            throw bad(key, "expected a file path, got ''");
        }
        return Path.of(s);
    }

    /**
     * A list of {@code count} finite numbers, each {@code >= min} (exclusive when {@code strict}).
     *
     * @param key    the key
     * @param count  how many
     * @param min    the bound
     * @param strict whether the bound is excluded
     * @return the numbers
     */
    public float[] numbers(String key, int count, double min, boolean strict) {
        List<Double> list = node.getDoubleList(key);
        if (list.size() != count) {
            throw bad(key, "expected " + count + " numbers, got " + list.size());
        }
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            double v = list.get(i);
            if (!Double.isFinite(v) || v < min || (strict && v == min)) {
                throw bad(key, "expected numbers " + (strict ? "> " : ">= ") + min + ", got " + v + " at position " + i);
            }
            out[i] = (float) v;
        }
        return out;
    }

    /** A list of non-empty strings, at least one. @param key the key @return the strings */
    public List<String> strings(String key) {
        List<String> list = node.getStringList(key);
        if (list.isEmpty() || list.stream().anyMatch(String::isBlank)) {
            throw bad(key, "expected a non-empty list of non-empty strings, got " + list);
        }
        return List.copyOf(list);
    }

    /**
     * One of {@code choices} (case-insensitive), returned in upper case.
     *
     * @param key     the key
     * @param choices the accepted values, in upper case
     * @return the value, in upper case
     */
    public String choice(String key, Set<String> choices) {
        String s = node.getString(key).trim().toUpperCase(Locale.ROOT);
        if (!choices.contains(s)) {
            throw bad(key, "expected one of " + new TreeSet<>(choices) + ", got '" + node.getString(key) + "'");
        }
        return s;
    }
}
