package fourm.vq.io;

import fourm.api.io.AtomicFiles;
import fourm.core.io.Npy;
import fourm.vq.Raster;
import fourm.vq.VqConfig;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Reads image and map files into {@link Raster}s in the natural units of a tokenizer's values, and writes them back.
 * What a file must hold is the values' business ({@link fourm.vq.ImageValues#read}); the kit's choices:
 *
 * <table>
 *   <caption>What the kit's values read</caption>
 *   <tr><th>values</th><th>files</th><th>values</th></tr>
 *   <tr><td>rgb, normal</td><td>8-bit RGB PNG (an alpha channel is ignored; palette images are expanded)</td>
 *       <td>byte / 255</td></tr>
 *   <tr><td>edge</td><td>8-bit gray PNG</td><td>byte / 255</td></tr>
 *   <tr><td>semseg</td><td>8-bit gray or palette PNG of class ids (16-bit when there are more than 255 classes)</td>
 *       <td>the ids</td></tr>
 *   <tr><td>depth</td><td>8- or 16-bit gray PNG (for example millimetres), or {@code .npy} (H, W) or (1, H, W)</td>
 *       <td>the numbers (the unit cancels in the truncated standardisation)</td></tr>
 *   <tr><td>feature-map</td><td>{@code .npy} (C, H, W)</td><td>the numbers</td></tr>
 *   <tr><td>global-embedding</td><td>{@code .npy} (C,), (1, C) or (C, 1, 1)</td><td>the numbers</td></tr>
 * </table>
 *
 * <p>Every mismatch is an {@link IOException} naming the file, what it holds and what was expected: a gray PNG where
 * RGB was expected, a 16-bit PNG where 8-bit was expected, a wrong channel count, NaN or infinite values. The
 * primitives ({@link #readRgbPng}, {@link #readGrayPng}, {@link #readNpy}, {@link #writeRgbPng},
 * {@link #writeGrayPng}, {@link #writeNpy}) are for {@link fourm.vq.ImageValues} implementations.
 */
public final class ImageFiles {
    private ImageFiles() {
    }

    /** True for the file names {@link #read} accepts ({@code .png}, {@code .npy}). */
    public static boolean isSupported(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".npy");
    }

    /**
     * Reads a file for a tokenizer, through its values' {@link fourm.vq.ImageValues#read}, and checks every value is
     * finite.
     *
     * @throws IOException naming the file and the mismatch
     */
    public static Raster read(Path file, VqConfig config) throws IOException {
        requireFile(file);
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!n.endsWith(".png") && !n.endsWith(".npy")) {
            throw new IOException(file + ": unsupported file type; expected .png or .npy");
        }
        return finite(file, config.values().read(file, config));
    }

    /** Reads an 8-bit RGB PNG into [0, 1] values (for example the input of a feature teacher). */
    public static Raster readRgb(Path file) throws IOException {
        requireFile(file);
        return finite(file, readRgbPng(file, "rgb"));
    }

    /**
     * Writes a value as a file a viewer can open, through its values' {@link fourm.vq.ImageValues#write}: in the kit
     * rgb and normal as 8-bit RGB PNG, edge and semseg as 8-bit gray PNG (semseg: the ids; 16-bit above 255 classes),
     * depth as 16-bit gray PNG scaled from its range to 0..65535, and feature maps and global embeddings as float32
     * {@code .npy}. Written atomically.
     */
    public static void write(Path file, Raster r, VqConfig c) throws IOException {
        c.values().write(file, r, c);
    }

    private static void requireFile(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such image or map file");
        }
    }

    private static Raster finite(Path file, Raster r) throws IOException {
        int plane = r.height() * r.width();
        for (int i = 0; i < r.size(); i++) {
            float v = r.at(i / plane, (i % plane) / r.width(), i % r.width());
            if (!Float.isFinite(v)) {
                throw new IOException(file + ": value " + v + " at channel " + i / plane + ", row "
                        + (i % plane) / r.width() + ", column " + i % r.width() + "; expected finite numbers");
            }
        }
        return r;
    }

    private static boolean isNpy(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy");
    }

    private static BufferedImage png(Path file, String what) throws IOException {
        if (isNpy(file)) {
            throw new IOException(file + ": " + what + " images are read from PNG, not .npy");
        }
        BufferedImage img;
        byte[] bytes = Files.readAllBytes(file);
        fourm.api.label.ImageHeader.checkPixels(file.toString(), bytes);
        try {
            img = ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + ": not a readable PNG (" + e.getMessage() + ")", e);
        }
        if (img == null) {
            throw new IOException(file + ": not a readable PNG");
        }
        return img;
    }

    /**
     * Reads an 8-bit RGB PNG (palette images expanded, alpha ignored) into 3 channels of byte / 255.
     *
     * @param what the values' name, for messages
     */
    public static Raster readRgbPng(Path file, String what) throws IOException {
        BufferedImage img = png(file, what);
        int w = img.getWidth();
        int h = img.getHeight();
        WritableRaster raster = img.getRaster();
        int bands = raster.getNumBands();
        int bits = img.getColorModel().getComponentSize(0);
        boolean palette = img.getColorModel() instanceof IndexColorModel;
        if (!palette && bits > 8) {
            throw new IOException(file + ": a " + bits + "-bit PNG, but " + what + " images are 8-bit");
        }
        if (!palette && bands < 3) {
            throw new IOException(file + ": " + bands + " channel" + (bands == 1 ? " (gray)" : "s")
                    + ", but " + what + " images have 3 (RGB)");
        }
        float[] v = new float[3 * h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = img.getRGB(x, y);
                int i = y * w + x;
                if (palette) {
                    v[i] = ((rgb >> 16) & 0xff) / 255f;
                    v[h * w + i] = ((rgb >> 8) & 0xff) / 255f;
                    v[2 * h * w + i] = (rgb & 0xff) / 255f;
                } else {
                    for (int b = 0; b < 3; b++) {
                        v[b * h * w + i] = raster.getSample(x, y, b) / 255f;
                    }
                }
            }
        }
        return new Raster(3, h, w, v);
    }

    /**
     * Reads a one-channel PNG into one channel of sample * {@code scale}.
     *
     * @param what         the values' name, for messages
     * @param allowPalette accept palette images (their indices are the samples)
     * @param only8Bit     refuse 16-bit PNGs; {@code note} is added to that message
     */
    public static Raster readGrayPng(Path file, String what, float scale, boolean allowPalette, boolean only8Bit,
                                     String note) throws IOException {
        BufferedImage img = png(file, what);
        int w = img.getWidth();
        int h = img.getHeight();
        WritableRaster raster = img.getRaster();
        int bands = raster.getNumBands();
        int bits = img.getColorModel().getComponentSize(0);
        boolean palette = img.getColorModel() instanceof IndexColorModel;
        if (!palette && bits > 8 && only8Bit) {
            throw new IOException(file + ": a " + bits + "-bit PNG, but " + what + " images are 8-bit" + note);
        }
        if (bands != 1 || (palette && !allowPalette)) {
            throw new IOException(file + ": " + (palette ? "a palette image" : bands + " channels")
                    + ", but " + what + " maps have 1 (gray)");
        }
        float[] v = new float[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                v[y * w + x] = raster.getSample(x, y, 0) * scale;
            }
        }
        return new Raster(1, h, w, v);
    }

    /**
     * Reads a float {@code .npy} array.
     *
     * @param what the values' name, for messages
     */
    public static Npy.FloatArray readNpy(Path file, String what) throws IOException {
        if (!isNpy(file)) {
            throw new IOException(file + ": a " + what + " is read from .npy floats, not PNG");
        }
        return Npy.readFloats(file);
    }

    /** Writes the first three channels, clipped to [0, 1], as an 8-bit RGB PNG. */
    public static void writeRgbPng(Path file, Raster r) throws IOException {
        int w = r.width();
        int h = r.height();
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int b = 0; b < 3; b++) {
                    img.getRaster().setSample(x, y, b, Math.round(clamp01(r.at(b, y, x)) * 255f));
                }
            }
        }
        writePng(file, img);
    }

    /**
     * Writes channel 0 as a gray PNG of {@code round((v - offset) / divisor * scale)}, 16-bit when {@code wide}.
     */
    public static void writeGrayPng(Path file, Raster r, float offset, float divisor, float scale, boolean wide)
            throws IOException {
        int w = r.width();
        int h = r.height();
        BufferedImage img = new BufferedImage(w, h, wide ? BufferedImage.TYPE_USHORT_GRAY
                : BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, Math.round((r.at(0, y, x) - offset) / divisor * scale));
            }
        }
        writePng(file, img);
    }

    /** Writes the values as a float32 {@code .npy} of the given shape. */
    public static void writeNpy(Path file, int[] shape, Raster r) throws IOException {
        AtomicFiles.write(file, Npy.writeFloat32(shape, r.data()));
    }

    private static void writePng(Path file, BufferedImage img) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(img, "png", out)) {
            throw new IOException("no PNG writer available for " + file);
        }
        AtomicFiles.write(file, out.toByteArray());
    }

    /** {@code v} clipped to [0, 1]. */
    public static float clamp01(float v) {
        return Math.min(1f, Math.max(0f, v));
    }
}
