package fourm.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading safetensors: every dtype, and a clean, specific exception for every kind of broken file. */
class SafetensorsReaderTest {
    @TempDir
    Path dir;

    /** Writes a raw file: the little-endian header length, the header text, then {@code data}. */
    private Path raw(String name, long headerLength, String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(headerLength).put(h).put(data);
        Path p = dir.resolve(name);
        Files.write(p, b.array());
        return p;
    }

    private Path raw(String name, String header, byte[] data) throws IOException {
        return raw(name, header.getBytes(StandardCharsets.UTF_8).length, header, data);
    }

    private static String messageOf(Path p) {
        try (SafetensorsReader r = SafetensorsReader.open(p)) {
            throw new AssertionError("opened " + r);
        } catch (SafetensorsFormatException e) {
            assertThat(e.file()).isEqualTo(p);
            return e.getMessage();
        } catch (IOException e) {
            throw new AssertionError("expected a SafetensorsFormatException", e);
        }
    }

    @Test
    void roundTripsEveryDtypeWithMetadata() throws IOException {
        Path p = dir.resolve("all.safetensors");
        new SafetensorsWriter()
                .putMetadata("note", "héllo \"quoted\" <tag>")
                .addFloats("f", new long[] {2, 2}, new float[] {1.5f, -0f, Float.MAX_VALUE, Float.MIN_VALUE})
                .addLongs("l", new long[] {3}, new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE})
                .addInts("i", new long[] {1, 2}, new int[] {-7, 1 << 30})
                .addShorts("s", new long[] {2}, new short[] {-1, 32652})
                .addBooleans("b", new long[] {3}, new boolean[] {true, false, true})
                .add("u", SafetensorsDType.U8, new long[] {2}, ByteBuffer.wrap(new byte[] {(byte) 255, 3}))
                .addFloats("scalar", new long[] {}, new float[] {42f})
                .addFloats("empty", new long[] {0, 5}, new float[0])
                .write(p);
        try (SafetensorsReader r = SafetensorsReader.open(p)) {
            assertThat(r.metadata()).containsEntry("note", "héllo \"quoted\" <tag>");
            assertThat(r.keys()).containsExactly("b", "empty", "f", "i", "l", "s", "scalar", "u");
            assertThat(r.floats("f")).containsExactly(1.5f, -0f, Float.MAX_VALUE, Float.MIN_VALUE);
            assertThat(r.longs("l")).containsExactly(Long.MIN_VALUE, 0, Long.MAX_VALUE);
            assertThat(r.ints("i")).containsExactly(-7, 1 << 30);
            assertThat(r.longs("s")).containsExactly(-1, 32652);
            assertThat(r.booleans("b")).containsExactly(true, false, true);
            assertThat(r.longs("u")).containsExactly(255, 3);
            assertThat(r.floats("scalar")).containsExactly(42f);
            assertThat(r.info("scalar").shape()).isEmpty();
            assertThat(r.floats("empty")).isEmpty();
            assertThat(r.info("f").dtype()).isEqualTo(SafetensorsDType.F32);
        }
    }

    @Test
    void readsHalfAndBfloat16AsFloat() throws IOException {
        ByteBuffer half = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        for (int bits : new int[] {0x3C00, 0xC000, 0x7BFF, 0x0001, 0x7C00, 0x8000}) {
            half.putShort((short) bits);
        }
        ByteBuffer bf = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x3F80)
                .putShort((short) 0xC0A0);
        Path p = dir.resolve("half.safetensors");
        new SafetensorsWriter().add("h", SafetensorsDType.F16, new long[] {6}, half.flip())
                .add("bf", SafetensorsDType.BF16, new long[] {2}, bf.flip()).write(p);
        try (SafetensorsReader r = SafetensorsReader.open(p)) {
            assertThat(r.floats("h")).containsExactly(1f, -2f, 65504f, 0x1p-24f, Float.POSITIVE_INFINITY, -0f);
            assertThat(r.floats("bf")).containsExactly(1f, -5f);
            Offline.enforce();
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray a = r.toNDArray(m, "h");
                assertThat(a.getDataType()).isEqualTo(DataType.FLOAT32);
                assertThat(a.toFloatArray()).containsExactly(1f, -2f, 65504f, 0x1p-24f, Float.POSITIVE_INFINITY, -0f);
            }
        }
    }

    @Test
    void ndArraysOwnTheirMemoryAndKeepIntegerTypes() throws IOException {
        Path p = dir.resolve("nd.safetensors");
        new SafetensorsWriter().addFloats("w", new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6})
                .addLongs("ids", new long[] {2}, new long[] {7, 9}).write(p);
        Offline.enforce();
        try (SafetensorsReader r = SafetensorsReader.open(p); NDManager m = NDManager.newBaseManager()) {
            NDArray w = r.toNDArray(m, "w");
            w.addi(1f);
            assertThat(w.toFloatArray()).containsExactly(2, 3, 4, 5, 6, 7);
            assertThat(w.getShape().getShape()).containsExactly(2, 3);
            assertThat(r.floats("w")).containsExactly(1, 2, 3, 4, 5, 6);
            NDArray ids = r.toNDArray(m, "ids");
            assertThat(ids.getDataType()).isEqualTo(DataType.INT64);
            assertThat(ids.toLongArray()).containsExactly(7, 9);
        }
    }

    @Test
    void largeTensorsAreCopiedInBlocksOfRowsExactly() throws IOException {
        // 2100 rows of 2 KB (F32) and of 1 KB (F16): more than one 4 MB block of rows each, the last one partial
        int rows = 2100;
        int cols = 512;
        float[] f = new float[rows * cols];
        ByteBuffer half = ByteBuffer.allocate(rows * cols * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < f.length; i++) {
            f[i] = i * 0.25f - 1000f;
            half.putShort((short) (0x3C00 + i % 1024)); // 1 + k/1024: exact in both types
        }
        half.flip();
        Path p = dir.resolve("large.safetensors");
        new SafetensorsWriter().addFloats("w", new long[] {rows, cols}, f)
                .add("h", SafetensorsDType.F16, new long[] {rows, cols}, half).write(p);
        Offline.enforce();
        try (SafetensorsReader r = SafetensorsReader.open(p); NDManager m = NDManager.newBaseManager()) {
            NDArray w = r.toNDArray(m, "w");
            assertThat(w.getShape().getShape()).containsExactly(rows, cols);
            assertThat(w.toFloatArray()).isEqualTo(f);
            NDArray h = r.toNDArray(m, "h");
            assertThat(h.getDataType()).isEqualTo(DataType.FLOAT32);
            float[] hv = h.toFloatArray();
            assertThat(hv).isEqualTo(r.floats("h"));
            assertThat(hv[rows * cols - 1]).isEqualTo(1f + ((rows * cols - 1) % 1024) / 1024f);
            assertThat(r.floats("w")).isEqualTo(f);
        }
    }

    @Test
    void everyDtypeBecomesAnNDArrayWithoutCrashingTheEngine() throws IOException {
        ByteBuffer bf = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x3F80)
                .putShort((short) 0xC0A0);
        ByteBuffer half = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x3C00)
                .putShort((short) 0xC000);
        Path p = dir.resolve("types.safetensors");
        new SafetensorsWriter().add("bf", SafetensorsDType.BF16, new long[] {2}, bf.flip())
                .add("h", SafetensorsDType.F16, new long[] {2}, half.flip())
                .addShorts("s", new long[] {2}, new short[] {-3, 300})
                .addInts("i", new long[] {2}, new int[] {-4, 5})
                .add("u", SafetensorsDType.U8, new long[] {2}, ByteBuffer.wrap(new byte[] {(byte) 200, 1}))
                .addBooleans("b", new long[] {2}, new boolean[] {true, false})
                .addLongs("empty", new long[] {0}, new long[0]).write(p);
        Offline.enforce();
        try (SafetensorsReader r = SafetensorsReader.open(p); NDManager m = NDManager.newBaseManager()) {
            NDArray a = r.toNDArray(m, "bf");
            assertThat(a.getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(a.toFloatArray()).containsExactly(1f, -5f);
            assertThat(r.toNDArray(m, "h").toFloatArray()).containsExactly(1f, -2f);
            NDArray s = r.toNDArray(m, "s");
            assertThat(s.getDataType()).isEqualTo(DataType.INT32);
            assertThat(s.toIntArray()).containsExactly(-3, 300);
            assertThat(r.toNDArray(m, "i").toIntArray()).containsExactly(-4, 5);
            NDArray u = r.toNDArray(m, "u");
            assertThat(u.getDataType()).isEqualTo(DataType.UINT8);
            assertThat(u.toUint8Array()).containsExactly(200, 1);
            assertThat(r.toNDArray(m, "b").toBooleanArray()).containsExactly(true, false);
            assertThat(r.toNDArray(m, "empty").getShape().getShape()).containsExactly(0);
        }
    }

    @Test
    void fileShorterThanTheLengthField() throws IOException {
        Path p = dir.resolve("tiny.safetensors");
        Files.write(p, new byte[] {1, 2, 3});
        assertThat(messageOf(p)).contains("3 bytes", "too short");
    }

    @Test
    void oversizedOrNegativeHeaderLength() throws IOException {
        assertThat(messageOf(raw("neg.safetensors", -5L, "{}", new byte[0])))
                .contains("header length", Long.toUnsignedString(-5L));
        assertThat(messageOf(raw("huge.safetensors", 1L << 40, "{}", new byte[0])))
                .contains("header length", "at most");
        assertThat(messageOf(raw("long.safetensors", 1000, "{}", new byte[0])))
                .contains("1000 bytes", "truncated");
    }

    @Test
    void malformedJson() throws IOException {
        assertThat(messageOf(raw("bad.safetensors", "{\"a\": {\"dtype\": ", new byte[0])))
                .contains("malformed JSON");
        assertThat(messageOf(raw("arr.safetensors", "[1, 2]", new byte[0]))).contains("must be a JSON object");
        assertThat(messageOf(raw("trail.safetensors", "{} x", new byte[0]))).contains("malformed JSON");
        // What is wrong and where, without the JSON library's advice to its programmers.
        for (String header : new String[] {"{a: 1}", "{\"a\": {\"dtype\" \"F32\"}}",
            "{\"__metadata__\": {\"k\": \"v\",}}", "{} x"}) {
            assertThat(messageOf(raw("advice.safetensors", header, new byte[0]))).as(header)
                    .contains("advice.safetensors", "malformed JSON header", "line 1 column")
                    .doesNotContain("setStrictness", "setLenient", "LENIENT", "Troubleshooting", "https://", "\n");
        }
        assertThat(messageOf(raw("dup.safetensors",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
                        + "\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[4,8]}}", new byte[8])))
                .contains("tensor 'a'", "twice");
        assertThat(messageOf(raw("meta.safetensors", "{\"__metadata__\":{\"k\":1}}", new byte[0])))
                .contains("__metadata__", "'k'", "string");
        assertThat(messageOf(raw("fields.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", new byte[4])))
                .contains("tensor 'a'", "data_offsets");
        assertThat(messageOf(raw("negdim.safetensors",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", new byte[4])))
                .contains("tensor 'a'", "non-negative");
    }

    @Test
    void trailingBytesAfterTheDataAreRefused() throws IOException {
        assertThat(messageOf(raw("tail.safetensors",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[7])))
                .contains("3 bytes follow the last tensor's data");
        assertThat(messageOf(raw("empty-tail.safetensors", "{}", new byte[2]))).contains("2 bytes follow");
    }

    @Test
    void aMalformedHeaderCarriesNoAdviceToTheProgrammer() throws IOException {
        String m = messageOf(raw("lenient.safetensors", "{a: 1}", new byte[0]));
        assertThat(m).contains("malformed JSON").doesNotContain("setStrictness").doesNotContain("https://");
    }

    @Test
    void unsupportedDtypeNamesTheKey() throws IOException {
        String header = "{\"w\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}";
        assertThat(messageOf(raw("f64.safetensors", header, new byte[8])))
                .contains("tensor 'w'", "unsupported dtype 'F64'", "F32");
    }

    @Test
    void offsetsThatDoNotFit() throws IOException {
        assertThat(messageOf(raw("size.safetensors",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8])))
                .contains("tensor 'w'", "span 8 bytes", "needs 12");
        assertThat(messageOf(raw("past.safetensors",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", new byte[8])))
                .contains("tensor 'w'", "past the 8 data bytes");
        assertThat(messageOf(raw("overlap.safetensors",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[12])))
                .contains("tensor 'b'", "overlap", "'a'");
        assertThat(messageOf(raw("backwards.safetensors",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,4]}}", new byte[12])))
                .contains("tensor 'a'", "end before they begin");
    }

    @Test
    void truncatedDataIsReportedOnOpen() throws IOException {
        Path p = dir.resolve("full.safetensors");
        new SafetensorsWriter().addFloats("a", new long[] {4}, new float[4])
                .addFloats("b", new long[] {4}, new float[4]).write(p);
        byte[] all = Files.readAllBytes(p);
        Path cut = dir.resolve("cut.safetensors");
        Files.write(cut, Arrays.copyOf(all, all.length - 5));
        assertThat(messageOf(cut)).contains("tensor 'b'", "truncated");
    }

    @Test
    void readingTheWrongWayIsAClearError() throws IOException {
        Path p = dir.resolve("kinds.safetensors");
        new SafetensorsWriter().addLongs("ids", new long[] {1}, new long[] {1L << 40})
                .addFloats("x", new long[] {1}, new float[] {1})
                .add("bad_bool", SafetensorsDType.BOOL, new long[] {1}, ByteBuffer.wrap(new byte[] {2})).write(p);
        try (SafetensorsReader r = SafetensorsReader.open(p)) {
            assertThatThrownBy(() -> r.floats("ids")).isInstanceOf(SafetensorsFormatException.class)
                    .hasMessageContaining("tensor 'ids'").hasMessageContaining("floating");
            assertThatThrownBy(() -> r.longs("x")).hasMessageContaining("tensor 'x'").hasMessageContaining("integer");
            assertThatThrownBy(() -> r.ints("ids")).hasMessageContaining("does not fit");
            assertThatThrownBy(() -> r.booleans("bad_bool")).hasMessageContaining("must be 0 or 1");
            assertThatThrownBy(() -> r.info("nope")).isInstanceOf(SafetensorsFormatException.class)
                    .hasMessageContaining("tensor 'nope'").hasMessageContaining("ids, x");
        }
    }

    @Test
    void missingFileIsAnIoError() {
        assertThatThrownBy(() -> SafetensorsReader.open(dir.resolve("absent.safetensors")))
                .isInstanceOf(IOException.class).hasMessageContaining("absent.safetensors");
    }
}
