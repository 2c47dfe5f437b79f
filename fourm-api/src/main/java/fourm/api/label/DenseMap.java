package fourm.api.label;

import java.util.Arrays;
import java.util.Objects;

/**
 * A dense per-pixel label over the photo: a mask (one channel of probabilities) or a feature map (many channels).
 * The map covers the whole photo; cell {@code (row, col)} covers the photo region
 * {@code [col / width, (col + 1) / width) x [row / height, (row + 1) / height)} in normalised coordinates.
 *
 * <p>Immutable: the constructor copies the values and {@link #values()} returns a copy.
 *
 * @param name     what the map holds, e.g. {@code person-probability} or a network node name
 * @param height   rows, at least 1
 * @param width    columns, at least 1
 * @param channels values per cell, at least 1
 * @param values   {@code height * width * channels} finite values, row-major, channels last
 */
public record DenseMap(String name, int height, int width, int channels, float[] values) implements LabelResult {

    /** Validates the shape and the values, and copies them. */
    public DenseMap {
        Objects.requireNonNull(name, "name");
        if (height < 1 || width < 1 || channels < 1) {
            throw new IllegalArgumentException("a dense map needs a positive height, width and channel count, got "
                    + height + "x" + width + "x" + channels);
        }
        long n = (long) height * width * channels;
        if (values == null || values.length != n) {
            throw new IllegalArgumentException("a " + height + "x" + width + "x" + channels + " map needs " + n
                    + " values, got " + (values == null ? "null" : values.length));
        }
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new IllegalArgumentException("value " + i + " of map '" + name + "' is " + values[i]
                        + "; expected a finite number");
            }
        }
        values = values.clone();
    }

    /**
     * A map from values in channels-first order, {@code [channels][height][width]} (as models in PyTorch's layout
     * return them), reordered to this record's channels-last order.
     *
     * @throws IllegalArgumentException as the constructor does (checked before reordering)
     */
    public static DenseMap ofChannelsFirst(String name, int height, int width, int channels, float[] chw) {
        if (chw == null || height < 1 || width < 1 || channels < 1 || chw.length != (long) height * width * channels) {
            return new DenseMap(name, height, width, channels, chw);
        }
        int plane = height * width;
        float[] hwc = new float[chw.length];
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < plane; i++) {
                hwc[i * channels + c] = chw[c * plane + i];
            }
        }
        return new DenseMap(name, height, width, channels, hwc);
    }

    /** A copy of the values. */
    @Override
    public float[] values() {
        return values.clone();
    }

    /** The value at {@code (row, col, channel)}. */
    public float at(int row, int col, int channel) {
        if (row < 0 || row >= height || col < 0 || col >= width || channel < 0 || channel >= channels) {
            throw new IndexOutOfBoundsException("(" + row + ", " + col + ", " + channel + ") is outside the " + height
                    + "x" + width + "x" + channels + " map");
        }
        return values[(row * width + col) * channels + channel];
    }

    /** {@code {"name":..,"shape":[height,width,channels],"values":[...]}}, values row-major, channels last. */
    @Override
    public String toJson() {
        StringBuilder out = new StringBuilder(32 + values.length * 8).append("{\"name\":");
        Json.string(out, name);
        out.append(",\"shape\":[").append(height).append(',').append(width).append(',').append(channels)
                .append("],\"values\":[");
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            Json.number(out, values[i]);
        }
        return out.append("]}").toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DenseMap m && m.name.equals(name) && m.height == height && m.width == width
                && m.channels == channels && Arrays.equals(m.values, values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, height, width, channels) * 31 + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "DenseMap[" + name + ", " + height + "x" + width + "x" + channels + "]";
    }
}
