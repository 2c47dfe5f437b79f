package fourm.demo;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import fourm.api.io.AtomicFiles;
import fourm.modality.det.BoundingBox;
import fourm.modality.det.Detection;
import fourm.modality.det.Detections;
import fourm.synth.Classes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The trivial baseline of the evaluation table: predictions that ignore the input, learned from the training world
 * alone. The same for every held-out scene:
 *
 * <ul>
 *   <li>depth: the per-pixel mean depth of the training scenes (aligned by scale and shift like every prediction);</li>
 *   <li>normals: the per-pixel mean normal of the training scenes (sky pixels, which have none, excluded);</li>
 *   <li>semseg: the per-pixel majority class of the training scenes;</li>
 *   <li>boxes: one box per object class at the mean box of that class in the training scenes;</li>
 *   <li>caption: a training caption with the most frequent (object count, colours) of the training captions.</li>
 * </ul>
 *
 * <p>It depends on the training world alone, so it is saved ({@link #write}) with the world's stamp and read back
 * ({@link #read}) instead of rendering thousands of training scenes again: floats are written in their shortest exact
 * decimal form, so a read predictor equals the fitted one bit for bit.
 */
public final class TrivialPredictor {
    /** The file name of a saved predictor (in a weights folder, and in the shipped weights). */
    public static final String FILE = "trivial-predictor.json";
    private static final int FORMAT = 1;

    private final float[] depth;
    private final float[] normals;
    private final int[] semseg;
    private final Detections boxes;
    private final String caption;

    private TrivialPredictor(float[] depth, float[] normals, int[] semseg, Detections boxes, String caption) {
        this.depth = depth;
        this.normals = normals;
        this.semseg = semseg;
        this.boxes = boxes;
        this.caption = caption;
    }

    /**
     * Learns the baseline from training scenes (all of one size).
     *
     * @throws IllegalArgumentException if there are no scenes or their sizes differ
     */
    public static TrivialPredictor fit(List<SceneData> train) {
        if (train.isEmpty()) {
            throw new IllegalArgumentException("the trivial predictor needs training scenes");
        }
        int size = train.get(0).size();
        int n = size * size;
        double[] depthSum = new double[n];
        double[] normalSum = new double[3 * n];
        long[][] classCounts = new long[n][Classes.count()];
        Map<String, double[]> boxSums = new HashMap<>();
        Map<String, Integer> boxCounts = new HashMap<>();
        Map<CaptionFacts, Integer> factCounts = new HashMap<>();
        Map<CaptionFacts, String> factExample = new HashMap<>();
        for (SceneData s : train) {
            if (s.size() != size) {
                throw new IllegalArgumentException("scene " + s.key() + " is " + s.size() + " px, the first is " + size);
            }
            float[] d = s.depth();
            float[] nr = s.normals();
            int[] c = s.semseg();
            for (int i = 0; i < n; i++) {
                depthSum[i] += d[i];
                for (int k = 0; k < 3; k++) {
                    normalSum[3 * i + k] += nr[3 * i + k];
                }
                classCounts[i][c[i]]++;
            }
            for (Detection det : s.det().instances()) {
                double[] b = boxSums.computeIfAbsent(det.className(), k -> new double[4]);
                b[0] += det.box().xmin();
                b[1] += det.box().ymin();
                b[2] += det.box().xmax();
                b[3] += det.box().ymax();
                boxCounts.merge(det.className(), 1, Integer::sum);
            }
            Optional<CaptionFacts> f = CaptionFacts.parse(s.caption());
            if (f.isPresent()) {
                factCounts.merge(f.get(), 1, Integer::sum);
                factExample.putIfAbsent(f.get(), s.caption());
            }
        }
        float[] depth = new float[n];
        float[] normals = new float[3 * n];
        int[] semseg = new int[n];
        for (int i = 0; i < n; i++) {
            depth[i] = (float) (depthSum[i] / train.size());
            double x = normalSum[3 * i];
            double y = normalSum[3 * i + 1];
            double z = normalSum[3 * i + 2];
            double len = Math.sqrt(x * x + y * y + z * z);
            if (len > 0) {
                normals[3 * i] = (float) (x / len);
                normals[3 * i + 1] = (float) (y / len);
                normals[3 * i + 2] = (float) (z / len);
            } else {
                normals[3 * i + 2] = 1;
            }
            int best = 0;
            for (int k = 1; k < Classes.count(); k++) {
                if (classCounts[i][k] > classCounts[i][best]) {
                    best = k;
                }
            }
            semseg[i] = best;
        }
        List<Detection> boxes = new ArrayList<>();
        for (Classes.SemanticClass c : Classes.all()) {
            Integer count = boxCounts.get(c.name());
            if (c.thing() && count != null) {
                double[] b = boxSums.get(c.name());
                boxes.add(Detection.unscored(new BoundingBox(b[0] / count, b[1] / count, b[2] / count,
                        b[3] / count), c.name()));
            }
        }
        String caption = factCounts.entrySet().stream()
                .max(Map.Entry.<CaptionFacts, Integer>comparingByValue()
                        .thenComparing(e -> factExample.get(e.getKey()), java.util.Comparator.reverseOrder()))
                .map(e -> factExample.get(e.getKey())).orElse(train.get(0).caption());
        return new TrivialPredictor(depth, normals, semseg, new Detections(boxes), caption);
    }

    /**
     * Writes the predictor with the stamp of the world it was fitted on (temporary file, then renamed).
     *
     * @param file  the JSON file
     * @param world what the training world depends on; {@link #read} returns the predictor only for the same stamp
     */
    public void write(Path file, JsonObject world) throws IOException {
        JsonObject o = new JsonObject();
        o.addProperty("format", FORMAT);
        o.add("world", world);
        o.add("depth", floats(depth));
        o.add("normals", floats(normals));
        JsonArray sem = new JsonArray();
        for (int c : semseg) {
            sem.add(c);
        }
        o.add("semseg", sem);
        JsonArray bs = new JsonArray();
        for (Detection d : boxes.instances()) {
            JsonObject b = new JsonObject();
            b.addProperty("class", d.className());
            JsonArray xy = new JsonArray();
            xy.add(d.box().xmin());
            xy.add(d.box().ymin());
            xy.add(d.box().xmax());
            xy.add(d.box().ymax());
            b.add("box", xy);
            bs.add(b);
        }
        o.add("boxes", bs);
        o.addProperty("caption", caption);
        AtomicFiles.writeString(file, o + "\n");
    }

    /**
     * Reads a predictor written by {@link #write} for the same world.
     *
     * @param json  the file's text
     * @param world the stamp of the world the caller needs
     * @return the predictor, or empty if the file was written for another world or in another format
     * @throws IllegalArgumentException naming {@code source} if the text is not a saved predictor
     */
    public static Optional<TrivialPredictor> read(String json, JsonObject world, String source) {
        try {
            JsonObject o = JsonParser.parseString(json).getAsJsonObject();
            if (!o.has("format") || o.get("format").getAsInt() != FORMAT || !world.equals(o.get("world"))) {
                return Optional.empty();
            }
            float[] depth = floats(o.getAsJsonArray("depth"));
            float[] normals = floats(o.getAsJsonArray("normals"));
            JsonArray sem = o.getAsJsonArray("semseg");
            int[] semseg = new int[sem.size()];
            for (int i = 0; i < semseg.length; i++) {
                semseg[i] = sem.get(i).getAsInt();
            }
            if (normals.length != 3 * depth.length || semseg.length != depth.length) {
                throw new IllegalArgumentException(source + ": " + depth.length + " depth values, " + normals.length
                        + " normal values and " + semseg.length + " classes do not describe one image");
            }
            List<Detection> boxes = new ArrayList<>();
            for (JsonElement e : o.getAsJsonArray("boxes")) {
                JsonObject b = e.getAsJsonObject();
                JsonArray xy = b.getAsJsonArray("box");
                boxes.add(Detection.unscored(new BoundingBox(xy.get(0).getAsDouble(), xy.get(1).getAsDouble(),
                        xy.get(2).getAsDouble(), xy.get(3).getAsDouble()), b.get("class").getAsString()));
            }
            return Optional.of(new TrivialPredictor(depth, normals, semseg, new Detections(boxes),
                    o.get("caption").getAsString()));
        } catch (JsonParseException | IllegalStateException | NullPointerException | IndexOutOfBoundsException
                 | UnsupportedOperationException | NumberFormatException e) {
            throw new IllegalArgumentException(source + ": not a saved trivial predictor (" + e.getMessage() + ")", e);
        }
    }

    private static JsonArray floats(float[] v) {
        JsonArray a = new JsonArray(v.length);
        for (float f : v) {
            a.add(f);
        }
        return a;
    }

    private static float[] floats(JsonArray a) {
        float[] v = new float[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).getAsFloat();
        }
        return v;
    }

    /** The per-pixel mean depth, metres. */
    public float[] depth() {
        return depth.clone();
    }

    /** The per-pixel mean normal, 3 floats per pixel. */
    public float[] normals() {
        return normals.clone();
    }

    /** The per-pixel majority class. */
    public int[] semseg() {
        return semseg.clone();
    }

    /** The mean box of each object class. */
    public Detections boxes() {
        return boxes;
    }

    /** The caption with the most frequent count and colours. */
    public String caption() {
        return caption;
    }
}
