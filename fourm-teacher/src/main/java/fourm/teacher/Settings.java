package fourm.teacher;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A teacher's configuration node, read eagerly: unknown keys are refused by name, and every value is checked against
 * its range, with errors that name the key and where it was set.
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

    int integer(String key, int min, int max) {
        int v = node.getInt(key);
        if (v < min || v > max) {
            throw bad(key, "expected an integer in [" + min + ", " + max + "], got " + v);
        }
        return v;
    }

    float number(String key, double min, double max) {
        double v = node.getDouble(key);
        if (!(v >= min && v <= max)) {
            throw bad(key, "expected a number in [" + min + ", " + max + "], got " + v);
        }
        return (float) v;
    }

    long seed(String key) {
        return node.getLong(key);
    }

    ConfigException bad(String key, String message) {
        return new ConfigException.BadValue(node.getValue(key).origin(), key, message);
    }
}
