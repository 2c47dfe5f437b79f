package fourm.core.io;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Finds NaN and infinite values in the floating tensors of a safetensors file, by tensor name, so that a corrupt or
 * diverged checkpoint is refused when it is loaded instead of producing {@code NaN} losses much later.
 */
public final class NonFiniteValues {
    private NonFiniteValues() {
    }

    /**
     * One line per floating tensor of {@code keys} that holds a NaN or an infinity:
     * {@code name: 3 NaN, 1 +Inf, 0 -Inf of 4096 values (first at index 17)}; empty when all are finite.
     */
    public static List<String> find(SafetensorsReader r, Collection<String> keys) throws IOException {
        List<String> out = new ArrayList<>();
        for (String key : keys) {
            if (!r.has(key) || !r.info(key).dtype().isFloating()) {
                continue;
            }
            float[] v = r.floats(key);
            long nan = 0;
            long pos = 0;
            long neg = 0;
            int first = -1;
            for (int i = 0; i < v.length; i++) {
                float x = v[i];
                if (!Float.isFinite(x)) {
                    if (Float.isNaN(x)) {
                        nan++;
                    } else if (x > 0) {
                        pos++;
                    } else {
                        neg++;
                    }
                    if (first < 0) {
                        first = i;
                    }
                }
            }
            if (first >= 0) {
                out.add(String.format(Locale.ROOT, "%s: %d NaN, %d +Inf, %d -Inf of %d values (first at index %d)",
                        key, nan, pos, neg, v.length, first));
            }
        }
        return out;
    }

    /** {@link #find} over every tensor of the file. */
    public static List<String> find(SafetensorsReader r) throws IOException {
        return find(r, r.keys());
    }
}
