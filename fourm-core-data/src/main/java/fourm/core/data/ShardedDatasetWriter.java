package fourm.core.data;

import fourm.api.ModalitySpec;
import fourm.api.io.AtomicFiles;
import fourm.core.io.ShardFormatException;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;

/**
 * Writes a pre-tokenized dataset: {@code root/<modality>/shard-00000.tar}, {@code shard-00001.tar}, ... with
 * {@code samplesPerShard} samples each and the same keys, in the same order, in every modality.
 *
 * <p>Given the modalities' specifications, the writer checks every file as {@link ShardedDatasetReader} will (token
 * ids against the layout's grid size or sequence and the vocabulary, text for sequences of ids only) and refuses one
 * the reader would skip.
 *
 * <p>Each shard is written under a temporary name ({@code .shard-00000.tar.tmp}) and renamed into place only when it
 * is complete, so a reader never sees a half-written shard; an interrupted writer leaves only temporary files behind.
 * The writer refuses to overwrite existing shards. {@link #finish()} completes the last shard and then writes each
 * modality folder's {@link DatasetManifest}, last: a folder without a manifest was left by a writer that did not
 * finish, and readers that require complete data refuse it. {@link #close()} without {@link #finish()} (an exception
 * in a try-with-resources block) writes no manifest.
 */
public final class ShardedDatasetWriter implements Closeable {
    /** The shard file name of index {@code i}. */
    public static String shardName(int i) {
        return String.format(Locale.ROOT, "shard-%05d.tar", i);
    }

    private final Path root;
    private final List<String> modalities;
    private final Map<String, ModalitySpec> specs;
    private final int samplesPerShard;
    private final Map<String, TarWriter> open = new LinkedHashMap<>();
    private final Map<String, Path> temps = new LinkedHashMap<>();
    private final Map<String, CRC32> crcs = new LinkedHashMap<>();
    private final Map<String, List<DatasetManifest.Shard>> manifests = new LinkedHashMap<>();
    private long samples;
    private final Set<String> keysInShard = new HashSet<>();
    private final List<Path> written = new ArrayList<>();
    private int shard;
    private int inShard;
    private boolean closed;
    private boolean failed;
    private boolean finished;

    /**
     * @param root            the dataset root (created if missing)
     * @param modalities      modality folder names; every sample must have a file for each
     * @param samplesPerShard samples per shard, &gt;= 1
     * @throws IOException if a folder cannot be created or already holds shards
     */
    public ShardedDatasetWriter(Path root, List<String> modalities, int samplesPerShard) throws IOException {
        this(root, modalities, Map.of(), samplesPerShard);
    }

    /**
     * A writer that checks every file against its modality's specification, as the reader will.
     *
     * @param root            the dataset root (created if missing)
     * @param specs           the modalities by key (folder name), in folder order
     * @param samplesPerShard samples per shard, &gt;= 1
     * @throws IOException if a folder cannot be created or already holds shards
     */
    public ShardedDatasetWriter(Path root, Map<String, ModalitySpec> specs, int samplesPerShard) throws IOException {
        this(root, List.copyOf(specs.keySet()), specs, samplesPerShard);
    }

    private ShardedDatasetWriter(Path root, List<String> modalities, Map<String, ModalitySpec> specs,
                                 int samplesPerShard) throws IOException {
        if (modalities.isEmpty() || new HashSet<>(modalities).size() != modalities.size()) {
            throw new IllegalArgumentException("modalities must be non-empty and distinct, got " + modalities);
        }
        if (samplesPerShard < 1) {
            throw new IllegalArgumentException("samplesPerShard must be >= 1, got " + samplesPerShard);
        }
        this.root = root;
        this.modalities = List.copyOf(modalities);
        this.specs = Map.copyOf(specs);
        this.samplesPerShard = samplesPerShard;
        for (String m : modalities) {
            if (!m.matches("[A-Za-z0-9_@.-]+")) {
                throw new IllegalArgumentException("modality folder '" + m + "' must be letters, digits, _ @ . -");
            }
            Path dir = root.resolve(m);
            Files.createDirectories(dir);
            manifests.put(m, new ArrayList<>());
            if (Files.exists(dir.resolve(DatasetManifest.FILE_NAME))) {
                throw new IOException(dir.resolve(DatasetManifest.FILE_NAME) + " already exists: " + dir
                        + " holds a complete dataset; write a dataset into empty modality folders");
            }
            try (var files = Files.list(dir)) {
                var existing = files.map(p -> p.getFileName().toString())
                        .filter(n -> ShardedDatasetReader.SHARD_NAME.matcher(n).matches()).findFirst();
                if (existing.isPresent()) {
                    throw new IOException(dir.resolve(existing.get()) + " already exists; write a dataset into"
                            + " empty modality folders");
                }
            }
        }
    }

    /**
     * Adds a sample.
     *
     * @param key   the sample key: letters, digits, {@code _} and {@code -}, unique within its shard
     * @param files one file per modality
     * @throws IllegalArgumentException for a bad key, a duplicate key, or missing or unknown modalities
     */
    public void write(String key, Map<String, SampleFile> files) throws IOException {
        if (closed) {
            throw new IllegalStateException("the writer is closed");
        }
        if (key == null || !key.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("sample key '" + key + "' must be letters, digits, _ and - (the key is"
                    + " the member name up to its first dot)");
        }
        if (!files.keySet().equals(new HashSet<>(modalities))) {
            throw new IllegalArgumentException("sample '" + key + "' has files for " + new TreeSet<>(files.keySet())
                    + ", expected exactly " + new TreeSet<>(modalities));
        }
        for (Map.Entry<String, ModalitySpec> e : specs.entrySet()) {
            SampleFile f = files.get(e.getKey());
            try {
                ShardedDatasetReader.decode(e.getValue(), f.extension(), f.bytes());
            } catch (ShardFormatException | IllegalArgumentException ex) {
                throw new IllegalArgumentException("sample '" + key + "' (" + e.getKey() + "): " + ex.getMessage(), ex);
            }
        }
        if (!keysInShard.add(key)) {
            throw new IllegalArgumentException("sample key '" + key + "' is already in " + shardName(shard));
        }
        try {
            if (open.isEmpty()) {
                openShard();
            }
            for (String m : modalities) {
                SampleFile f = files.get(m);
                open.get(m).add(key + "." + f.extension(), f.bytes());
            }
            if (++inShard == samplesPerShard) {
                closeShard();
            }
        } catch (IOException e) {
            String where = String.join(", ", temps.values().stream().map(Path::toString).toList());
            abort();
            throw new IOException("cannot write " + (where.isEmpty() ? "the shard " + shardName(shard) + " under "
                    + root : where) + ": " + e + " (is the disk full?)", e);
        } catch (RuntimeException e) {
            abort();
            throw e;
        }
    }

    /** Drops the shard being written: closes and deletes its temporary files; the writer is closed. */
    private void abort() {
        closed = true;
        failed = true;
        for (TarWriter w : open.values()) {
            try {
                w.close();
            } catch (IOException ignored) {
                // the file is deleted next
            }
        }
        for (Path temp : temps.values()) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // best effort: a leftover temporary file is never read as a shard
            }
        }
        open.clear();
        temps.clear();
    }

    private void openShard() throws IOException {
        for (String m : modalities) {
            Path temp = root.resolve(m).resolve("." + shardName(shard) + ".tmp");
            temps.put(m, temp);
            CRC32 crc = new CRC32();
            crcs.put(m, crc);
            open.put(m, new TarWriter(new BufferedOutputStream(new CheckedOutputStream(Files.newOutputStream(temp),
                    crc), 1 << 16)));
        }
    }

    private void closeShard() throws IOException {
        for (String m : modalities) {
            open.get(m).close();
        }
        for (String m : modalities) {
            Path target = root.resolve(m).resolve(shardName(shard));
            AtomicFiles.commit(temps.get(m), target);
            written.add(target);
            manifests.get(m).add(new DatasetManifest.Shard(target.getFileName().toString(), inShard,
                    Files.size(target), crcs.get(m).getValue()));
        }
        samples += inShard;
        open.clear();
        temps.clear();
        keysInShard.clear();
        inShard = 0;
        shard++;
    }

    /** The shard files renamed into place so far. */
    public List<Path> shards() {
        return List.copyOf(written);
    }

    /**
     * Completes the last, partial shard, then writes every modality folder's {@link DatasetManifest}; the writer is
     * closed.
     */
    public void finish() throws IOException {
        close();
        if (failed) {
            throw new IllegalStateException("the writer failed; no manifest is written");
        }
        if (!finished) {
            finished = true;
            for (Map.Entry<String, List<DatasetManifest.Shard>> e : manifests.entrySet()) {
                new DatasetManifest(e.getKey(), samples, e.getValue()).write(root.resolve(e.getKey()));
            }
        }
    }

    /**
     * Removes what a writer that did not finish left in {@code root}'s modality folders: the shard and temporary files
     * of every listed folder that has no {@link DatasetManifest}. A folder with a manifest is left alone. Call it only
     * while holding the folder's {@link fourm.core.io.OutputLock}, so that no running writer loses its files.
     *
     * @return the files removed
     */
    public static List<Path> clearUnfinished(Path root, List<String> modalities) throws IOException {
        List<Path> removed = new ArrayList<>();
        for (String m : modalities) {
            Path dir = root.resolve(m);
            if (!Files.isDirectory(dir) || Files.exists(dir.resolve(DatasetManifest.FILE_NAME))) {
                continue;
            }
            try (var files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                    String n = f.getFileName().toString();
                    if (ShardedDatasetReader.SHARD_NAME.matcher(n).matches() || n.startsWith(".") && n.endsWith(".tmp")) {
                        Files.delete(f);
                        removed.add(f);
                    }
                }
            }
        }
        return removed;
    }

    /** Completes the last, partial shard; writes no manifest (see {@link #finish()}). */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (!open.isEmpty()) {
            try {
                closeShard();
            } catch (IOException e) {
                String where = String.join(", ", temps.values().stream().map(Path::toString).toList());
                abort();
                throw new IOException("cannot write " + where + ": " + e + " (is the disk full?)", e);
            } catch (RuntimeException e) {
                abort();
                throw e;
            }
        }
    }
}
