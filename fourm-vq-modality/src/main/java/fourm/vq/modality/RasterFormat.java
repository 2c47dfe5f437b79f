package fourm.vq.modality;

import fourm.api.ValueFormat;
import fourm.api.io.AtomicFiles;
import fourm.core.io.Npy;
import fourm.vq.ImageValues;
import fourm.vq.Raster;
import fourm.vq.VqConfig;
import fourm.vq.io.ImageFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * How an image modality's raw values ({@link Raster}s in the values' natural units) live in files: written as
 * float32 {@code .npy} {@code (C, H, W)} without loss; read from {@code .npy} ({@code (H, W)}, {@code (C, H, W)} or
 * {@code (C,)}) or from the PNG the values read ({@link ImageValues#read}: RGB and normal maps, edges, class ids,
 * depth); shown as a PNG (the values' own PNG when they have one, otherwise three channels as RGB and one channel
 * scaled from its range to 16-bit gray).
 */
public final class RasterFormat implements ValueFormat<Raster> {
    private final String key;
    private final ImageValues values;
    private final Optional<VqConfig> architecture;

    /**
     * A format for a modality's values.
     *
     * @param key          the modality key, for messages
     * @param architecture the tokenizer's configuration when known (it fixes the channels and classes PNGs hold)
     */
    public RasterFormat(String key, ImageValues values, Optional<VqConfig> architecture) {
        this.key = key;
        this.values = values;
        this.architecture = architecture;
    }

    @Override
    public Class<Raster> valueType() {
        return Raster.class;
    }

    @Override
    public String extension() {
        return "npy";
    }

    @Override
    public Raster read(Path file) throws IOException {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!Files.isRegularFile(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString(), null, key + ": no such file");
        }
        if (n.endsWith(".npy")) {
            Npy.FloatArray a = Npy.readFloats(file);
            int[] s = a.shape();
            Raster r = switch (s.length) {
                case 1 -> Raster.vector(a.data());
                case 2 -> new Raster(1, s[0], s[1], a.data());
                case 3 -> new Raster(s[0], s[1], s[2], a.data());
                default -> throw new IOException(file + ": shape " + a.shapeString() + ", but " + key
                        + " values are (H, W), (C, H, W) or (C,)");
            };
            return finite(file, r);
        }
        if (n.endsWith(".png")) {
            return finite(file, values.read(file, architecture.orElse(null)));
        }
        throw new IOException(file + ": unsupported file type for " + key + "; expected .npy or .png");
    }

    private static Raster finite(Path file, Raster r) throws IOException {
        float[] d = r.data();
        for (int i = 0; i < d.length; i++) {
            if (!Float.isFinite(d[i])) {
                throw new IOException(file + ": value " + d[i] + " at index " + i + "; expected finite numbers");
            }
        }
        return r;
    }

    @Override
    public void write(Raster value, Path file) throws IOException {
        AtomicFiles.write(file, Npy.writeFloat32(new int[] {value.channels(), value.height(), value.width()},
                value.data()));
    }

    @Override
    public Path show(Raster value, Path directory, String baseName) throws IOException {
        Path file = directory.resolve(baseName + ".png");
        if (architecture.isPresent() && values.extension().equals("png")) {
            values.write(file, value, architecture.get());
        } else if (value.channels() == 3) {
            ImageFiles.writeRgbPng(file, value);
        } else {
            float lo = Float.POSITIVE_INFINITY;
            float hi = Float.NEGATIVE_INFINITY;
            for (float v : value.data()) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            float span = hi > lo ? hi - lo : 1f;
            ImageFiles.writeGrayPng(file, value, lo, span, 65535f, true);
        }
        return file;
    }
}
