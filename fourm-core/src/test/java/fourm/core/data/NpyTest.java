package fourm.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

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

    private static byte[] replace(byte[] bytes, String from, String to) {
        String s = new String(bytes, StandardCharsets.ISO_8859_1);
        assertThat(s).contains(from);
        return s.replace(from, to).getBytes(StandardCharsets.ISO_8859_1);
    }
}
