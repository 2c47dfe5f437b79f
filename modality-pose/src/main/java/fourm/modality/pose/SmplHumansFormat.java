package fourm.modality.pose;

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
 * {@link SmplHumans} as a JSON file a person can read:
 * <pre>
 * {"humans": [{"box": [xmin, ymin, xmax, ymax], "body_pose": [207 numbers], "global_orient": [9],
 *              "camera": [3], "betas": [10]}, ...]}
 * </pre>
 * Numbers are written exactly (a file read back gives the same value). Reading is strict: errors name the file, the
 * person and the field.
 */
public final class SmplHumansFormat implements ValueFormat<SmplHumans> {
    /** The shared instance (stateless). */
    public static final SmplHumansFormat INSTANCE = new SmplHumansFormat();

    private SmplHumansFormat() {
    }

    @Override
    public Class<SmplHumans> valueType() {
        return SmplHumans.class;
    }

    @Override
    public String extension() {
        return "json";
    }

    @Override
    public SmplHumans read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("value file " + file + " does not exist", e);
        }
        try {
            JsonElement root = JsonParser.parseString(text);
            if (!root.isJsonObject() || !root.getAsJsonObject().has("humans")
                    || !root.getAsJsonObject().get("humans").isJsonArray()) {
                throw new IllegalArgumentException("expected an object with a 'humans' array");
            }
            JsonArray arr = root.getAsJsonObject().getAsJsonArray("humans");
            List<SmplHuman> humans = new ArrayList<>(arr.size());
            for (int i = 0; i < arr.size(); i++) {
                try {
                    humans.add(human(arr.get(i)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("human " + i + ": " + e.getMessage(), e);
                }
            }
            return new SmplHumans(humans);
        } catch (JsonParseException | IllegalStateException | IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": not a human_poses JSON file: " + e.getMessage(), e);
        }
    }

    private static SmplHuman human(JsonElement e) {
        if (!e.isJsonObject()) {
            throw new IllegalArgumentException("expected an object");
        }
        JsonObject o = e.getAsJsonObject();
        List<Double> box = numbers(o, "box", 4);
        return new SmplHuman(box.get(0), box.get(1), box.get(2), box.get(3),
                numbers(o, "body_pose", SmplHuman.BODY_POSE), numbers(o, "global_orient", 9), numbers(o, "camera", 3),
                numbers(o, "betas", 10));
    }

    private static List<Double> numbers(JsonObject o, String key, int size) {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonArray() || e.getAsJsonArray().size() != size) {
            throw new IllegalArgumentException("field '" + key + "' must be an array of " + size + " numbers");
        }
        List<Double> out = new ArrayList<>(size);
        for (JsonElement v : e.getAsJsonArray()) {
            if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber()) {
                throw new IllegalArgumentException("field '" + key + "' holds " + v + ", not a number");
            }
            out.add(v.getAsDouble());
        }
        return out;
    }

    @Override
    public void write(SmplHumans value, Path file) throws IOException {
        JsonArray arr = new JsonArray();
        for (SmplHuman h : value.humans()) {
            JsonObject o = new JsonObject();
            o.add("box", array(List.of(h.xmin(), h.ymin(), h.xmax(), h.ymax())));
            o.add("body_pose", array(h.bodyPose()));
            o.add("global_orient", array(h.globalOrient()));
            o.add("camera", array(h.camera()));
            o.add("betas", array(h.betas()));
            arr.add(o);
        }
        JsonObject root = new JsonObject();
        root.add("humans", arr);
        String json = new GsonBuilder().setPrettyPrinting().create().toJson(root) + "\n";
        AtomicFiles.write(file, json.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonArray array(List<Double> values) {
        JsonArray a = new JsonArray();
        values.forEach(a::add);
        return a;
    }

    @Override
    public Path show(SmplHumans value, Path directory, String baseName) throws IOException {
        Path p = directory.resolve(baseName + ".json");
        write(value, p);
        return p;
    }
}
