package fourm.modality.sam.instance;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import fourm.api.ValueFormat;
import fourm.vq.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link SamMasks} as a JSON file a person can read, each mask as its rows of {@code 0} and {@code 1}:
 * <pre>
 * {"points": [{"y": 10, "x": 20, "instances": [{"box": [xmin, ymin, xmax, ymax],
 *                                               "mask": ["0011...", ... one string per row]}]}]}
 * </pre>
 * Reading is strict: errors name the file, the point, the instance and the field.
 */
public final class SamMasksFormat implements ValueFormat<SamMasks> {
    /** The shared instance (stateless). */
    public static final SamMasksFormat INSTANCE = new SamMasksFormat();

    private SamMasksFormat() {
    }

    @Override
    public Class<SamMasks> valueType() {
        return SamMasks.class;
    }

    @Override
    public String extension() {
        return "json";
    }

    @Override
    public SamMasks read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("value file " + file + " does not exist", e);
        }
        try {
            JsonElement root = JsonParser.parseString(text);
            JsonArray arr = array(root.isJsonObject() ? root.getAsJsonObject() : null, "points");
            List<MaskedQueryPoint> points = new ArrayList<>(arr.size());
            for (int i = 0; i < arr.size(); i++) {
                try {
                    points.add(point(arr.get(i)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("point " + i + ": " + e.getMessage(), e);
                }
            }
            return new SamMasks(points);
        } catch (JsonParseException | IllegalStateException | IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": not a sam_instance JSON file: " + e.getMessage(), e);
        }
    }

    private static JsonArray array(JsonObject o, String key) {
        if (o == null || !o.has(key) || !o.get(key).isJsonArray()) {
            throw new IllegalArgumentException("expected an object with a '" + key + "' array");
        }
        return o.getAsJsonArray(key);
    }

    private static int integer(JsonObject o, String key) {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new IllegalArgumentException("field '" + key + "' must be a number");
        }
        return e.getAsInt();
    }

    private static MaskedQueryPoint point(JsonElement e) {
        JsonObject o = e.isJsonObject() ? e.getAsJsonObject() : null;
        JsonArray arr = array(o, "instances");
        List<MaskedInstance> instances = new ArrayList<>(arr.size());
        for (int i = 0; i < arr.size(); i++) {
            try {
                instances.add(instance(arr.get(i)));
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("instance " + i + ": " + ex.getMessage(), ex);
            }
        }
        return new MaskedQueryPoint(integer(o, "y"), integer(o, "x"), instances);
    }

    private static MaskedInstance instance(JsonElement e) {
        JsonObject o = e.isJsonObject() ? e.getAsJsonObject() : null;
        JsonArray box = array(o, "box");
        if (box.size() != 4) {
            throw new IllegalArgumentException("field 'box' must hold 4 numbers, got " + box.size());
        }
        JsonArray rows = array(o, "mask");
        int size = rows.size();
        if (size == 0) {
            throw new IllegalArgumentException("field 'mask' has no rows");
        }
        boolean[] bits = new boolean[size * size];
        for (int r = 0; r < size; r++) {
            String row = rows.get(r).isJsonPrimitive() ? rows.get(r).getAsString() : "";
            if (row.length() != size || !row.matches("[01]*")) {
                throw new IllegalArgumentException("mask row " + r + " must be " + size + " characters 0 or 1");
            }
            for (int c = 0; c < size; c++) {
                bits[r * size + c] = row.charAt(c) == '1';
            }
        }
        return new MaskedInstance(box.get(0).getAsInt(), box.get(1).getAsInt(), box.get(2).getAsInt(),
                box.get(3).getAsInt(), BinaryMask.of(size, bits));
    }

    @Override
    public void write(SamMasks value, Path file) throws IOException {
        JsonArray points = new JsonArray();
        for (MaskedQueryPoint p : value.points()) {
            JsonObject po = new JsonObject();
            po.addProperty("y", p.y());
            po.addProperty("x", p.x());
            JsonArray instances = new JsonArray();
            for (MaskedInstance s : p.instances()) {
                JsonObject so = new JsonObject();
                JsonArray box = new JsonArray();
                box.add(s.xmin());
                box.add(s.ymin());
                box.add(s.xmax());
                box.add(s.ymax());
                so.add("box", box);
                JsonArray rows = new JsonArray();
                for (int r = 0; r < s.mask().size(); r++) {
                    rows.add(s.mask().row(r));
                }
                so.add("mask", rows);
                instances.add(so);
            }
            po.add("instances", instances);
            points.add(po);
        }
        JsonObject root = new JsonObject();
        root.add("points", points);
        String json = new GsonBuilder().setPrettyPrinting().create().toJson(root) + "\n";
        AtomicFiles.write(file, json.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Path show(SamMasks value, Path directory, String baseName) throws IOException {
        Path p = directory.resolve(baseName + ".json");
        write(value, p);
        return p;
    }
}
