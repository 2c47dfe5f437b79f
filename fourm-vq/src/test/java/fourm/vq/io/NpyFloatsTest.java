package fourm.vq.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NpyFloatsTest {
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
    void float32RoundTrips() {
        float[] v = {1.5f, -2, Float.MIN_VALUE, 3e7f, 0, 7, 8, 9};
        NpyFloats.Array a = NpyFloats.parse(NpyFloats.encode(new int[] {2, 4}, v));
        assertThat(a.shape()).containsExactly(2, 4);
        assertThat(a.data()).containsExactly(v);
        assertThat(NpyFloats.parse(NpyFloats.encode(new int[] {3}, new float[] {1, 2, 3})).shape()).containsExactly(3);
    }

    @Test
    void readsFloat64FortranBigEndianAndHalf() {
        ByteBuffer d = ByteBuffer.allocate(6 * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 6; i++) {
            d.putDouble(i);
        }
        NpyFloats.Array f = NpyFloats.parse(npy("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }",
                d.array()));
        // Fortran order: element (r, c) is at c * 2 + r.
        assertThat(f.data()).containsExactly(0, 2, 4, 1, 3, 5);
        ByteBuffer be = ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putFloat(2.5f);
        assertThat(NpyFloats.parse(npy("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", be.array()))
                .data()).containsExactly(2.5f);
        ByteBuffer h = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x3e00);
        assertThat(NpyFloats.parse(npy("{'descr': '<f2', 'fortran_order': False, 'shape': (1,), }", h.array()))
                .data()).containsExactly(1.5f);
    }

    @Test
    void refusesWhatItCannotRead() {
        assertThatThrownBy(() -> NpyFloats.parse(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}))
                .hasMessageContaining("magic");
        assertThatThrownBy(() -> NpyFloats.parse(npy("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }",
                new byte[8]))).hasMessageContaining("'<c8' is not supported");
        assertThatThrownBy(() -> NpyFloats.parse(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }",
                new byte[8]))).hasMessageContaining("needs 12 data bytes, the file has 8");
    }
}
