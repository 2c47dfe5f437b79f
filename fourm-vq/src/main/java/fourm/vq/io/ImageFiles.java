package fourm.vq.io;

import fourm.core.data.Npy;
import fourm.vq.ModalityFamily;
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
 * Reads image and map files into {@link Raster}s in the natural units of a tokenizer's family, and writes them back.
 *
 * <table>
 *   <caption>What each family reads</caption>
 *   <tr><th>family</th><th>files</th><th>values</th></tr>
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
 * RGB was expected, a 16-bit PNG where 8-bit was expected, a wrong channel count, NaN or infinite values.
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
     * Reads a file for a tokenizer.
     *
     * @throws IOException naming the file and the mismatch
     */
    public static Raster read(Path file, VqConfig config) throws IOException {
        return read(file, new Expect(config.name(), config.family(), config.channels(), config.numClasses()));
    }

    /** Reads an 8-bit RGB PNG into [0, 1] values (for example the input of a feature teacher). */
    public static Raster readRgb(Path file) throws IOException {
        return read(file, new Expect("rgb", ModalityFamily.RGB, 3, 0));
    }

    /** What a file must hold. */
    private record Expect(String name, ModalityFamily family, int channels, int numClasses) {
    }

    private static Raster read(Path file, Expect config) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such image or map file");
        }
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        Raster r;
        if (n.endsWith(".png")) {
            r = readPng(file, config);
        } else if (n.endsWith(".npy")) {
            r = readNpy(file, config);
        } else {
            throw new IOException(file + ": unsupported file type; expected .png or .npy");
        }
        for (int i = 0; i < r.size(); i++) {
            int plane = r.height() * r.width();
            float v = r.at(i / plane, (i % plane) / r.width(), i % r.width());
            if (!Float.isFinite(v)) {
                throw new IOException(file + ": value " + v + " at channel " + i / plane + ", row "
                        + (i % plane) / r.width() + ", column " + i % r.width() + "; expected finite numbers");
            }
        }
        return r;
    }

    private static Raster readPng(Path file, Expect c) throws IOException {
        ModalityFamily f = c.family();
        if (f == ModalityFamily.FEATURE_MAP || f == ModalityFamily.GLOBAL_EMBEDDING) {
            throw new IOException(file + ": a " + f.configName() + " is read from .npy (C, H, W) floats, not PNG");
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
        int w = img.getWidth();
        int h = img.getHeight();
        WritableRaster raster = img.getRaster();
        int bands = raster.getNumBands();
        int bits = img.getColorModel().getComponentSize(0);
        boolean palette = img.getColorModel() instanceof IndexColorModel;
        boolean wants8 = f == ModalityFamily.RGB || f == ModalityFamily.NORMAL || f == ModalityFamily.EDGE
                || (f == ModalityFamily.SEMSEG && c.numClasses() <= 255);
        if (!palette && bits > 8 && wants8) {
            throw new IOException(file + ": a " + bits + "-bit PNG, but " + f.configName()
                    + " images are 8-bit" + (f == ModalityFamily.SEMSEG ? " (class ids up to 255)" : ""));
        }
        switch (f) {
            case RGB, NORMAL -> {
                if (!palette && bands < 3) {
                    throw new IOException(file + ": " + bands + " channel" + (bands == 1 ? " (gray)" : "s")
                            + ", but " + f.configName() + " images have 3 (RGB)");
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
            case EDGE, DEPTH, SEMSEG -> {
                if (bands != 1 || (palette && f != ModalityFamily.SEMSEG)) {
                    throw new IOException(file + ": " + (palette ? "a palette image" : bands + " channels")
                            + ", but " + f.configName() + " maps have 1 (gray)");
                }
                float scale = f == ModalityFamily.EDGE ? 1f / 255f : 1f;
                float[] v = new float[h * w];
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        v[y * w + x] = raster.getSample(x, y, 0) * scale;
                    }
                }
                return new Raster(1, h, w, v);
            }
            default -> throw new IllegalStateException("unhandled family " + f);
        }
    }

    private static Raster readNpy(Path file, Expect c) throws IOException {
        Npy.FloatArray a = Npy.readFloats(file);
        int[] s = a.shape();
        ModalityFamily f = c.family();
        switch (f) {
            case DEPTH -> {
                if (s.length == 2 || (s.length == 3 && s[0] == 1)) {
                    int h = s[s.length - 2];
                    int w = s[s.length - 1];
                    return new Raster(1, h, w, a.data());
                }
                throw new IOException(file + ": shape " + a.shapeString() + ", but a depth map is (H, W) or (1, H, W)");
            }
            case FEATURE_MAP -> {
                if (s.length != 3 || s[0] != c.channels()) {
                    throw new IOException(file + ": shape " + a.shapeString() + ", but the " + c.name()
                            + " tokenizer reads feature maps (" + c.channels() + ", H, W)");
                }
                return new Raster(s[0], s[1], s[2], a.data());
            }
            case GLOBAL_EMBEDDING -> {
                boolean ok = (s.length == 1 && s[0] == c.channels())
                        || (s.length == 2 && s[0] == 1 && s[1] == c.channels())
                        || (s.length == 3 && s[0] == c.channels() && s[1] == 1 && s[2] == 1);
                if (!ok) {
                    throw new IOException(file + ": shape " + a.shapeString() + ", but the " + c.name()
                            + " tokenizer reads global embeddings (" + c.channels() + ",), (1, " + c.channels()
                            + ") or (" + c.channels() + ", 1, 1)");
                }
                return Raster.vector(a.data());
            }
            default -> throw new IOException(file + ": " + f.configName() + " images are read from PNG, not .npy");
        }
    }

    /**
     * Writes a value as a file a viewer can open: rgb and normal as 8-bit RGB PNG, edge and semseg as 8-bit gray PNG
     * (semseg: the ids; 16-bit above 255 classes), depth as 16-bit gray PNG scaled from its range to 0..65535, and
     * feature maps and global embeddings as float32 {@code .npy}. Written atomically.
     */
    public static void write(Path file, Raster r, VqConfig c) throws IOException {
        ModalityFamily f = c.family();
        if (f == ModalityFamily.FEATURE_MAP || f == ModalityFamily.GLOBAL_EMBEDDING) {
            int[] shape = f == ModalityFamily.GLOBAL_EMBEDDING ? new int[] {r.channels()}
                    : new int[] {r.channels(), r.height(), r.width()};
            AtomicFiles.write(file, Npy.writeFloat32(shape, r.data()));
            return;
        }
        int w = r.width();
        int h = r.height();
        BufferedImage img;
        switch (f) {
            case RGB, NORMAL -> {
                img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        for (int b = 0; b < 3; b++) {
                            img.getRaster().setSample(x, y, b, Math.round(clamp01(r.at(b, y, x)) * 255f));
                        }
                    }
                }
            }
            case EDGE -> {
                img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        img.getRaster().setSample(x, y, 0, Math.round(clamp01(r.at(0, y, x)) * 255f));
                    }
                }
            }
            case SEMSEG -> {
                boolean wide = c.numClasses() > 255 || c.ignoreId() > 255;
                img = new BufferedImage(w, h, wide ? BufferedImage.TYPE_USHORT_GRAY : BufferedImage.TYPE_BYTE_GRAY);
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        img.getRaster().setSample(x, y, 0, (int) r.at(0, y, x));
                    }
                }
            }
            default -> {
                float lo = Float.POSITIVE_INFINITY;
                float hi = Float.NEGATIVE_INFINITY;
                for (float v : r.data()) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
                float span = hi > lo ? hi - lo : 1f;
                img = new BufferedImage(w, h, BufferedImage.TYPE_USHORT_GRAY);
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        img.getRaster().setSample(x, y, 0, Math.round((r.at(0, y, x) - lo) / span * 65535f));
                    }
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(img, "png", out)) {
            throw new IOException("no PNG writer available for " + file);
        }
        AtomicFiles.write(file, out.toByteArray());
    }

    private static float clamp01(float v) {
        return Math.min(1f, Math.max(0f, v));
    }
}
