package fourm.core.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Decides what to do with a modality folder that holds shards but no {@link DatasetManifest}: a dataset written before
 * manifests existed, or the leftovers of a writer that did not finish. Such a folder is adopted (its manifest written)
 * only when it is exactly what the run would write: no temporary files, shard files {@code shard-00000.tar} up to the
 * last one with none missing, every shard a complete tar whose members are the run's sample keys, in the run's order,
 * {@code samplesPerShard} to a shard. Anything else (a killed run's {@code .tmp} files, a shard cut short, fewer keys
 * than the input holds because the run stopped early) is not adopted, and the caller removes and writes it again.
 */
public final class DatasetAdoption {
    private DatasetAdoption() {
    }

    /**
     * What {@link #verify(Path, List, int)} decided.
     *
     * @param manifest the manifest to write ({@link DatasetManifest#write(Path)}), when the folder is adoptable
     * @param reason   why the folder was not adopted, when it was not
     */
    public record Result(Optional<DatasetManifest> manifest, String reason) {
        /** True when the folder is adoptable. */
        public boolean adoptable() {
            return manifest.isPresent();
        }
    }

    /**
     * Verifies a folder without a manifest against the samples a run writes and, when every shard matches, makes its
     * manifest (sizes, CRC-32s, counts of the files as they are); the caller writes it.
     *
     * @param dir             the modality folder
     * @param keys            the sample keys the run writes, in order
     * @param samplesPerShard samples per shard of the run
     * @return the manifest to write, or why the folder is not adoptable
     * @throws IOException if the folder cannot be listed
     */
    public static Result verify(Path dir, List<String> keys, int samplesPerShard) throws IOException {
        if (samplesPerShard < 1) {
            throw new IllegalArgumentException("samplesPerShard must be >= 1, got " + samplesPerShard);
        }
        if (!Files.isDirectory(dir)) {
            return no(dir + " does not exist");
        }
        if (Files.exists(dir.resolve(DatasetManifest.FILE_NAME))) {
            return no(dir + " already has a " + DatasetManifest.FILE_NAME);
        }
        try (Stream<Path> files = Files.list(dir)) {
            Optional<Path> tmp = files.filter(p -> p.getFileName().toString().endsWith(".tmp")).findFirst();
            if (tmp.isPresent()) {
                return no("an unfinished write left " + tmp.get());
            }
        }
        TreeSet<String> shards = DatasetManifest.shardFiles(dir);
        int expectedShards = (keys.size() + samplesPerShard - 1) / samplesPerShard;
        if (shards.isEmpty()) {
            return no(dir + " holds no shard");
        }
        if (keys.isEmpty()) {
            return no("the run has no sample to compare " + dir + " with");
        }
        for (int i = 0; i < Math.max(expectedShards, shards.size()); i++) {
            String name = ShardedDatasetWriter.shardName(i);
            if (i >= expectedShards) {
                return no(dir.resolve(shards.last()) + " is more than the " + expectedShards + " shard file(s) of "
                        + keys.size() + " samples at " + samplesPerShard + " a shard");
            }
            if (!shards.contains(name)) {
                return no(dir.resolve(name) + " is missing (" + shards.size() + " of " + expectedShards
                        + " shard files)");
            }
        }
        List<DatasetManifest.Shard> listed = new ArrayList<>();
        for (int i = 0; i < expectedShards; i++) {
            String name = ShardedDatasetWriter.shardName(i);
            Path file = dir.resolve(name);
            List<String> want = keys.subList(i * samplesPerShard, Math.min(keys.size(), (i + 1) * samplesPerShard));
            List<String> got = new ArrayList<>();
            try (TarReader tar = new TarReader(new BufferedInputStream(Files.newInputStream(file), 1 << 16),
                    file.toString())) {
                for (TarReader.Entry e; (e = tar.next()) != null; ) {
                    String base = e.name().substring(e.name().lastIndexOf('/') + 1);
                    int dot = base.indexOf('.');
                    got.add(dot < 0 ? base : base.substring(0, dot));
                }
            } catch (IOException e) {
                return no(file + " is not a complete shard: " + e.getMessage());
            }
            if (!got.equals(want)) {
                return no(file + " holds " + got.size() + " sample(s) " + first(got) + ", the run writes "
                        + want.size() + " " + first(want) + " there");
            }
            listed.add(new DatasetManifest.Shard(name, got.size(), Files.size(file), DatasetManifest.crc32(file)));
        }
        return new Result(Optional.of(new DatasetManifest(dir.getFileName().toString(), keys.size(), listed)), null);
    }

    /** True when {@code dir} is a folder holding at least one shard file. */
    public static boolean hasShards(Path dir) throws IOException {
        return Files.isDirectory(dir) && !DatasetManifest.shardFiles(dir).isEmpty();
    }

    private static Result no(String reason) {
        return new Result(Optional.empty(), reason);
    }

    private static String first(List<String> keys) {
        return keys.isEmpty() ? "" : "('" + keys.get(0) + "' to '" + keys.get(keys.size() - 1) + "')";
    }
}
