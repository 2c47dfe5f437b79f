package fourm.core.data;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import fourm.api.io.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * The manifest of one modality folder of a dataset, {@code <root>/<modality>/manifest.json}: the shard files with
 * their sample counts, sizes and CRC-32s, and the folder's sample count. {@link ShardedDatasetWriter#finish()}
 * writes it last, after every shard is in place, so a folder without one was left by a run that did not finish (killed,
 * failed, disk full) and is refused by {@link #requireComplete}.
 *
 * @param modality the modality folder's name
 * @param samples  samples of the folder
 * @param shards   its shard files, in order
 */
public record DatasetManifest(String modality, long samples, List<Shard> shards) {
    /** The manifest's file name inside a modality folder. */
    public static final String FILE_NAME = "manifest.json";
    /** The format marker written into every manifest. */
    public static final String FORMAT = "fourm-dataset-manifest/1";

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    /**
     * One shard file.
     *
     * @param name    its file name ({@code shard-00000.tar})
     * @param samples samples in it
     * @param bytes   its size
     * @param crc32   CRC-32 of its bytes
     */
    public record Shard(String name, long samples, long bytes, long crc32) {
    }

    /** Copies the list. */
    public DatasetManifest {
        shards = List.copyOf(shards);
    }

    /** Writes {@code dir/manifest.json} under a temporary name, then renames it into place. */
    public void write(Path dir) throws IOException {
        JsonObject o = new JsonObject();
        o.addProperty("format", FORMAT);
        o.addProperty("modality", modality);
        o.addProperty("samples", samples);
        JsonArray list = new JsonArray();
        for (Shard s : shards) {
            JsonObject j = new JsonObject();
            j.addProperty("name", s.name());
            j.addProperty("samples", s.samples());
            j.addProperty("bytes", s.bytes());
            j.addProperty("crc32", s.crc32());
            list.add(j);
        }
        o.add("shards", list);
        AtomicFiles.writeString(dir.resolve(FILE_NAME), GSON.toJson(o) + "\n");
    }

    /**
     * Reads {@code dir/manifest.json}; empty when there is none.
     *
     * @throws IncompleteDatasetException if the file is not a manifest
     */
    public static Optional<DatasetManifest> read(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            JsonObject o = JsonParser.parseString(text).getAsJsonObject();
            if (!FORMAT.equals(o.get("format").getAsString())) {
                throw new IncompleteDatasetException(file + ": format '" + o.get("format").getAsString()
                        + "', expected '" + FORMAT + "'");
            }
            List<Shard> shards = new ArrayList<>();
            for (JsonElement e : o.getAsJsonArray("shards")) {
                JsonObject j = e.getAsJsonObject();
                shards.add(new Shard(j.get("name").getAsString(), j.get("samples").getAsLong(),
                        j.get("bytes").getAsLong(), j.get("crc32").getAsLong()));
            }
            return Optional.of(new DatasetManifest(o.get("modality").getAsString(), o.get("samples").getAsLong(),
                    shards));
        } catch (JsonParseException | IllegalStateException | NullPointerException | UnsupportedOperationException
                 | ClassCastException e) {
            if (e instanceof IncompleteDatasetException ide) {
                throw ide;
            }
            throw new IncompleteDatasetException(file + " is not a dataset manifest (expected a JSON object with"
                    + " format, modality, samples and shards): " + e.getMessage().replaceAll(
                    "\\s*See https?://\\S+", ""));
        }
    }

    /**
     * Checks that every listed modality folder of {@code root} is complete: it has a manifest, the shard files it
     * lists exist with their sizes, no other shard file is there, and every folder holds the same number of samples.
     *
     * @return the manifests, in the order of {@code modalities}
     * @throws IncompleteDatasetException naming the folder and what is missing
     */
    public static List<DatasetManifest> requireComplete(Path root, Collection<String> modalities) throws IOException {
        List<DatasetManifest> out = new ArrayList<>();
        for (String m : modalities) {
            Path dir = root.resolve(m);
            if (!Files.isDirectory(dir)) {
                throw new NoSuchFileException(dir.toString(), null, "modality folder of '" + m
                        + "' is missing under the dataset root " + root);
            }
            Optional<DatasetManifest> found = read(dir);
            if (found.isEmpty()) {
                throw new IncompleteDatasetException("incomplete dataset: " + dir + " has no " + FILE_NAME
                        + " (written last by fourm pretokenize and fourm pretokenize-ids): the run that wrote it did"
                        + " not finish" + leftovers(dir) + "; write this modality again (the same command removes the"
                        + " unfinished files), or check it with fourm data check " + root);
            }
            DatasetManifest man = found.get();
            TreeSet<String> onDisk = shardFiles(dir);
            for (Shard s : man.shards()) {
                Path f = dir.resolve(s.name());
                if (!Files.isRegularFile(f)) {
                    throw new IncompleteDatasetException("incomplete dataset: " + f + " is listed in " + dir.resolve(
                            FILE_NAME) + " but missing");
                }
                long size = Files.size(f);
                if (size != s.bytes()) {
                    throw new IncompleteDatasetException("corrupt dataset: " + f + " has " + size + " bytes, "
                            + dir.resolve(FILE_NAME) + " says " + s.bytes() + " (truncated or replaced)");
                }
                onDisk.remove(s.name());
            }
            if (!onDisk.isEmpty()) {
                throw new IncompleteDatasetException("mixed dataset: " + dir + " holds shard files its " + FILE_NAME
                        + " does not list: " + onDisk + " (written by another run?)");
            }
            out.add(man);
        }
        for (DatasetManifest man : out) {
            if (man.samples() != out.get(0).samples()) {
                throw new IncompleteDatasetException("inconsistent dataset " + root + ": " + man.modality() + " has "
                        + man.samples() + " samples, " + out.get(0).modality() + " has " + out.get(0).samples()
                        + " (every modality must hold the same samples)");
            }
        }
        return out;
    }

    /** CRC-32 of a file's bytes. */
    public static long crc32(Path file) throws IOException {
        CRC32 crc = new CRC32();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                crc.update(buf, 0, n);
            }
        }
        return crc.getValue();
    }

    /** The shard files of a modality folder. */
    static TreeSet<String> shardFiles(Path dir) throws IOException {
        TreeSet<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString()).filter(n -> ShardedDatasetReader.SHARD_NAME.matcher(n)
                    .matches()).forEach(names::add);
        }
        return names;
    }

    private static String leftovers(Path dir) throws IOException {
        int shards = shardFiles(dir).size();
        long temps;
        try (Stream<Path> files = Files.list(dir)) {
            temps = files.filter(p -> p.getFileName().toString().endsWith(".tmp")).count();
        }
        return " (" + shards + " shard file" + (shards == 1 ? "" : "s") + (temps > 0 ? ", " + temps
                + " temporary file" + (temps == 1 ? "" : "s") : "") + " left)";
    }
}
