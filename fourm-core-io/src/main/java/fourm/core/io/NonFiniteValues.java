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
            long[] counts = new long[4]; // NaN, +Inf, -Inf, first index (-1: none)
            counts[3] = -1;
            TensorInfo t = r.info(key);
            r.scanFloats(t, (offset, values, count) -> {
                for (int i = 0; i < count; i++) {
                    float x = values[i];
                    if (!Float.isFinite(x)) {
                        counts[Float.isNaN(x) ? 0 : x > 0 ? 1 : 2]++;
                        if (counts[3] < 0) {
                            counts[3] = offset + i;
                        }
                    }
                }
            });
            long nan = counts[0];
            long pos = counts[1];
            long neg = counts[2];
            long first = counts[3];
            if (first >= 0) {
                out.add(String.format(Locale.ROOT, "%s: %d NaN, %d +Inf, %d -Inf of %d values (first at index %d)",
                        key, nan, pos, neg, t.numel(), first));
            }
        }
        return out;
    }

    /** {@link #find} over every tensor of the file. */
    public static List<String> find(SafetensorsReader r) throws IOException {
        return find(r, r.keys());
    }
}
