package fourm.api.label;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/** Declared image sizes are read from the header, and a hostile one is refused before decoding. */
class ImageHeaderTest {
    /** A PNG signature and IHDR chunk declaring {@code w x h} (no image data follows). */
    static byte[] pngHeader(int w, int h) {
        ByteBuffer b = ByteBuffer.allocate(33);
        b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        b.putInt(13).put("IHDR".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(w).putInt(h)
                .put(new byte[] {8, 2, 0, 0, 0});
        CRC32 crc = new CRC32();
        crc.update(b.array(), 12, 17);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    @Test
    void everyFormatDeclaresItsSize() {
        byte[] jpeg = bytes(0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
                0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00, 21, 0x00, 37, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1);
        byte[] gif = bytes('G', 'I', 'F', '8', '9', 'a', 37, 0, 21, 0, 0, 0, 0);
        byte[] bmp = new byte[30];
        bmp[0] = 'B';
        bmp[1] = 'M';
        bmp[18] = 37;
        bmp[22] = 21;
        for (byte[] b : new byte[][] {pngHeader(37, 21), jpeg, gif, bmp}) {
            assertThat(ImageHeader.dimensions(b)).hasValueSatisfying(d -> assertThat(d).containsExactly(37, 21));
        }
    }

    @Test
    void aHostileHeaderIsRefusedNamingTheSizeAndTheLimit() throws IOException {
        assertThatThrownBy(() -> ImageHeader.checkPixels("bomb.png", pngHeader(20000, 20000)))
                .isInstanceOf(IOException.class).hasMessageContaining("bomb.png")
                .hasMessageContaining("20000x20000").hasMessageContaining(String.valueOf(ImageHeader.MAX_PIXELS));
        assertThatThrownBy(() -> ImageHeader.checkPixels("zero.png", pngHeader(0, 5)))
                .hasMessageContaining("positive");
        assertThatNoException().isThrownBy(() -> ImageHeader.checkPixels("ok.png", pngHeader(8192, 8192)));
        assertThatNoException().isThrownBy(() -> ImageHeader.checkPixels("text.png", "not an image".getBytes()));
    }
}
