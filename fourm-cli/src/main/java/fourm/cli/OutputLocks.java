package fourm.cli;

import fourm.core.data.DatasetAdoption;
import fourm.core.data.DatasetManifest;
import fourm.core.data.ShardedDatasetWriter;
import fourm.core.io.OutputLock;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Takes a command's {@link OutputLock}, telling the user when it took over the lock of a run that was killed. */
final class OutputLocks {
    private OutputLocks() {
    }

    /**
     * Locks {@code folder} for {@code command}.
     *
     * @throws fourm.core.io.OutputLockedException if another run holds it (a user error)
     * @throws UserError if the folder or its lock file cannot be created
     */
    static OutputLock acquire(Path folder, String command, PrintWriter err) {
        OutputLock lock;
        try {
            lock = OutputLock.acquire(folder, command);
        } catch (IOException e) {
            throw new UserError("cannot lock the output folder " + folder + ": " + e.getMessage(), e);
        }
        lock.takenOver().ifPresent(h -> {
            err.println("note: took over the lock of an earlier run that ended without releasing it ("
                    + h.describe() + ")");
            err.flush();
        });
        return lock;
    }

    /**
     * Under the lock, adopts the modality folders a run writes that hold shards but no manifest (a dataset written
     * before manifests existed) when they are exactly what the run writes ({@link DatasetAdoption}), saying so on
     * {@code err}; with {@code rebuild}, or when a folder is not adoptable, removes what is there instead
     * ({@link #clearUnfinished}).
     *
     * @param keys the sample keys the run writes, in order
     * @return true when folders were adopted and every folder is complete now: nothing is left to write
     */
    static boolean adoptOrClear(Path root, List<String> modalities, List<String> keys, int samplesPerShard,
                                boolean rebuild, PrintWriter err) throws IOException {
        boolean complete = true;
        Map<Path, DatasetManifest> adoptable = new LinkedHashMap<>();
        for (String m : modalities) {
            Path dir = root.resolve(m);
            if (Files.exists(dir.resolve(DatasetManifest.FILE_NAME))) {
                continue;
            }
            if (!rebuild && DatasetAdoption.hasShards(dir)) {
                DatasetAdoption.Result r = DatasetAdoption.verify(dir, keys, samplesPerShard);
                if (r.adoptable()) {
                    adoptable.put(dir, r.manifest().get());
                    continue;
                }
                err.println("note: " + dir + " has no " + DatasetManifest.FILE_NAME + " and is not this run's complete"
                        + " output: " + r.reason());
                err.flush();
            }
            complete = false;
        }
        if (complete) {
            for (Map.Entry<Path, DatasetManifest> e : adoptable.entrySet()) {
                e.getValue().write(e.getKey());
                err.println("note: adopted " + e.getKey() + ": it had no " + DatasetManifest.FILE_NAME + " (written"
                        + " before manifests existed); its " + e.getValue().shards().size() + " shard file(s) hold the "
                        + keys.size() + " samples of this run, complete; wrote its " + DatasetManifest.FILE_NAME
                        + " (--rebuild writes the folder again instead)");
            }
            err.flush();
        }
        if (!complete) {
            clearUnfinished(root, modalities, err);
        }
        return complete && !adoptable.isEmpty();
    }

    /**
     * Removes, under the lock, what an earlier run that did not finish left in the modality folders (shards and
     * temporary files of folders without a manifest), saying so on {@code err}.
     */
    static void clearUnfinished(Path root, List<String> modalities, PrintWriter err) throws IOException {
        List<Path> removed = ShardedDatasetWriter.clearUnfinished(root, modalities);
        if (!removed.isEmpty()) {
            err.println("note: removed " + removed.size() + " file(s) an earlier run left unfinished in " + root
                    + " (no manifest); writing them again");
            err.flush();
        }
    }
}
