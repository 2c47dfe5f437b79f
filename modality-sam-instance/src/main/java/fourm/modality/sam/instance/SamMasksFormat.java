package fourm.modality.sam.instance;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import fourm.vq.modality.JsonValueFormat;

/**
 * {@link SamMasks} as a JSON file a person can read, each mask as its rows of {@code 0} and {@code 1}:
 * <pre>
 * {"points": [{"y": 10, "x": 20, "instances": [{"box": [xmin, ymin, xmax, ymax],
 *                                               "mask": ["0011...", ... one string per row]}]}]}
 * </pre>
 * Reading is strict: errors name the file, the point, the instance and the field.
 */
public final class SamMasksFormat extends JsonValueFormat<SamMasks> {
    /** The shared instance (stateless). */
    public static final SamMasksFormat INSTANCE = new SamMasksFormat();

    private SamMasksFormat() {
        super(SamMasks.class, "a sam_instance JSON file");
    }

    @Override
    protected SamMasks fromJson(JsonElement json) {
        return new SamMasks(each(array(object(json), "points"), "point", SamMasksFormat::point));
    }

    private static MaskedQueryPoint point(JsonElement e) {
        JsonObject o = object(e);
        return new MaskedQueryPoint(number(o, "y").getAsInt(), number(o, "x").getAsInt(),
                each(array(o, "instances"), "instance", SamMasksFormat::instance));
    }

    private static MaskedInstance instance(JsonElement e) {
        JsonObject o = object(e);
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
    protected JsonElement toJson(SamMasks value) {
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
        return root;
    }
}
