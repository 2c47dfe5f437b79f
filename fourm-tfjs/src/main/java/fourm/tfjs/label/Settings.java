package fourm.tfjs.label;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A labeler's configuration node, read eagerly: unknown keys are refused by name, and every value is checked against
 * its range, with errors that name the key and the file it came from.
 */
final class Settings {
    private final Config node;

    private Settings(Config node) {
        this.node = node;
    }

    /** Wraps a node after checking that it holds only {@code keys}. */
    static Settings of(Config node, Set<String> keys) {
        for (Map.Entry<String, ConfigValue> e : node.root().entrySet()) {
            if (!keys.contains(e.getKey())) {
                throw new ConfigException.BadPath(e.getValue().origin(), e.getKey(),
                        "unknown key; expected one of " + new TreeSet<>(keys));
            }
        }
        return new Settings(node);
    }

    Path path(String key) {
        String s = node.getString(key);
        if (s.isBlank()) {
            throw new ConfigException.BadValue(node.getValue(key).origin(), key, "expected a file path, got ''");
        }
        return Path.of(s);
    }

    int integer(String key, int min, int max) {
        int v = node.getInt(key);
        if (v < min || v > max) {
            throw new ConfigException.BadValue(node.getValue(key).origin(), key, "expected an integer in [" + min
                    + ", " + max + "], got " + v);
        }
        return v;
    }

    float fraction(String key) {
        double v = node.getDouble(key);
        if (!(v >= 0 && v <= 1)) {
            throw new ConfigException.BadValue(node.getValue(key).origin(), key, "expected a number in [0, 1], got "
                    + v);
        }
        return (float) v;
    }

    String string(String key) {
        String s = node.getString(key);
        if (s.isBlank()) {
            throw new ConfigException.BadValue(node.getValue(key).origin(), key, "expected a non-empty string");
        }
        return s;
    }

    /** A finite number greater than 0. */
    float positive(String key) {
        double v = node.getDouble(key);
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new ConfigException.BadValue(node.getValue(key).origin(), key, "expected a positive number, got "
                    + v);
        }
        return (float) v;
    }

    /** A list of {@code count} finite numbers, each {@code >= min} (exclusive when {@code strict}). */
    float[] numbers(String key, int count, double min, boolean strict) {
        java.util.List<Double> list = node.getDoubleList(key);
        if (list.size() != count) {
            throw new ConfigException.BadValue(node.getValue(key).origin(), key, "expected " + count
                    + " numbers, got " + list.size());
        }
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            double v = list.get(i);
            if (!Double.isFinite(v) || v < min || (strict && v == min)) {
                throw new ConfigException.BadValue(node.getValue(key).origin(), key, "expected numbers "
                        + (strict ? "> " : ">= ") + min + ", got " + v + " at position " + i);
            }
            out[i] = (float) v;
        }
        return out;
    }

    /** A list of non-empty strings, at least one. */
    java.util.List<String> strings(String key) {
        java.util.List<String> list = node.getStringList(key);
        if (list.isEmpty() || list.stream().anyMatch(String::isBlank)) {
            throw new ConfigException.BadValue(node.getValue(key).origin(), key,
                    "expected a non-empty list of non-empty strings, got " + list);
        }
        return java.util.List.copyOf(list);
    }

    /** A string that may be empty (meaning: choose automatically). */
    String optionalString(String key) {
        return node.getString(key).trim();
    }

    /** One of {@code choices} (case-insensitive), returned in upper case. */
    String choice(String key, Set<String> choices) {
        String s = node.getString(key).trim().toUpperCase(java.util.Locale.ROOT);
        if (!choices.contains(s)) {
            throw new ConfigException.BadValue(node.getValue(key).origin(), key, "expected one of "
                    + new TreeSet<>(choices) + ", got '" + node.getString(key) + "'");
        }
        return s;
    }
}
