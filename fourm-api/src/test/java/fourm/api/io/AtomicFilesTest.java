package fourm.api.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void writesTheContentAndCreatesTheFolder() throws IOException {
        Path f = dir.resolve("a/b/out.txt");
        AtomicFiles.writeString(f, "héllo\n");
        assertThat(Files.readString(f, StandardCharsets.UTF_8)).isEqualTo("héllo\n");
        AtomicFiles.write(f, new byte[] {1, 2, 3});
        assertThat(Files.readAllBytes(f)).containsExactly(1, 2, 3);
        assertThat(leftovers(f.getParent())).isEmpty();
    }

    @Test
    void everyFileEndsReadableByOthersWhateverTheOldMode() throws IOException {
        assumeTrue(Files.getFileStore(dir).supportsFileAttributeView("posix"), "no POSIX file attributes here");
        Path f = dir.resolve("m.bin");
        Files.write(f, new byte[] {9});
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        AtomicFiles.write(f, new byte[] {1});
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-r--r--");
        Path g = dir.resolve("streamed.bin");
        AtomicFiles.write(g, temp -> Files.createFile(temp, PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------"))));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(g))).isEqualTo("rw-r--r--");
    }

    @Test
    void aFailedWriteLeavesTheTargetAndNoTemporaryFile() throws IOException {
        Path f = dir.resolve("keep.txt");
        AtomicFiles.writeString(f, "old");
        assertThatThrownBy(() -> AtomicFiles.write(f, temp -> {
            Files.writeString(temp, "half");
            throw new IOException("disk full");
        })).isInstanceOf(IOException.class).hasMessageContaining("keep.txt").hasMessageContaining("disk full");
        assertThat(Files.readString(f)).isEqualTo("old");
        assertThat(leftovers(dir)).isEmpty();
    }

    @Test
    void temporaryNamesAreHiddenFreshAndInTheSameFolder() {
        Path f = dir.resolve("x.json");
        Path t1 = AtomicFiles.tempFor(f);
        Path t2 = AtomicFiles.tempFor(f);
        assertThat(t1.getParent()).isEqualTo(dir.toAbsolutePath());
        assertThat(t1.getFileName().toString()).startsWith(".x.json.").endsWith(".tmp");
        assertThat(t1).isNotEqualTo(t2);
    }

    @Test
    void renamesAFolderIntoPlace() throws IOException {
        Path tmp = dir.resolve(".ckpt.tmp");
        Files.createDirectories(tmp);
        Files.writeString(tmp.resolve("m"), "x");
        AtomicFiles.rename(tmp, dir.resolve("ckpt"));
        assertThat(Files.readString(dir.resolve("ckpt/m"))).isEqualTo("x");
        assertThat(tmp).doesNotExist();
    }

    private static java.util.List<Path> leftovers(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }
}
