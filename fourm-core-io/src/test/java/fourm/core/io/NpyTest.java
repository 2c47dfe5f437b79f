package fourm.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    // np.save of np.array([[0, 1, -2], [32767, -32768, 1203]], dtype=np.int16), NumPy 2.4
    private static final String NUMPY_I2_2X3 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGkyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3"
            + "NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAEA"
            + "/v//fwCAswQ=";
    // np.save of np.array([1, 2, 3, 4, 5], dtype=np.int16)
    private static final String NUMPY_I2_5 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGkyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3No"
            + "YXBlJzogKDUsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAIAAwAE"
            + "AAUA";
    // np.save of np.asfortranarray([[1, 2, 3], [4, 5, 6]], dtype=np.int64)
    private static final String NUMPY_I8_FORTRAN = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLC"
            + "Anc2hhcGUnOiAoMiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAA"
            + "AAAAAAAAQAAAAAAAAAAgAAAAAAAAAFAAAAAAAAAAMAAAAAAAAABgAAAAAAAAA=";
    // np.save of np.array([[200, 3]], dtype=np.uint8)
    private static final String NUMPY_U1 = "k05VTVBZAQB2AHsnZGVzY3InOiAnfHUxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBl"
            + "JzogKDEsIDIpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIArIAw==";
    // np.save of np.array([[1, -2, 300]], dtype='>i2')
    private static final String NUMPY_I2_BIG = "k05VTVBZAQB2AHsnZGVzY3InOiAnPmkyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3No"
            + "YXBlJzogKDEsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAf/+ASw=";

    private static byte[] b64(String s) {
        return Base64.getDecoder().decode(s);
    }

    @Test
    void writesExactlyWhatNumpyWrites() {
        assertThat(Npy.writeInt16(new int[] {2, 3}, new int[] {0, 1, -2, 32767, -32768, 1203}))
                .containsExactly(b64(NUMPY_I2_2X3));
        assertThat(Npy.writeInt16(new int[] {5}, new int[] {1, 2, 3, 4, 5})).containsExactly(b64(NUMPY_I2_5));
    }

    @Test
    void readsNumpyFiles() throws Exception {
        Npy.Array a = Npy.read(b64(NUMPY_I2_2X3));
        assertThat(a.descr()).isEqualTo("<i2");
        assertThat(a.shape()).containsExactly(2, 3);
        assertThat(a.data()).containsExactly(0, 1, -2, 32767, -32768, 1203);
        assertThat(a.row(1)).containsExactly(32767, -32768, 1203);
        assertThat(Npy.read(b64(NUMPY_I2_5)).shape()).containsExactly(5);
        Npy.Array f = Npy.read(b64(NUMPY_I8_FORTRAN));
        assertThat(f.data()).as("Fortran order is returned row-major").containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(Npy.read(b64(NUMPY_U1)).data()).containsExactly(200, 3);
        assertThat(Npy.read(b64(NUMPY_I2_BIG)).data()).containsExactly(1, -2, 300);
    }

    @Test
    void roundTripsRandomArrays() throws Exception {
        var rng = new java.util.SplittableRandom(1);
        for (int i = 0; i < 200; i++) {
            int[] shape = {rng.nextInt(0, 5), rng.nextInt(0, 300)};
            int[] data = rng.ints((long) shape[0] * shape[1], Short.MIN_VALUE, Short.MAX_VALUE + 1).toArray();
            byte[] bytes = Npy.writeInt16(shape, data);
            assertThat((10 + (bytes[8] & 0xff)) % 64).as("header aligned to 64 bytes").isZero();
            Npy.Array a = Npy.read(bytes);
            assertThat(a.shape()).containsExactly(shape);
            assertThat(a.data()).containsExactly(data);
        }
    }

    @Test
    void refusesWhatDoesNotFitInt16() {
        assertThatThrownBy(() -> Npy.writeInt16(new int[] {1}, new int[] {40000}))
                .hasMessageContaining("40000").hasMessageContaining("int16");
        assertThatThrownBy(() -> Npy.writeInt16(new int[] {2, 2}, new int[3])).hasMessageContaining("needs 4");
    }

    @Test
    void reportsBadFilesPrecisely() {
        byte[] good = b64(NUMPY_I2_2X3);
        assertThatThrownBy(() -> Npy.read("hello world".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(ShardFormatException.class).hasMessageContaining("magic");
        byte[] version = good.clone();
        version[6] = 9;
        assertThatThrownBy(() -> Npy.read(version)).hasMessageContaining("version 9.0");
        byte[] longHeader = good.clone();
        longHeader[8] = (byte) 0xff;
        longHeader[9] = (byte) 0x7f;
        assertThatThrownBy(() -> Npy.read(longHeader)).hasMessageContaining("exceeds the file");
        assertThatThrownBy(() -> Npy.read(Arrays.copyOf(good, good.length - 1)))
                .hasMessageContaining("needs 12 data bytes, the file has 11");
        byte[] noShape = replace(good, "'shape'", "'shaep'");
        assertThatThrownBy(() -> Npy.read(noShape)).hasMessageContaining("'shape'");
        byte[] floats = replace(good, "<i2", "<f2");
        assertThatThrownBy(() -> Npy.read(floats)).hasMessageContaining("'<f2'").hasMessageContaining("integer");
        byte[] notDict = replace(good, "{'descr'", "['descr'");
        assertThatThrownBy(() -> Npy.read(notDict)).hasMessageContaining("not a dict");
    }

    /** A version 1.0 file with the header {@code dict} and the data bytes {@code data}. */
    static byte[] npy(String dict, byte[] data) {
        String header = dict;
        int unpadded = 10 + header.length() + 1;
        int total = (unpadded + 63) / 64 * 64;
        header = header + " ".repeat(total - unpadded) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.US_ASCII)).put(data);
        return b.array();
    }

    @Test
    void float32RoundTrips() throws Exception {
        float[] v = {1.5f, -2, Float.MIN_VALUE, 3e7f, 0, 7, 8, 9};
        Npy.FloatArray a = Npy.readFloats(Npy.writeFloat32(new int[] {2, 4}, v));
        assertThat(a.shape()).containsExactly(2, 4);
        assertThat(a.data()).containsExactly(v);
        assertThat(Npy.readFloats(Npy.writeFloat32(new int[] {3}, new float[] {1, 2, 3})).shape()).containsExactly(3);
    }

    @Test
    void readsFloat64FortranBigEndianAndHalf() throws Exception {
        ByteBuffer d = ByteBuffer.allocate(6 * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 6; i++) {
            d.putDouble(i);
        }
        Npy.FloatArray f = Npy.readFloats(npy("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }",
                d.array()));
        // Fortran order: element (r, c) is at c * 2 + r.
        assertThat(f.data()).containsExactly(0, 2, 4, 1, 3, 5);
        ByteBuffer be = ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putFloat(2.5f);
        assertThat(Npy.readFloats(npy("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", be.array()))
                .data()).containsExactly(2.5f);
        ByteBuffer h = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x3e00);
        assertThat(Npy.readFloats(npy("{'descr': '<f2', 'fortran_order': False, 'shape': (1,), }", h.array()))
                .data()).containsExactly(1.5f);
    }

    @Test
    void readsIntegerFilesAsFloatsToo() throws Exception {
        assertThat(Npy.readFloats(b64(NUMPY_I8_FORTRAN)).data()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(Npy.readFloats(b64(NUMPY_I2_BIG)).data()).containsExactly(1, -2, 300);
        assertThat(Npy.readFloats(b64(NUMPY_U1)).shapeString()).isEqualTo("(1, 2)");
    }

    @Test
    void refusesFloatFilesItCannotRead() {
        assertThatThrownBy(() -> Npy.readFloats(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}))
                .hasMessageContaining("magic");
        assertThatThrownBy(() -> Npy.readFloats(npy("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }",
                new byte[8]))).hasMessageContaining("'<c8' is not supported");
        assertThatThrownBy(() -> Npy.readFloats(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }",
                new byte[8]))).hasMessageContaining("needs 12 data bytes, the file has 8");
    }

    @Test
    void namesTheFileItCannotRead(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.npy");
        Files.write(f, npy("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", new byte[8]));
        assertThatThrownBy(() -> Npy.readFloats(f)).isInstanceOf(ShardFormatException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("'<c8' is not supported");
        Path good = dir.resolve("good.npy");
        Files.write(good, Npy.writeFloat32(new int[] {2}, new float[] {4, 5}));
        assertThat(Npy.readFloats(good).data()).containsExactly(4, 5);
    }

    private static byte[] replace(byte[] bytes, String from, String to) {
        String s = new String(bytes, StandardCharsets.ISO_8859_1);
        assertThat(s).contains(from);
        return s.replace(from, to).getBytes(StandardCharsets.ISO_8859_1);
    }
}
