package fourm.api.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * The one way fourm writes a file: under a temporary name in the target's folder, forced to disk, then renamed over
 * the target, so that a reader sees the old file or the whole new one, never half of one; a failed write leaves the
 * target as it was and removes the temporary file.
 *
 * <p><b>Permissions.</b> Every file written here ends with mode {@code 0644} ({@code rw-r--r--}) on a file system with
 * POSIX attributes, whatever the process's umask and whatever mode the replaced file had: fourm's outputs (datasets,
 * tokenizers, checkpoints, reports) are meant to be read by the other users and services of the machine, and a
 * temporary file would otherwise keep the owner-only mode {@code 0600} that {@link Files#createTempFile} gives. A file
 * system without POSIX attributes keeps its own default.
 *
 * <p><b>Names.</b> A temporary file is named {@code .<target name>.<random hex>.tmp} in the target's folder (the same
 * file system, so the rename can be atomic). Readers of a folder skip names that start with a dot and end in
 * {@code .tmp}: they are leftovers of an interrupted write.
 *
 * <p><b>Durability.</b> The temporary file is forced to disk ({@code fsync}) before the rename, and the folder after it
 * where the platform allows opening a folder. Where the file system cannot rename atomically, the rename falls back to
 * a plain replacing move.
 *
 * <p>Concurrent writers of the same target are not serialised here: the last rename wins, whole. Commands that must
 * not share an output folder take a lock on it first (fourm-core's {@code OutputLock}).
 */
public final class AtomicFiles {
    /** The mode every written file ends with on a POSIX file system: {@code rw-r--r--}. */
    public static final Set<PosixFilePermission> FILE_PERMISSIONS = PosixFilePermissions.fromString("rw-r--r--");

    private static final SecureRandom RANDOM = new SecureRandom();

    private AtomicFiles() {
    }

    /**
     * Writes the temporary file; it is given a path in the target's folder that does not exist yet.
     */
    @FunctionalInterface
    public interface TempWriter {
        /**
         * Writes the whole content to {@code temp} (creating it).
         *
         * @param temp the temporary file to create
         * @throws IOException if writing fails
         */
        void writeTo(Path temp) throws IOException;
    }

    /**
     * Writes {@code bytes} to {@code target} (its folder is created if missing).
     *
     * @param target the file to write
     * @param bytes  its whole content
     * @throws IOException naming the target if it cannot be written; the target is then unchanged
     */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, temp -> Files.write(temp, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
    }

    /**
     * Writes {@code text} as UTF-8 to {@code target} (its folder is created if missing).
     *
     * @param target the file to write
     * @param text   its whole content
     * @throws IOException naming the target if it cannot be written; the target is then unchanged
     */
    public static void writeString(Path target, String text) throws IOException {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Like {@link #writeString(Path, String)} but for callers that cannot throw checked exceptions.
     *
     * @param target the file to write
     * @param text   its whole content
     * @throws UncheckedIOException naming the target if it cannot be written
     */
    public static void writeStringUnchecked(Path target, String text) {
        try {
            writeString(target, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /**
     * Has {@code writer} write a temporary file, then {@linkplain #commit commits} it to {@code target}; for content
     * that is streamed or written by another library (its folder is created if missing).
     *
     * @param target the file to write
     * @param writer writes the whole content to the temporary path it is given
     * @throws IOException naming the target if it cannot be written (the writer's own exception where its message
     *                     already names the file); the target is then unchanged
     */
    public static void write(Path target, TempWriter writer) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path temp = tempFor(abs);
        boolean done = false;
        try {
            writer.writeTo(temp);
            commit(temp, abs);
            done = true;
        } catch (IOException e) {
            String m = e.getMessage();
            if (m != null && m.contains(abs.getFileName().toString())) {
                throw e;
            }
            throw new IOException("cannot write " + target + ": " + m, e);
        } finally {
            if (!done) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /**
     * A fresh temporary name for {@code target}: {@code .<name>.<random hex>.tmp} in the same folder (not created).
     *
     * @param target the file that will be written
     * @return a path that does not exist yet
     */
    public static Path tempFor(Path target) {
        Path abs = target.toAbsolutePath();
        byte[] r = new byte[6];
        RANDOM.nextBytes(r);
        return abs.resolveSibling("." + abs.getFileName() + "." + HexFormat.of().formatHex(r) + ".tmp");
    }

    /**
     * Finishes a file written under a temporary name in the target's folder: gives it {@link #FILE_PERMISSIONS},
     * forces it to disk and renames it over {@code target}.
     *
     * @param temp   the finished temporary file (same folder as the target)
     * @param target the file it becomes
     * @throws IOException if a step fails (the temporary file is then left for the caller to remove)
     */
    public static void commit(Path temp, Path target) throws IOException {
        if (Files.getFileStore(temp).supportsFileAttributeView("posix")) {
            Files.setPosixFilePermissions(temp, FILE_PERMISSIONS);
        }
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        rename(temp, target);
    }

    /**
     * Renames {@code source} to {@code target} atomically where the file system allows (a plain move otherwise),
     * replacing a file but not a non-empty folder; then forces the folder entry to disk where the platform allows.
     * For folders built under a temporary name (a checkpoint) as well as files.
     *
     * @param source the finished file or folder
     * @param target what it becomes
     * @throws IOException if it cannot be moved
     */
    public static void rename(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
        syncFolder(target.toAbsolutePath().getParent());
    }

    private static void syncFolder(Path dir) {
        if (dir == null || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not every platform can open or force a folder (Windows cannot); the file itself is on disk
        }
    }
}
