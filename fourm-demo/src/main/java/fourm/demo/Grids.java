package fourm.demo;

import fourm.api.image.BitmapFont;
import fourm.api.image.Canvas;

import fourm.api.io.AtomicFiles;
import fourm.synth.Png;
import fourm.modality.det.Detections;
import fourm.vq.Raster;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The PNG grid of one held-out example: inputs, generations and ground truth side by side, labelled.
 *
 * <pre>
 *   RGB (input)   | depth: 4M   | normals: 4M   | semseg: 4M   | boxes: 4M
 *   RGB: true     | depth: true | normals: true | semseg: true | boxes: true
 *   caption->RGB  | depth+caption->RGB | depth (input) | RGB: true
 *   caption: 4M ... / caption: true ...
 * </pre>
 *
 * Images are drawn at {@value #SCALE}x (pixel repetition). Depth is colour-mapped with near bright, on the ground
 * truth's range (a prediction is first aligned to the truth by scale and shift, as the metric does); normals as
 * {@code (n + 1) / 2}; classes in a fixed palette; boxes in yellow on the RGB image.
 */
public final class Grids {
    static final int SCALE = 2;
    private static final int GAP = 6;
    private static final int LABEL = BitmapFont.HEIGHT + 3;
    private static final int BACKGROUND = 0x1e1e1e;
    private static final int TEXT = 0xe8e8e8;
    private static final int DIM_TEXT = 0xa0a0a0;

    private Grids() {
    }

    /**
     * What the model made for one example.
     *
     * @param scene          the held-out scene
     * @param fromRgb        the RGB-to-X prediction
     * @param captionToRgb   RGB generated from the true caption
     * @param depthCaptionToRgb RGB generated from the true depth and caption
     */
    public record Example(SceneData scene, DemoModel.RgbPrediction fromRgb, Raster captionToRgb,
                          Raster depthCaptionToRgb) {
    }

    /** The grid of an example as PNG bytes. */
    public static byte[] png(Example e) {
        SceneData s = e.scene();
        int size = s.size();
        int cell = size * SCALE;
        int cols = 5;
        int width = GAP + cols * (cell + GAP);
        int textWidth = width - 2 * GAP;
        String capModel = "caption (4M from RGB): " + e.fromRgb().caption();
        String capTrue = "caption (true): " + s.caption();
        int textLines = Canvas.wrap(capModel, textWidth / BitmapFont.WIDTH).size()
                + Canvas.wrap(capTrue, textWidth / BitmapFont.WIDTH).size();
        int rowHeight = LABEL + cell + GAP;
        int height = GAP + 3 * rowHeight + textLines * (BitmapFont.HEIGHT + 1) + GAP + 4;
        Canvas c = new Canvas(width, height, BACKGROUND);

        float[] depthTrue = s.depth();
        boolean[] valid = s.notSky();
        double[] range = depthRange(depthTrue, valid);
        byte[] rgb = s.rgb();

        int y = GAP;
        cell(c, 0, y, "RGB (input)", rgb, size);
        cell(c, 1, y, "depth: 4M", Colormaps.depth(aligned(e.fromRgb().depth(), depthTrue, valid), range[0],
                range[1], Double.MAX_VALUE), size);
        cell(c, 2, y, "normals: 4M", Colormaps.normals(WorldMap.normalVectors(e.fromRgb().normal())), size);
        cell(c, 3, y, "semseg: 4M", Colormaps.classes(WorldMap.classIds(e.fromRgb().semseg())), size);
        cell(c, 4, y, "boxes: 4M", rgb, size);
        boxes(c, 4, y, e.fromRgb().det(), size);

        y += rowHeight;
        cell(c, 0, y, "RGB: true", rgb, size);
        cell(c, 1, y, "depth: true", Colormaps.depth(depthTrue, range[0], range[1], s.far()), size);
        cell(c, 2, y, "normals: true", Colormaps.normals(s.normals()), size);
        cell(c, 3, y, "semseg: true", Colormaps.classes(s.semseg()), size);
        cell(c, 4, y, "boxes: true", rgb, size);
        boxes(c, 4, y, s.det(), size);

        y += rowHeight;
        cell(c, 0, y, "caption -> RGB", WorldMap.rgbBytes(e.captionToRgb()), size);
        cell(c, 1, y, "depth+caption->RGB", WorldMap.rgbBytes(e.depthCaptionToRgb()), size);
        cell(c, 2, y, "depth (input)", Colormaps.depth(depthTrue, range[0], range[1], s.far()), size);
        cell(c, 3, y, "RGB: true", rgb, size);

        y += rowHeight;
        y = c.wrapped(GAP, y, textWidth, capModel, TEXT);
        c.wrapped(GAP, y + 2, textWidth, capTrue, DIM_TEXT);
        return Png.rgb8(c.width(), c.height(), c.rgb());
    }

    /** Writes the grid of an example to {@code file} (temporary name, then rename). */
    public static void write(Example e, Path file) throws IOException {
        AtomicFiles.write(file, png(e));
    }

    private static void cell(Canvas c, int col, int y, String label, byte[] image, int size) {
        int x = GAP + col * (size * SCALE + GAP);
        c.text(x, y, label, TEXT);
        c.paste(image, size, size, x, y + LABEL, SCALE);
    }

    private static void boxes(Canvas c, int col, int y, Detections d, int size) {
        int x = GAP + col * (size * SCALE + GAP);
        Colormaps.boxes(c, d, x, y + LABEL, size * SCALE);
    }

    /** A relative depth prediction aligned to the truth by scale and shift over the valid pixels. */
    static float[] aligned(Raster predicted, float[] truth, boolean[] valid) {
        float[] p = predicted.data();
        double[] st = DepthMetric.alignment(p, truth, valid);
        float[] out = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = (float) (st[0] * p[i] + st[1]);
        }
        return out;
    }

    /** The near and far ends of the colour map: the 2nd and 98th percentiles of the valid true depths. */
    static double[] depthRange(float[] depth, boolean[] valid) {
        int n = 0;
        float[] v = new float[depth.length];
        for (int i = 0; i < depth.length; i++) {
            if (valid[i]) {
                v[n++] = depth[i];
            }
        }
        if (n == 0) {
            return new double[] {1, 2};
        }
        float[] sorted = java.util.Arrays.copyOf(v, n);
        java.util.Arrays.sort(sorted);
        double lo = sorted[(int) (0.02 * (n - 1))];
        double hi = sorted[(int) (0.98 * (n - 1))];
        return new double[] {lo, Math.max(hi, lo * 1.01 + 1e-3)};
    }
}
