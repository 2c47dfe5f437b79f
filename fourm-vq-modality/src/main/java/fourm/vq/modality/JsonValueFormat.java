package fourm.vq.modality;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import fourm.api.ValueFormat;
import fourm.api.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A {@link ValueFormat} that keeps one value per pretty-printed JSON file ({@code .json}), for values a person reads
 * as structure (people with their body poses, instances with their masks). Subclasses map a value to a JSON element
 * and back; this class reads and writes the files (written atomically) and turns every parse or content error into
 * an {@link IllegalArgumentException} naming the file. The helpers name the field that is wrong.
 *
 * @param <V> the value type
 */
public abstract class JsonValueFormat<V> implements ValueFormat<V> {
    private final Class<V> type;
    private final String what;

    /**
     * A format of values of {@code type}.
     *
     * @param what what a file holds, for messages ({@code a human_poses JSON file})
     */
    protected JsonValueFormat(Class<V> type, String what) {
        this.type = type;
        this.what = what;
    }

    /**
     * The value a file's JSON holds.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    protected abstract V fromJson(JsonElement json);

    /** The JSON of a value. */
    protected abstract JsonElement toJson(V value);

    @Override
    public Class<V> valueType() {
        return type;
    }

    @Override
    public String extension() {
        return "json";
    }

    @Override
    public V read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("value file " + file + " does not exist", e);
        }
        try {
            return fromJson(JsonParser.parseString(text));
        } catch (JsonParseException | IllegalStateException | UnsupportedOperationException
                 | IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": not " + what + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void write(V value, Path file) throws IOException {
        String json = new GsonBuilder().setPrettyPrinting().create().toJson(toJson(value)) + "\n";
        AtomicFiles.write(file, json.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Path show(V value, Path directory, String baseName) throws IOException {
        Path p = directory.resolve(baseName + ".json");
        write(value, p);
        return p;
    }

    /**
     * The object {@code e}.
     *
     * @throws IllegalArgumentException if it is not one
     */
    protected static JsonObject object(JsonElement e) {
        if (e == null || !e.isJsonObject()) {
            throw new IllegalArgumentException("expected an object, got " + e);
        }
        return e.getAsJsonObject();
    }

    /**
     * The array under {@code key}.
     *
     * @throws IllegalArgumentException naming the key
     */
    protected static JsonArray array(JsonObject o, String key) {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonArray()) {
            throw new IllegalArgumentException("field '" + key + "' must be an array");
        }
        return e.getAsJsonArray();
    }

    /**
     * The number under {@code key}.
     *
     * @throws IllegalArgumentException naming the key
     */
    protected static JsonElement number(JsonObject o, String key) {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new IllegalArgumentException("field '" + key + "' must be a number");
        }
        return e;
    }

    /**
     * Each element of an array read by {@code item}; an error names the element ({@code "human 2: ..."}).
     *
     * @param label what an element is, for messages
     */
    protected static <T> List<T> each(JsonArray a, String label, Function<JsonElement, T> item) {
        List<T> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            try {
                out.add(item.apply(a.get(i)));
            } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException e) {
                throw new IllegalArgumentException(label + " " + i + ": " + e.getMessage(), e);
            }
        }
        return out;
    }
}
