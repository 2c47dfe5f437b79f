package fourm.tfjs;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.proto.GraphDef;

/**
 * The parsed {@code model.json} of a TF.js graph model: the topology (a GraphDef in proto3 JSON), the weights manifest
 * and the signature's input and output names.
 */
final class ModelJson {
    /** One weight of the manifest, in file order. */
    record WeightSpec(String name, long[] shape, String dtype, Quantization quantization) {
        long elements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    /** How a weight is stored when it is quantised; null fields are absent. */
    record Quantization(String dtype, Float min, Float scale, String originalDtype) {
    }

    /** One group of the manifest: the files holding it, concatenated, and its weights in order. */
    record Group(List<Path> files, List<WeightSpec> weights) {
    }

    final Path file;
    final GraphDef.Builder graph;
    final List<Group> groups;
    /**
     * Signature inputs and outputs: graph tensor name (each entry's {@code name}, e.g. {@code Identity:0}, not its
     * alias) to dtype name; empty if there is none.
     */
    final Map<String, String> inputs;
    final Map<String, String> outputs;

    private ModelJson(Path file, GraphDef.Builder graph, List<Group> groups, Map<String, String> inputs,
                      Map<String, String> outputs) {
        this.file = file;
        this.graph = graph;
        this.groups = groups;
        this.inputs = inputs;
        this.outputs = outputs;
    }

    static ModelJson read(Path file) {
        JsonObject root;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            JsonElement e = JsonParser.parseReader(r);
            if (!e.isJsonObject()) {
                throw new TfjsModelException(file, "expected a JSON object (a TF.js model.json), got "
                        + kind(e));
            }
            root = e.getAsJsonObject();
        } catch (NoSuchFileException e) {
            throw new TfjsModelException(file, null, "the model file does not exist", e);
        } catch (IOException e) {
            throw new TfjsModelException(file, null, "cannot be read: " + e.getMessage(), e);
        } catch (JsonParseException e) {
            throw new TfjsModelException(file, null, "is not valid JSON: " + e.getMessage(), e);
        }
        String format = optString(file, root, "format");
        if (format != null && !format.equals("graph-model")) {
            throw new TfjsModelException(file, "format is '" + format
                    + "'; only TF.js graph models (format \"graph-model\") can be loaded, not layers models");
        }
        JsonObject topology = object(file, root, "modelTopology");
        if (!topology.has("node")) {
            throw new TfjsModelException(file, "modelTopology has no 'node' list; expected a TensorFlow GraphDef"
                    + " (a layers model's topology is not supported)");
        }
        GraphDef.Builder graph = GraphDef.newBuilder();
        try {
            JsonFormat.parser().merge(topology.toString(), graph);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw new TfjsModelException(file, null, "modelTopology is not a TensorFlow GraphDef in proto3 JSON: "
                    + e.getMessage(), e);
        }
        List<Group> groups = new ArrayList<>();
        JsonElement manifest = root.get("weightsManifest");
        if (manifest == null || !manifest.isJsonArray()) {
            throw new TfjsModelException(file, "expected a 'weightsManifest' array, got " + kind(manifest));
        }
        Path dir = file.toAbsolutePath().getParent();
        int g = 0;
        for (JsonElement ge : manifest.getAsJsonArray()) {
            String where = "weightsManifest[" + g++ + "]";
            if (!ge.isJsonObject()) {
                throw new TfjsModelException(file, where + " must be an object, got " + kind(ge));
            }
            JsonObject go = ge.getAsJsonObject();
            List<Path> files = new ArrayList<>();
            for (JsonElement p : array(file, go, "paths", where)) {
                if (!p.isJsonPrimitive() || !p.getAsJsonPrimitive().isString()) {
                    throw new TfjsModelException(file, where + ".paths must hold file names, got " + kind(p));
                }
                Path f = dir.resolve(p.getAsString()).normalize();
                if (!f.startsWith(dir)) {
                    throw new TfjsModelException(file, where + ".paths names '" + p.getAsString()
                            + "', which is outside the model's folder " + dir);
                }
                files.add(f);
            }
            List<WeightSpec> weights = new ArrayList<>();
            int w = 0;
            for (JsonElement we : array(file, go, "weights", where)) {
                weights.add(weight(file, we, where + ".weights[" + w++ + "]"));
            }
            groups.add(new Group(List.copyOf(files), List.copyOf(weights)));
        }
        Map<String, String> inputs = new LinkedHashMap<>();
        Map<String, String> outputs = new LinkedHashMap<>();
        if (root.has("signature") && root.get("signature").isJsonObject()) {
            JsonObject sig = root.getAsJsonObject("signature");
            signature(sig, "inputs", inputs);
            signature(sig, "outputs", outputs);
        }
        return new ModelJson(file, graph, List.copyOf(groups), Map.copyOf(inputs), Map.copyOf(outputs));
    }

    private static void signature(JsonObject sig, String key, Map<String, String> into) {
        if (!sig.has(key) || !sig.get(key).isJsonObject()) {
            return;
        }
        // Keys are aliases (e.g. "output_0"); each entry's "name" is the graph tensor (e.g. "Identity:0").
        for (Map.Entry<String, JsonElement> e : sig.getAsJsonObject(key).entrySet()) {
            JsonObject entry = e.getValue().isJsonObject() ? e.getValue().getAsJsonObject() : new JsonObject();
            String dtype = entry.has("dtype") ? entry.get("dtype").getAsString() : "";
            String tensor = entry.has("name") ? entry.get("name").getAsString() : e.getKey();
            into.put(tensor, dtype);
        }
    }

    private static WeightSpec weight(Path file, JsonElement we, String where) {
        if (!we.isJsonObject()) {
            throw new TfjsModelException(file, where + " must be an object, got " + kind(we));
        }
        JsonObject o = we.getAsJsonObject();
        String name = optString(file, o, "name");
        if (name == null || name.isEmpty()) {
            throw new TfjsModelException(file, where + " has no 'name'");
        }
        String dtype = optString(file, o, "dtype");
        if (dtype == null) {
            throw new TfjsModelException(file, name, "the manifest entry has no 'dtype'");
        }
        JsonArray shapeArr = array(file, o, "shape", "weight '" + name + "'");
        long[] shape = new long[shapeArr.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonElement d = shapeArr.get(i);
            long v;
            try {
                v = d.getAsLong();
            } catch (RuntimeException e) {
                throw new TfjsModelException(file, name, "shape entry " + i + " is " + d
                        + "; expected a non-negative integer");
            }
            if (v < 0) {
                throw new TfjsModelException(file, name, "shape entry " + i + " is " + v
                        + "; expected a non-negative integer");
            }
            shape[i] = v;
        }
        Quantization q = null;
        if (o.has("quantization") && !o.get("quantization").isJsonNull()) {
            if (!o.get("quantization").isJsonObject()) {
                throw new TfjsModelException(file, name, "'quantization' must be an object");
            }
            JsonObject qo = o.getAsJsonObject("quantization");
            q = new Quantization(optString(file, qo, "dtype"), optFloat(file, name, qo, "min"),
                    optFloat(file, name, qo, "scale"), optString(file, qo, "original_dtype"));
        }
        return new WeightSpec(name, shape, dtype, q);
    }

    private static Float optFloat(Path file, String name, JsonObject o, String key) {
        if (!o.has(key) || o.get(key).isJsonNull()) {
            return null;
        }
        try {
            return o.get(key).getAsFloat();
        } catch (RuntimeException e) {
            throw new TfjsModelException(file, name, "quantization." + key + " is " + o.get(key)
                    + "; expected a number");
        }
    }

    private static String optString(Path file, JsonObject o, String key) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new TfjsModelException(file, "'" + key + "' must be a string, got " + kind(e));
        }
        return e.getAsString();
    }

    private static JsonObject object(Path file, JsonObject o, String key) {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonObject()) {
            throw new TfjsModelException(file, "expected an object '" + key + "', got " + kind(e));
        }
        return e.getAsJsonObject();
    }

    private static JsonArray array(Path file, JsonObject o, String key, String where) {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonArray()) {
            throw new TfjsModelException(file, where + " needs an array '" + key + "', got " + kind(e));
        }
        return e.getAsJsonArray();
    }

    private static String kind(JsonElement e) {
        if (e == null) {
            return "nothing";
        }
        if (e.isJsonNull()) {
            return "null";
        }
        if (e.isJsonArray()) {
            return "an array";
        }
        if (e.isJsonObject()) {
            return "an object";
        }
        return "the value " + e;
    }
}
