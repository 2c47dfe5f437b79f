package fourm.vq;

import java.util.Arrays;

/**
 * An image or map of floats, channel-major ({@code [C, H, W]}, row-major within a channel): an RGB image, a depth
 * map, a class-id map, a feature map, or a global embedding ({@code [C, 1, 1]}). The values are in the natural units
 * of their {@link ImageValues}. Immutable: the array is copied in and out.
 *
 * @param channels C, at least 1
 * @param height   H, at least 1
 * @param width    W, at least 1
 * @param data     C * H * W values
 */
public record Raster(int channels, int height, int width, float[] data) {

    /** Checks the dimensions and copies the values. */
    public Raster {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("a raster needs channels, height and width >= 1, got " + channels + " x "
                    + height + " x " + width);
        }
        if (data == null || (long) data.length != (long) channels * height * width) {
            throw new IllegalArgumentException("a " + channels + " x " + height + " x " + width + " raster needs "
                    + (long) channels * height * width + " values, got " + (data == null ? "none" : data.length));
        }
        data = data.clone();
    }

    /** A copy of the values. */
    @Override
    public float[] data() {
        return data.clone();
    }

    /** The value at channel {@code c}, row {@code y}, column {@code x}. */
    public float at(int c, int y, int x) {
        return data[(c * height + y) * width + x];
    }

    /** Number of values. */
    public int size() {
        return data.length;
    }

    /** Copies the values into {@code dst} from {@code offset}. */
    public void copyTo(float[] dst, int offset) {
        System.arraycopy(data, 0, dst, offset, data.length);
    }

    /** A global embedding as a raster {@code [C, 1, 1]}. */
    public static Raster vector(float[] values) {
        return new Raster(values.length, 1, 1, values);
    }

    /** The shape as {@code C x H x W}. */
    public String shapeString() {
        return channels + " x " + height + " x " + width;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Raster r && r.channels == channels && r.height == height && r.width == width
                && Arrays.equals(r.data, data);
    }

    @Override
    public int hashCode() {
        return (channels * 31 + height) * 31 + width + 17 * Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Raster[" + shapeString() + "]";
    }
}
