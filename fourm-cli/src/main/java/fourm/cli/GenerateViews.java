package fourm.cli;

import fourm.api.image.Canvas;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import fourm.api.Modality;
import fourm.api.TokenizerInfo;
import fourm.api.ValueFormat;
import fourm.api.io.AtomicFiles;
import fourm.core.generate.Step;
import fourm.core.generate.sampler.AnyToAny;
import fourm.core.generate.sampler.Prediction;
import fourm.api.label.LabelResult;
import fourm.vq.Raster;
import fourm.vq.modality.ImageTokenModality;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;

/**
 * The files {@code fourm generate --input ... --target ...} writes for a person to open: per target its raw value
 * through its plugin's format ({@code .npy} for maps, {@code .txt} for text) and a view (depth colour-mapped with near
 * bright, normals as RGB, semseg in class colours with a legend of class names and a {@code .json} of the classes,
 * boxes drawn on the input with a {@code .json} of them, text as text; other values through their format's
 * {@code show}), the inputs as the model saw them, {@value #GRID} with everything, and {@value #SUMMARY} (targets,
 * files, token ids, steps, timings, the tokenizer that decoded each target: its type, {@code divae} for a diffusion
 * decoder, and checkpoint). Every file is written under a temporary name and renamed.
 */
final class GenerateViews {
    /** The grid of every input and target. */
    static final String GRID = "grid.png";
    /** What was generated, how, and where it went. */
    static final String SUMMARY = "prediction.json";
    /** Size of a grid cell, in pixels. */
    static final int CELL = 192;
    private static final int PAD = 8;
    private static final int BACKGROUND = 0x202020;
    private static final int INK = 0xf0f0f0;
    private static final int BOX = 0xffff00;
    private static final int[][] RAMP = {{13, 8, 135}, {126, 3, 168}, {204, 71, 120}, {248, 149, 64},
        {240, 249, 33}};

    /** A picture of the grid: an RGB image with its label. */
    private record Tile(String label, int width, int height, byte[] rgb) {
    }

    private final AnyToAny sampler;
    private final Map<String, Object> inputs;
    private final Prediction prediction;
    private final List<String> classNames;
    private final List<Tile> tiles = new ArrayList<>();
    private final List<String> lines = new ArrayList<>();
    private final Map<Integer, String> legend = new TreeMap<>();
    private final JsonObject summary = new JsonObject();
    private final List<Path> written = new ArrayList<>();

    GenerateViews(AnyToAny sampler, Map<String, Object> inputs, Prediction prediction, List<String> classNames) {
        this.sampler = sampler;
        this.inputs = new LinkedHashMap<>(inputs);
        this.prediction = prediction;
        this.classNames = List.copyOf(classNames);
    }

    /** Writes every file into {@code dir} (created if needed) and returns them. */
    List<Path> write(Path dir) throws IOException {
        Files.createDirectories(dir);
        JsonObject in = new JsonObject();
        for (Map.Entry<String, Object> e : inputs.entrySet()) {
            in.add(e.getKey(), input(dir, e.getKey(), e.getValue()));
        }
        summary.add("inputs", in);
        JsonObject out = new JsonObject();
        for (String key : prediction.targets()) {
            out.add(key, target(dir, key, prediction.value(key)));
        }
        summary.add("targets", out);
        byte[] grid = grid();
        save(dir.resolve(GRID), grid);
        summary.addProperty("grid", GRID);
        save(dir.resolve(SUMMARY), new GsonBuilder().setPrettyPrinting().create().toJson(summary)
                .getBytes(StandardCharsets.UTF_8));
        return List.copyOf(written);
    }

    private JsonObject input(Path dir, String key, Object value) throws IOException {
        JsonObject o = new JsonObject();
        String name = "input-" + fileName(key);
        o.addProperty("value_type", value.getClass().getSimpleName());
        int[] ids = prediction.inputIds().get(key);
        if (ids != null) {
            o.add("tokens", ints(ids));
        }
        if (value instanceof Raster r) {
            Path png = dir.resolve(name + ".png");
            byte[] rgb = view(key, r, name, dir, o);
            save(png, Png.rgb8(r.width(), r.height(), rgb));
            o.addProperty("view", png.getFileName().toString());
        } else if (value instanceof String s) {
            lines.add("input " + AnyToAny.shortName(key) + ": " + s);
            o.addProperty("text", s);
        }
        return o;
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private JsonObject target(Path dir, String key, Object value) throws IOException {
        JsonObject o = new JsonObject();
        String name = fileName(key);
        Modality m = sampler.modalities().get(key);
        ValueFormat format = m == null ? null : m.format().orElse(null);
        Step step = sampler.step(key);
        JsonObject st = new JsonObject();
        st.addProperty("scheme", step.scheme().configName());
        st.addProperty("steps", step.steps());
        st.addProperty("temperature", step.temperature());
        st.addProperty("cfg_scale", step.cfgScale());
        st.addProperty("top_p", sampler.topP(key));
        o.add("step", st);
        o.addProperty("seconds", prediction.seconds().get(key));
        o.add("tokens", ints(prediction.tokens().get(key)));
        o.addProperty("value_type", value.getClass().getSimpleName());
        if (m != null) {
            // which tokenizer turned the ids into the value (an image's: vq-vae, or divae for a diffusion decoder)
            TokenizerInfo info = m.tokenizerInfo();
            JsonObject tok = new JsonObject();
            tok.addProperty("type", info.type());
            info.checkpoint().ifPresent(c -> tok.addProperty("checkpoint", c));
            o.add("tokenizer", tok);
        }
        JsonArray files = new JsonArray();
        if (format != null && format.valueType().isInstance(value)) {
            Path raw = dir.resolve(name + "." + format.extension());
            format.write(value, raw);
            written.add(raw);
            files.add(raw.getFileName().toString());
        }
        if (value instanceof Raster r) {
            if (format == null) {
                Path raw = dir.resolve(name + ".npy");
                fourm.vq.io.ImageFiles.writeNpy(raw, new int[] {r.channels(), r.height(), r.width()}, r);
                written.add(raw);
                files.add(raw.getFileName().toString());
            }
            byte[] rgb = view(key, r, name, dir, o);
            Path png = dir.resolve(name + ".png");
            save(png, Png.rgb8(r.width(), r.height(), rgb));
            files.add(png.getFileName().toString());
            o.addProperty("shape", r.channels() + "x" + r.height() + "x" + r.width());
        } else if (value instanceof String s) {
            if (format == null || !format.extension().equals("txt")) {
                Path txt = dir.resolve(name + ".txt");
                save(txt, (s + "\n").getBytes(StandardCharsets.UTF_8));
                files.add(txt.getFileName().toString());
            }
            o.addProperty("text", s);
            lines.add(AnyToAny.shortName(key) + ": " + (s.isBlank() ? "(empty)" : s));
        } else if (value instanceof LabelResult label && Box.isDetections(label)) {
            List<Box> d = Box.read(label);
            JsonArray boxes = new JsonArray();
            for (Box det : d) {
                JsonObject b = new JsonObject();
                b.addProperty("class", det.className());
                JsonArray xy = new JsonArray();
                xy.add(det.xmin());
                xy.add(det.ymin());
                xy.add(det.xmax());
                xy.add(det.ymax());
                b.add("box", xy);
                if (det.score() != null) {
                    b.addProperty("score", det.score());
                }
                boxes.add(b);
            }
            JsonObject doc = new JsonObject();
            doc.addProperty("modality", key);
            doc.addProperty("coordinates", "normalised [xmin, ymin, xmax, ymax], origin top left");
            doc.add("boxes", boxes);
            Path json = dir.resolve(name + ".json");
            save(json, new GsonBuilder().setPrettyPrinting().create().toJson(doc).getBytes(StandardCharsets.UTF_8));
            files.add(json.getFileName().toString());
            Path png = dir.resolve(name + ".png");
            Tile t = boxesOnPicture(AnyToAny.shortName(key), d);
            save(png, Png.rgb8(t.width(), t.height(), t.rgb()));
            files.add(png.getFileName().toString());
            tiles.add(t);
            o.addProperty("boxes", d.size());
            lines.add(AnyToAny.shortName(key) + ": " + d.size() + " box(es)"
                    + (d.isEmpty() ? "" : ": " + String.join(", ", d.stream().map(Box::className).toList())));
        } else if (format != null && format.valueType().isInstance(value)) {
            Path shown = format.show(value, dir, name + "-view");
            written.add(shown);
            files.add(shown.getFileName().toString());
            String n = shown.getFileName().toString().toLowerCase(Locale.ROOT);
            if (n.endsWith(".png")) {
                BufferedImage img = ImageIO.read(shown.toFile());
                if (img != null) {
                    tiles.add(tile(AnyToAny.shortName(key), img));
                }
            } else {
                String text = Files.readString(shown, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
                lines.add(AnyToAny.shortName(key) + ": " + (text.length() > 300 ? text.substring(0, 300) + "..." : text));
            }
        } else {
            Path txt = dir.resolve(name + ".txt");
            save(txt, (value + "\n").getBytes(StandardCharsets.UTF_8));
            files.add(txt.getFileName().toString());
            lines.add(AnyToAny.shortName(key) + ": " + value);
        }
        o.add("files", files);
        return o;
    }

    /** The picture of a map (added to the grid), and for class maps the legend files. */
    private byte[] view(String key, Raster r, String name, Path dir, JsonObject o) throws IOException {
        String kind = valuesName(key, r);
        byte[] rgb;
        String label = (name.startsWith("input-") ? "input " : "") + AnyToAny.shortName(key);
        switch (kind) {
            case "depth" -> {
                rgb = depth(r.data());
                label += " (near bright)";
            }
            case "semseg" -> {
                Names names = names(key);
                int n = r.height() * r.width();
                int[] ids = new int[n];
                Map<Integer, Integer> counts = new TreeMap<>();
                for (int i = 0; i < n; i++) {
                    ids[i] = Math.round(r.data()[i]);
                    counts.merge(ids[i], 1, Integer::sum);
                }
                rgb = new byte[3 * n];
                for (int i = 0; i < n; i++) {
                    int c = classColor(ids[i]);
                    rgb[3 * i] = (byte) (c >> 16);
                    rgb[3 * i + 1] = (byte) (c >> 8);
                    rgb[3 * i + 2] = (byte) c;
                }
                JsonArray classes = new JsonArray();
                for (Map.Entry<Integer, Integer> e : counts.entrySet()) {
                    JsonObject c = new JsonObject();
                    c.addProperty("id", e.getKey());
                    c.addProperty("name", names.of(e.getKey()));
                    c.addProperty("pixels", e.getValue());
                    c.addProperty("color", String.format(Locale.ROOT, "#%06x", classColor(e.getKey())));
                    classes.add(c);
                    legend.put(e.getKey(), names.of(e.getKey()));
                }
                JsonObject doc = new JsonObject();
                doc.addProperty("modality", key);
                doc.addProperty("size", r.height() + "x" + r.width());
                doc.add("classes", classes);
                Path json = dir.resolve(name + "-classes.json");
                save(json, new GsonBuilder().setPrettyPrinting().create().toJson(doc).getBytes(StandardCharsets.UTF_8));
                o.addProperty("legend", json.getFileName().toString());
                Tile legendTile = legendPicture(r, rgb, counts, names);
                Path withLegend = dir.resolve(name + "-legend.png");
                save(withLegend, Png.rgb8(legendTile.width(), legendTile.height(), legendTile.rgb()));
                o.addProperty("legend_view", withLegend.getFileName().toString());
            }
            default -> rgb = r.channels() == 3 ? unitRgb(r) : gray(r);
        }
        tiles.add(new Tile(label, r.width(), r.height(), rgb));
        return rgb;
    }

    private String valuesName(String key, Raster r) {
        Modality m = sampler.modalities().get(key);
        if (m instanceof ImageTokenModality itm) {
            return itm.values().name();
        }
        return r.channels() == 3 ? "rgb" : "gray";
    }

    /**
     * The class names of a map's legend: those given ({@code --class-names FILE}, a preset's), else the ones the
     * modality's plugin carries (the semseg plugin's 133 COCO panoptic classes); the modality's no-class id is
     * {@code no class}.
     */
    private Names names(String key) {
        return names(classNames, sampler.modalities().get(key));
    }

    /** The legend's names of modality {@code m} given {@code given} names (empty: none given). */
    static Names names(List<String> given, Modality m) {
        List<String> names = given;
        int noClass = -1;
        if (m instanceof ImageTokenModality itm) {
            if (names.isEmpty()) {
                names = itm.classNames();
            }
            noClass = itm.architecture().map(c -> c.ignoreId()).orElse(-1);
        }
        return new Names(names, noClass);
    }

    /** Class names by id, and the id of no class (-1 when unknown). */
    record Names(List<String> names, int noClass) {
        String of(int id) {
            if (id >= 0 && id < names.size()) {
                return names.get(id);
            }
            return id == noClass ? "no class" : "class " + id;
        }
    }

    /** A colour per class id: spread around the hue circle by the golden ratio, the same for an id everywhere. */
    static int classColor(int id) {
        double h = (id * 0.6180339887498949 + 0.1) % 1.0;
        return java.awt.Color.HSBtoRGB((float) h, 0.65f, 0.95f) & 0xffffff;
    }

    /** Depth through the colour ramp over the map's own range, near (small) bright. */
    static byte[] depth(float[] d) {
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (float v : d) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        float span = hi > lo ? hi - lo : 1f;
        byte[] out = new byte[3 * d.length];
        for (int i = 0; i < d.length; i++) {
            double t = 1 - (d[i] - lo) / span;
            double x = Math.max(0, Math.min(1, t)) * (RAMP.length - 1);
            int a = (int) Math.min(RAMP.length - 2, Math.floor(x));
            double f = x - a;
            for (int k = 0; k < 3; k++) {
                out[3 * i + k] = (byte) (int) Math.round(RAMP[a][k] + (RAMP[a + 1][k] - RAMP[a][k]) * f);
            }
        }
        return out;
    }

    private static byte[] unitRgb(Raster r) {
        int n = r.height() * r.width();
        byte[] out = new byte[3 * n];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                float v = r.data()[c * n + i];
                out[3 * i + c] = (byte) Math.round(Math.max(0f, Math.min(1f, Float.isFinite(v) ? v : 0f)) * 255f);
            }
        }
        return out;
    }

    private static byte[] gray(Raster r) {
        int n = r.height() * r.width();
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            lo = Math.min(lo, r.data()[i]);
            hi = Math.max(hi, r.data()[i]);
        }
        float span = hi > lo ? hi - lo : 1f;
        byte[] out = new byte[3 * n];
        for (int i = 0; i < n; i++) {
            byte g = (byte) Math.round((r.data()[i] - lo) / span * 255f);
            out[3 * i] = g;
            out[3 * i + 1] = g;
            out[3 * i + 2] = g;
        }
        return out;
    }

    /** The class map with a legend to its right: a swatch and the name of every class present. */
    private Tile legendPicture(Raster r, byte[] rgb, Map<Integer, Integer> counts, Names names) {
        int scale = Math.max(1, CELL / Math.max(r.height(), r.width()));
        int w = r.width() * scale;
        int h = r.height() * scale;
        int nameWidth = 0;
        for (int id : counts.keySet()) {
            nameWidth = Math.max(nameWidth, (names.of(id).length() + 8) * Canvas.CHAR_WIDTH);
        }
        int height = Math.max(h, counts.size() * (Canvas.LINE_HEIGHT + 4)) + 2 * PAD;
        Canvas canvas = new Canvas(w + 3 * PAD + 16 + nameWidth, height, BACKGROUND);
        canvas.paste(rgb, r.width(), r.height(), PAD, PAD, scale);
        int y = PAD;
        for (Map.Entry<Integer, Integer> e : counts.entrySet()) {
            canvas.fill(w + 2 * PAD, y, 12, Canvas.LINE_HEIGHT - 1, classColor(e.getKey()));
            canvas.text(w + 2 * PAD + 16, y, e.getKey() + " " + names.of(e.getKey()), INK);
            y += Canvas.LINE_HEIGHT + 4;
        }
        return new Tile("legend", canvas.width(), canvas.height(), canvas.rgb());
    }

    /** Boxes drawn on the RGB input (or a generated RGB, or a gray square when there is none). */
    private Tile boxesOnPicture(String label, List<Box> d) {
        Raster base = null;
        for (Map.Entry<String, Object> e : inputs.entrySet()) {
            if (e.getValue() instanceof Raster r && r.channels() == 3 && valuesName(e.getKey(), r).equals("rgb")) {
                base = r;
                break;
            }
        }
        if (base == null) {
            for (String k : prediction.targets()) {
                if (prediction.value(k) instanceof Raster r && r.channels() == 3 && valuesName(k, r).equals("rgb")) {
                    base = r;
                    break;
                }
            }
        }
        int side = base == null ? CELL : Math.max(base.height(), base.width());
        int scale = Math.max(1, CELL / side);
        int w = (base == null ? CELL : base.width()) * scale;
        int h = (base == null ? CELL : base.height()) * scale;
        Canvas canvas = new Canvas(w, h, 0x606060);
        if (base != null) {
            canvas.paste(unitRgb(base), base.width(), base.height(), 0, 0, scale);
        }
        for (Box det : d) {
            int x0 = (int) Math.floor(det.xmin() * w);
            int y0 = (int) Math.floor(det.ymin() * h);
            int x1 = Math.max(x0, (int) Math.ceil(det.xmax() * w) - 1);
            int y1 = Math.max(y0, (int) Math.ceil(det.ymax() * h) - 1);
            canvas.outline(x0, y0, x1, y1, 2, BOX);
            canvas.text(x0 + 2, Math.max(0, y0 - Canvas.LINE_HEIGHT), det.className(), BOX);
        }
        return new Tile(label, w, h, canvas.rgb());
    }

    private static Tile tile(String label, BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] rgb = new byte[3 * w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = img.getRGB(x, y);
                int i = 3 * (y * w + x);
                rgb[i] = (byte) (p >> 16);
                rgb[i + 1] = (byte) (p >> 8);
                rgb[i + 2] = (byte) p;
            }
        }
        return new Tile(label, w, h, rgb);
    }

    /** Nearest-neighbour resampling to fit {@code CELL x CELL}, aspect kept. */
    private static Tile fit(Tile t) {
        double s = Math.min((double) CELL / t.width(), (double) CELL / t.height());
        int w = Math.max(1, (int) Math.round(t.width() * s));
        int h = Math.max(1, (int) Math.round(t.height() * s));
        byte[] out = new byte[3 * w * h];
        for (int y = 0; y < h; y++) {
            int sy = Math.min(t.height() - 1, (int) (y / s));
            for (int x = 0; x < w; x++) {
                int sx = Math.min(t.width() - 1, (int) (x / s));
                System.arraycopy(t.rgb(), 3 * (sy * t.width() + sx), out, 3 * (y * w + x), 3);
            }
        }
        return new Tile(t.label(), w, h, out);
    }

    /** Every picture in cells of {@code CELL} pixels with its label, then the text and the class legend. */
    private byte[] grid() {
        int perRow = Math.max(1, Math.min(5, tiles.size()));
        int rows = (tiles.size() + perRow - 1) / perRow;
        int labelH = Canvas.LINE_HEIGHT + 4;
        int width = PAD + perRow * (CELL + PAD);
        int perLine = Math.max(1, (width - 2 * PAD) / Canvas.CHAR_WIDTH);
        int textLines = 0;
        for (String l : lines) {
            textLines += Canvas.wrap(l, perLine).size();
        }
        int legendLines = legend.isEmpty() ? 0 : legend.size() + 1;
        int height = PAD + rows * (labelH + CELL + PAD) + (textLines + legendLines) * Canvas.LINE_HEIGHT + PAD;
        Canvas canvas = new Canvas(width, height, BACKGROUND);
        for (int i = 0; i < tiles.size(); i++) {
            int x = PAD + (i % perRow) * (CELL + PAD);
            int y = PAD + (i / perRow) * (labelH + CELL + PAD);
            Tile t = fit(tiles.get(i));
            canvas.text(x, y, t.label(), INK);
            canvas.paste(t.rgb(), t.width(), t.height(), x, y + labelH, 1);
        }
        int y = PAD + rows * (labelH + CELL + PAD);
        for (String l : lines) {
            y = canvas.wrapped(PAD, y, width - 2 * PAD, l, INK);
        }
        if (!legend.isEmpty()) {
            canvas.text(PAD, y, "semseg classes:", INK);
            y += Canvas.LINE_HEIGHT;
            for (Map.Entry<Integer, String> e : legend.entrySet()) {
                canvas.fill(PAD, y, 12, Canvas.LINE_HEIGHT - 2, classColor(e.getKey()));
                canvas.text(PAD + 16, y, e.getKey() + " " + e.getValue(), INK);
                y += Canvas.LINE_HEIGHT;
            }
        }
        return Png.rgb8(canvas.width(), canvas.height(), canvas.rgb());
    }

    private void save(Path file, byte[] bytes) throws IOException {
        AtomicFiles.write(file, bytes);
        written.add(file);
    }

    private static JsonArray ints(int[] ids) {
        JsonArray a = new JsonArray();
        Arrays.stream(ids).forEach(a::add);
        return a;
    }

    /** A key as a file name: its short name ({@code tok_depth@224} -> {@code depth}). */
    static String fileName(String key) {
        return AnyToAny.shortName(key).replaceAll("[^A-Za-z0-9_.-]", "_");
    }
}
