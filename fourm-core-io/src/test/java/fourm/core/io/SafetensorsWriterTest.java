package fourm.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing safetensors: deterministic bytes, aligned data, atomic replacement. */
class SafetensorsWriterTest {
    @TempDir
    Path dir;

    @Test
    void sameContentGivesSameBytesWhateverTheInsertionOrder() throws IOException {
        Path a = dir.resolve("a.safetensors");
        Path b = dir.resolve("b.safetensors");
        new SafetensorsWriter().putMetadata("z", "1").putMetadata("a", "2")
                .addFloats("w2", new long[] {1}, new float[] {2}).addFloats("w1", new long[] {3}, new float[3])
                .write(a);
        new SafetensorsWriter().addFloats("w1", new long[] {3}, new float[3])
                .addFloats("w2", new long[] {1}, new float[] {2}).putMetadata("a", "2").putMetadata("z", "1")
                .write(b);
        byte[] bytes = Files.readAllBytes(a);
        assertThat(bytes).isEqualTo(Files.readAllBytes(b));
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertThat((8 + n) % 8).isZero();
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertThat(header).startsWith("{\"__metadata__\":{\"a\":\"2\",\"z\":\"1\"},\"w1\":");
        assertThat(header.strip()).endsWith("}");
        assertThat(header.substring(header.strip().length())).matches(" *");
    }

    @Test
    void replacesAtomicallyAndLeavesNoTemporaryFiles() throws IOException {
        Path p = dir.resolve("out.safetensors");
        new SafetensorsWriter().addFloats("x", new long[] {1}, new float[] {1}).write(p);
        new SafetensorsWriter().addFloats("y", new long[] {1}, new float[] {2}).write(p);
        try (SafetensorsReader r = SafetensorsReader.open(p)) {
            assertThat(r.keys()).containsExactly("y");
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("out.safetensors");
        }
    }

    @Test
    void aFailedWriteLeavesTheTargetUntouched() throws IOException {
        Path p = dir.resolve("keep.safetensors");
        new SafetensorsWriter().addFloats("x", new long[] {1}, new float[] {1}).write(p);
        byte[] before = Files.readAllBytes(p);
        Offline.enforce();
        SafetensorsWriter w = new SafetensorsWriter();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {1, 2});
            w.add("a", a);
        }
        assertThatThrownBy(() -> w.write(p)).isInstanceOf(RuntimeException.class);
        assertThat(Files.readAllBytes(p)).isEqualTo(before);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("keep.safetensors");
        }
    }

    @Test
    void rejectsBadEntries() {
        SafetensorsWriter w = new SafetensorsWriter().addFloats("a", new long[] {1}, new float[1]);
        assertThatThrownBy(() -> w.addFloats("a", new long[] {1}, new float[1]))
                .hasMessageContaining("'a'").hasMessageContaining("twice");
        assertThatThrownBy(() -> w.addFloats("__metadata__", new long[] {1}, new float[1]))
                .hasMessageContaining("cannot be a tensor key");
        assertThatThrownBy(() -> w.addFloats("b", new long[] {2}, new float[3]))
                .hasMessageContaining("'b'").hasMessageContaining("needs 8");
    }
}
