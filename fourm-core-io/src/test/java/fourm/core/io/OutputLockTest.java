package fourm.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The output-folder lock: exclusive within and across processes, released on close, taken over after kill -9. */
class OutputLockTest {
    @TempDir
    Path dir;

    /** Starts a JVM that locks {@code folder} and waits; returns once it holds the lock. */
    static Process holder(Path folder) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                LockHolderMain.class.getName(), folder.toString())).redirectErrorStream(true).start();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = r.readLine();
        assertThat(line).as("the child's first line").startsWith("locked");
        return p;
    }

    @Test
    void aSecondLockInTheSameProcessIsRefusedNamingTheHolder() throws IOException {
        try (OutputLock lock = OutputLock.acquire(dir, "fourm train")) {
            assertThat(lock.takenOver()).isEmpty();
            assertThatThrownBy(() -> OutputLock.acquire(dir, "fourm train"))
                    .isInstanceOf(OutputLockedException.class)
                    .hasMessageContaining(dir.toString())
                    .hasMessageContaining("PID " + ProcessHandle.current().pid())
                    .hasMessageContaining("on host " + OutputLock.hostName())
                    .hasMessageContaining("since 20")
                    .hasMessageContaining("(fourm train)");
        }
        assertThat(dir.resolve(OutputLock.FILE_NAME)).doesNotExist();
        try (OutputLock again = OutputLock.acquire(dir, "fourm train")) {
            assertThat(again.takenOver()).as("released cleanly: nothing to take over").isEmpty();
        }
    }

    @Test
    void anotherProcessHoldingTheLockIsNamedAndAKilledOneIsTakenOver() throws Exception {
        Process p = holder(dir);
        try {
            assertThatThrownBy(() -> OutputLock.acquire(dir, "fourm train"))
                    .isInstanceOf(OutputLockedException.class)
                    .hasMessageContaining("PID " + p.pid())
                    .hasMessageContaining("(lock holder)");
            OutputLockedException e = catchLocked(dir);
            assertThat(e.holder()).hasValueSatisfying(h -> assertThat(h.aliveHere()).isTrue());
        } finally {
            p.destroyForcibly(); // SIGKILL: no shutdown hook, no close()
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(dir.resolve(OutputLock.FILE_NAME)).as("a killed holder leaves its file").exists();
        try (OutputLock lock = OutputLock.acquire(dir, "fourm train")) {
            assertThat(lock.takenOver()).hasValueSatisfying(h -> {
                assertThat(h.pid()).isEqualTo(p.pid());
                assertThat(h.command()).isEqualTo("lock holder");
                assertThat(h.aliveHere()).isFalse();
            });
        }
        assertThat(dir.resolve(OutputLock.FILE_NAME)).doesNotExist();
    }

    @Test
    void aLockFileWithoutALiveHolderIsNotALock() throws IOException {
        Files.writeString(dir.resolve(OutputLock.FILE_NAME), "garbage that is no holder record");
        try (OutputLock lock = OutputLock.acquire(dir, "x")) {
            assertThat(lock.takenOver()).isEmpty();
        }
    }

    private static OutputLockedException catchLocked(Path dir) throws IOException {
        try (OutputLock ignored = OutputLock.acquire(dir, "y")) {
            throw new AssertionError("expected the folder to be locked");
        } catch (OutputLockedException e) {
            return e;
        }
    }
}
