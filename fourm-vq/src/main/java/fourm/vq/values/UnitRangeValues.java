package fourm.vq.values;

import fourm.vq.ImageValues;
import fourm.vq.LossKind;
import fourm.vq.Raster;
import fourm.vq.VqConfig;
import fourm.vq.io.ImageFiles;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Values in [0, 1] that the network sees as {@code 2x - 1} in [-1, 1] and that come back clipped to [0, 1]: colour
 * images, normal maps ({@code n * 0.5 + 0.5}), edge maps. Subclasses fix the channels, the loss, the metrics and the
 * files.
 */
abstract class UnitRangeValues implements ImageValues {
    private final String name;
    private final int channels;
    private final LossKind loss;
    private final String hint;

    UnitRangeValues(String name, int channels, LossKind loss, String hint) {
        this.name = name;
        this.channels = channels;
        this.loss = loss;
        this.hint = hint;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public LossKind defaultLoss() {
        return loss;
    }

    @Override
    public void check(VqConfig c) {
        KitChecks.channels(c, channels);
    }

    @Override
    public String channelHint() {
        return hint;
    }

    @Override
    public String problem(VqConfig c, float v) {
        return v < 0f || v > 1f ? "is outside [0, 1]; " + name + " values are in [0, 1] (divide 8-bit pixels by 255)"
                : null;
    }

    @Override
    public float[] toModel(VqConfig c, Raster r) {
        float[] d = r.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = d[i] * 2f - 1f;
        }
        return d;
    }

    @Override
    public Raster fromModel(VqConfig c, float[] out, int height, int width) {
        float[] v = new float[out.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.min(1f, Math.max(0f, (out[i] + 1f) * 0.5f));
        }
        return new Raster(c.channels(), height, width, v);
    }

    /** Three channels read from and written to 8-bit RGB PNGs. */
    abstract static class ThreeChannel extends UnitRangeValues {
        ThreeChannel(String name, LossKind loss, String hint) {
            super(name, 3, loss, hint);
        }

        @Override
        public Raster read(Path file, VqConfig c) throws IOException {
            return ImageFiles.readRgbPng(file, name());
        }

        @Override
        public void write(Path file, Raster r, VqConfig c) throws IOException {
            ImageFiles.writeRgbPng(file, r);
        }
    }
}
