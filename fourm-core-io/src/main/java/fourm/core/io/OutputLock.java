package fourm.core.io;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * An exclusive lock on an output folder, held for a whole run ({@code fourm train}, {@code pretokenize},
 * {@code pretokenize-ids}, {@code label}) so that two runs never write into one folder.
 *
 * <p>The lock is an operating-system file lock on {@code <folder>/.fourm.lock}; the file also records the holder (PID,
 * host, start time, command). The operating system drops the lock when its process ends, however it ends (kill -9
 * included), so a lock file left by a killed run is <em>stale</em>: the next run takes the lock, reads the old holder
 * from the file and reports the take-over ({@link #takenOver()}). A second run while the first is alive fails with
 * {@link OutputLockedException} naming the holder. {@link #close()} deletes the file, then releases the lock.
 *
 * <p>Deleting the file before releasing leaves a window in which another process has opened the old file: it may lock
 * that unlinked file. {@link #acquire} therefore compares the file's identity (its file key) before opening and after
 * locking, and starts again when they differ. Within one process a second descriptor is never opened on a held lock
 * file (closing it would drop a POSIX lock): the folders this process holds are kept in a table.
 */
public final class OutputLock implements AutoCloseable {
    /** The lock file's name inside the locked folder. */
    public static final String FILE_NAME = ".fourm.lock";

    /** The folders this process holds, with the holder record written for each. */
    private static final Map<Path, Holder> HELD = new HashMap<>();

    private final Path key;
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final Holder takenOver;
    private boolean closed;

    /**
     * The process holding (or having held) a lock.
     *
     * @param pid     its process id
     * @param host    its host name
     * @param started when it took the lock
     * @param command what it runs
     */
    public record Holder(long pid, String host, Instant started, String command) {
        /** The holder as one phrase: {@code PID 123 on host h since 2026-01-01T10:00:00Z (fourm train)}. */
        public String describe() {
            return "PID " + pid + " on host " + host + " since " + started + " (" + command + ")";
        }

        /** True when this holder is a process of this host that is still running. */
        public boolean aliveHere() {
            return host.equals(hostName()) && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }

        String render() {
            return "pid=" + pid + "\nhost=" + host + "\nstarted=" + started + "\ncommand=" + command + "\n";
        }

        static Optional<Holder> parse(String text) {
            Properties p = new Properties();
            try {
                p.load(new java.io.StringReader(text));
                return Optional.of(new Holder(Long.parseLong(p.getProperty("pid", "").trim()),
                        p.getProperty("host", "?"), Instant.parse(p.getProperty("started", "").trim()),
                        p.getProperty("command", "?")));
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        }
    }

    private OutputLock(Path key, Path file, FileChannel channel, FileLock lock, Holder takenOver) {
        this.key = key;
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.takenOver = takenOver;
    }

    /**
     * Takes the lock on {@code folder} (created if missing) for this process.
     *
     * @param folder  the output folder
     * @param command what this run is, recorded for a second run's message (for example {@code fourm train})
     * @throws OutputLockedException if another run holds the folder
     * @throws IOException           if the folder or the lock file cannot be created
     */
    public static OutputLock acquire(Path folder, String command) throws IOException {
        Objects.requireNonNull(command, "command");
        Files.createDirectories(folder);
        Path file = folder.resolve(FILE_NAME);
        Path key = folder.toAbsolutePath().normalize();
        synchronized (HELD) {
            Holder mine = HELD.get(key);
            if (mine != null) {
                // never open a second descriptor on a file this process has locked: closing it would drop the lock
                throw new OutputLockedException(folder, mine);
            }
            for (int attempt = 0; ; attempt++) {
                Object before = fileKey(file);
                FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
                FileLock lock;
                try {
                    lock = ch.tryLock();
                } catch (IOException | RuntimeException e) {
                    ch.close();
                    throw e;
                }
                if (lock == null) {
                    String text = read(ch);
                    ch.close();
                    throw new OutputLockedException(folder, Holder.parse(text).orElse(null));
                }
                if (before == null || !before.equals(fileKey(file))) {
                    // created here, or replaced by a holder's close between our look and our open: the file we
                    // locked may no longer be the one the path names; look again
                    lock.release();
                    ch.close();
                    if (attempt > 100) {
                        throw new IOException("cannot lock " + file + ": the file keeps being replaced");
                    }
                    continue;
                }
                try {
                    Holder old = Holder.parse(read(ch)).orElse(null);
                    Holder me = new Holder(ProcessHandle.current().pid(), hostName(),
                            Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), command);
                    byte[] bytes = me.render().getBytes(StandardCharsets.UTF_8);
                    ch.truncate(0);
                    ch.write(ByteBuffer.wrap(bytes), 0);
                    ch.force(true);
                    HELD.put(key, me);
                    return new OutputLock(key, file, ch, lock, old);
                } catch (IOException | RuntimeException e) {
                    lock.release();
                    ch.close();
                    throw new IOException("cannot write the lock file " + file + ": " + e.getMessage(), e);
                }
            }
        }
    }

    /** The holder recorded in {@code folder}'s lock file by a run that ended without releasing it, if any. */
    public Optional<Holder> takenOver() {
        return Optional.ofNullable(takenOver);
    }

    /** The lock file. */
    public Path file() {
        return file;
    }

    /** Deletes the lock file and releases the lock; idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.truncate(0);
            Files.deleteIfExists(file);
        } finally {
            try {
                lock.release();
            } finally {
                channel.close();
                synchronized (HELD) {
                    HELD.remove(key);
                }
            }
        }
    }

    /** This host's name, or {@code localhost} when it cannot be found. */
    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            String env = System.getenv("HOSTNAME");
            return env == null ? "localhost" : env;
        }
    }

    private static String read(FileChannel ch) throws IOException {
        long size = Math.min(ch.size(), 4096);
        ByteBuffer b = ByteBuffer.allocate((int) size);
        while (b.hasRemaining() && ch.read(b, b.position()) > 0) {
            // fill
        }
        return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
    }

    private static Object fileKey(Path file) {
        try {
            Object k = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
            return k == null ? Boolean.TRUE : k; // no file keys on this file system: existence is all we can compare
        } catch (IOException e) {
            return null;
        }
    }
}
