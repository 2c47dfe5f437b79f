package fourm.vq;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The constructor arguments of a reference tokenizer, read with every problem collected: the one reader of a tokenizer
 * directory's {@value #CONFIG_FILE} ({@link ReferenceTokenizer} for the VQ-VAEs and a DiVAE's encoder side,
 * {@code fourm.vq.diffusion.DivaeCheckpoints} for a DiVAE's diffusion decoder), of a golden file's
 * {@code constructor_kwargs} and of the arguments fourm's own DiVAE checkpoints keep in their metadata.
 *
 * <p>Each typed read records a problem instead of failing ({@code 'key': expected an integer, got "8"},
 * {@code 'latent_dim': expected an integer, but it is missing}); {@link #check()} then throws one
 * {@link IllegalArgumentException} naming the file and every problem. A nested object ({@link #node}) shares its
 * parent's problems, its keys named by their path ({@code 'unet_tiny.patch_size'}). JSON {@code null} counts as
 * absent, as the reference's {@code None} defaults do.
 */
public final class ReferenceKwargs {
    /** The configuration file of a tokenizer directory. */
    public static final String CONFIG_FILE = "config.json";
    /** The weight files of a tokenizer directory, looked for in this order. */
    public static final List<String> WEIGHT_FILES = List.of("model.safetensors", "pytorch_model.bin", "model.pth",
            "model.pt");

    private final Path file;
    private final JsonObject o;
    private final String prefix;
    private final List<String> problems;

    private ReferenceKwargs(Path file, JsonObject o, String prefix, List<String> problems) {
        this.file = file;
        this.o = o;
        this.prefix = prefix;
        this.problems = problems;
    }

    /**
     * Arguments already parsed.
     *
     * @param file what the messages name (the file, or the checkpoint whose metadata holds them)
     * @param o    the arguments
     */
    public static ReferenceKwargs of(Path file, JsonObject o) {
        return of(file, o, "");
    }

    /**
     * Arguments already parsed that stand under a key of {@code file} (a metadata entry, say): messages name their
     * keys as {@code where + key}.
     */
    public static ReferenceKwargs of(Path file, JsonObject o, String where) {
        return new ReferenceKwargs(file, o, where, new ArrayList<>());
    }

    /**
     * Reads a JSON file of arguments.
     *
     * @throws NoSuchFileException      if the file is missing
     * @throws IllegalArgumentException naming the file if it is not valid JSON or not a JSON object
     */
    public static ReferenceKwargs read(Path file) throws IOException {
        return of(file, readObject(file));
    }

    /**
     * Reads a tokenizer directory's {@value #CONFIG_FILE}.
     *
     * @throws NoSuchFileException      if the directory or its config is missing
     * @throws IllegalArgumentException naming the file if it is not valid JSON or not a JSON object
     */
    public static ReferenceKwargs readDirectory(Path directory) throws IOException {
        return read(configIn(directory));
    }

    /** True when {@code path} is a directory holding a {@value #CONFIG_FILE}. */
    public static boolean isTokenizerDirectory(Path path) {
        return Files.isDirectory(path) && Files.isRegularFile(path.resolve(CONFIG_FILE));
    }

    /**
     * The {@value #CONFIG_FILE} of a tokenizer directory.
     *
     * @throws NoSuchFileException if the directory or the file is missing
     */
    public static Path configIn(Path directory) throws NoSuchFileException {
        if (!Files.isDirectory(directory)) {
            throw new NoSuchFileException(directory.toString(), null, "no such tokenizer directory");
        }
        Path file = directory.resolve(CONFIG_FILE);
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "a reference tokenizer directory holds "
                    + CONFIG_FILE + " (the constructor arguments) and " + WEIGHT_FILES.get(0));
        }
        return file;
    }

    /**
     * The weights of a tokenizer directory: the first of {@link #WEIGHT_FILES} present.
     *
     * @throws NoSuchFileException naming the directory and the files looked for if none is present
     */
    public static Path weightsIn(Path directory) throws NoSuchFileException {
        for (String w : WEIGHT_FILES) {
            Path p = directory.resolve(w);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new NoSuchFileException(directory.toString(), null, "the tokenizer directory holds no weights;"
                + " expected one of " + WEIGHT_FILES + " beside " + CONFIG_FILE);
    }

    /**
     * A JSON file holding one object.
     *
     * @throws IllegalArgumentException naming the file if it is not valid JSON or not a JSON object
     */
    public static JsonObject readObject(Path file) throws IOException {
        JsonElement e;
        try {
            e = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
        } catch (JsonParseException ex) {
            throw new IllegalArgumentException(file + ": not valid JSON: " + ex.getMessage(), ex);
        }
        if (!e.isJsonObject()) {
            throw new IllegalArgumentException(file + ": expected a JSON object of constructor arguments");
        }
        return e.getAsJsonObject();
    }

    /** What the messages name. */
    public Path file() {
        return file;
    }

    /** The arguments (live). */
    public JsonObject json() {
        return o;
    }

    /** The keys given (JSON {@code null} included). */
    public java.util.Set<String> keys() {
        return o.keySet();
    }

    /** True when {@code k} is given and not {@code null}. */
    public boolean has(String k) {
        return get(k) != null;
    }

    /** The value of {@code k}; {@code null} when absent or JSON {@code null}. */
    public JsonElement get(String k) {
        JsonElement e = o.get(k);
        return e == null || e.isJsonNull() ? null : e;
    }

    /** The key as messages name it (with the path of a nested node). */
    public String name(String k) {
        return prefix + k;
    }

    /** Records that {@code k} is not what was expected ({@code got} null: it is missing). */
    public void bad(String k, String expected, JsonElement got) {
        problems.add("'" + name(k) + "': expected " + expected + (got == null ? ", but it is missing"
                : ", got " + got));
    }

    /** Records a problem of {@code k} in other words: {@code 'k': what}. */
    public void bad(String k, String what) {
        problems.add("'" + name(k) + "': " + what);
    }

    /** Records a problem that is not one key's. */
    public void problem(String what) {
        problems.add(what);
    }

    /** The problems so far. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /**
     * Throws if any read recorded a problem.
     *
     * @throws IllegalArgumentException {@code FILE: N problems in the tokenizer config:} and one line each
     */
    public void check() {
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(file + ": " + problems.size() + " problem"
                    + (problems.size() == 1 ? "" : "s") + " in the tokenizer config:\n  "
                    + String.join("\n  ", problems));
        }
    }

    /** An integer; {@code null} when absent (a problem when {@code required}) or not an integer. */
    public Integer integer(String k, boolean required) {
        JsonElement e = get(k);
        if (e == null) {
            if (required) {
                bad(k, "an integer", null);
            }
            return null;
        }
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            double d = e.getAsDouble();
            if (d == Math.rint(d) && Math.abs(d) < Integer.MAX_VALUE) {
                return (int) d;
            }
        }
        // the reference's codebook_size may be written as a string of digits
        if (k.equals("codebook_size") && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()
                && e.getAsString().matches("\\d{1,9}")) {
            return Integer.parseInt(e.getAsString());
        }
        bad(k, "an integer", e);
        return null;
    }

    /** An integer, {@code fallback} when absent (or not an integer, which is recorded). */
    public int integer(String k, int fallback) {
        Integer v = integer(k, false);
        return v == null ? fallback : v;
    }

    /** A string, {@code fallback} when absent (or not a string, which is recorded). */
    public String string(String k, String fallback) {
        JsonElement e = get(k);
        if (e == null) {
            return fallback;
        }
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
            return e.getAsString();
        }
        bad(k, "a string", e);
        return fallback;
    }

    /** A string that must be given; {@code null} (recorded) when it is not. */
    public String requiredString(String k) {
        String s = string(k, null);
        if (s == null && get(k) == null) {
            bad(k, "a string", null);
        }
        return s;
    }

    /** {@code true} or {@code false}, {@code fallback} when absent (or not a boolean, which is recorded). */
    public boolean bool(String k, boolean fallback) {
        JsonElement e = get(k);
        if (e == null) {
            return fallback;
        }
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean()) {
            return e.getAsBoolean();
        }
        bad(k, "true or false", e);
        return fallback;
    }

    /** A number, {@code fallback} when absent (or not a number, which is recorded). */
    public double number(String k, double fallback) {
        JsonElement e = get(k);
        if (e == null) {
            return fallback;
        }
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            return e.getAsDouble();
        }
        bad(k, "a number", e);
        return fallback;
    }

    /** A list of integers that must be given; empty (recorded) when it is missing or not one. */
    public List<Integer> ints(String k) {
        JsonElement e = get(k);
        List<Integer> out = new ArrayList<>();
        if (e != null && e.isJsonArray()) {
            for (JsonElement x : e.getAsJsonArray()) {
                if (x.isJsonPrimitive() && x.getAsJsonPrimitive().isNumber()
                        && x.getAsDouble() == Math.rint(x.getAsDouble())) {
                    out.add(x.getAsInt());
                } else {
                    bad(k, "a list of integers", e);
                    return List.of();
                }
            }
            return out;
        }
        bad(k, "a list of integers", e);
        return out;
    }

    /**
     * A nested object of arguments sharing this reader's problems; empty when absent (a problem when
     * {@code required}: {@code why} says what needs it) or not an object (recorded).
     */
    public Optional<ReferenceKwargs> node(String k, boolean required, String why) {
        JsonElement e = get(k);
        if (e == null) {
            if (required) {
                bad(k, "an object" + (why.isEmpty() ? "" : " (" + why + ")"), null);
            }
            return Optional.empty();
        }
        if (!e.isJsonObject()) {
            bad(k, "an object", e);
            return Optional.empty();
        }
        return Optional.of(new ReferenceKwargs(file, e.getAsJsonObject(), prefix + k + ".", problems));
    }
}
