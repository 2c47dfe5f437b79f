package fourm.cli;

import fourm.core.data.ShardedDatasetWriter;
import fourm.core.io.OutputLock;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

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
