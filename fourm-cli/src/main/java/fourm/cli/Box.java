package fourm.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import fourm.api.label.LabelResult;
import java.util.ArrayList;
import java.util.List;

/**
 * One detected box of a generated value, read from the value's label JSON (spec §9:
 * {@code {"instances":[{"boxes":[xmin,ymin,xmax,ymax],"class_name":..,"score":..}]}}), so that the command line draws
 * the boxes of any plugin whose values are {@link LabelResult}s without depending on that plugin.
 *
 * @param score null when the detection has no score (boxes read back from tokens)
 */
record Box(double xmin, double ymin, double xmax, double ymax, String className, Double score) {

    /** Whether the label's JSON is a detections document (an {@code instances} array). */
    static boolean isDetections(LabelResult label) {
        JsonElement e = JsonParser.parseString(label.toJson());
        return e.isJsonObject() && e.getAsJsonObject().has("instances")
                && e.getAsJsonObject().get("instances").isJsonArray();
    }

    /** The boxes of a detections label, in its order. */
    static List<Box> read(LabelResult label) {
        JsonArray instances = JsonParser.parseString(label.toJson()).getAsJsonObject().getAsJsonArray("instances");
        List<Box> out = new ArrayList<>();
        for (JsonElement e : instances) {
            JsonObject o = e.getAsJsonObject();
            JsonArray b = o.getAsJsonArray("boxes");
            out.add(new Box(b.get(0).getAsDouble(), b.get(1).getAsDouble(), b.get(2).getAsDouble(),
                    b.get(3).getAsDouble(), o.get("class_name").getAsString(),
                    o.has("score") ? o.get("score").getAsDouble() : null));
        }
        return out;
    }
}
