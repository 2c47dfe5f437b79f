package fourm.modality.pose;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import fourm.vq.modality.JsonValueFormat;
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
public final class SmplHumansFormat extends JsonValueFormat<SmplHumans> {
    /** The shared instance (stateless). */
    public static final SmplHumansFormat INSTANCE = new SmplHumansFormat();

    private SmplHumansFormat() {
        super(SmplHumans.class, "a human_poses JSON file");
    }

    @Override
    protected SmplHumans fromJson(JsonElement json) {
        return new SmplHumans(each(array(object(json), "humans"), "human", SmplHumansFormat::human));
    }

    private static SmplHuman human(JsonElement e) {
        JsonObject o = object(e);
        List<Double> box = numbers(o, "box", 4);
        return new SmplHuman(box.get(0), box.get(1), box.get(2), box.get(3),
                numbers(o, "body_pose", SmplHuman.BODY_POSE), numbers(o, "global_orient", 9), numbers(o, "camera", 3),
                numbers(o, "betas", 10));
    }

    private static List<Double> numbers(JsonObject o, String key, int size) {
        JsonArray a = array(o, key);
        if (a.size() != size) {
            throw new IllegalArgumentException("field '" + key + "' must hold " + size + " numbers, got " + a.size());
        }
        List<Double> out = new ArrayList<>(size);
        for (JsonElement v : a) {
            if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber()) {
                throw new IllegalArgumentException("field '" + key + "' holds " + v + ", not a number");
            }
            out.add(v.getAsDouble());
        }
        return out;
    }

    @Override
    protected JsonElement toJson(SmplHumans value) {
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
        return root;
    }

    private static JsonArray array(List<Double> values) {
        JsonArray a = new JsonArray();
        values.forEach(a::add);
        return a;
    }
}
