package fourm.demo;

import fourm.core.io.SafetensorsDType;
import fourm.core.io.SafetensorsReader;
import fourm.core.io.SafetensorsWriter;
import fourm.core.io.TensorInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Stores a safetensors file's float32 tensors as float16 (IEEE half precision, round to nearest even), which halves
 * the size of the weights the demo ships. fourm-core's reader widens float16 back to float32 on load; the other tensors
 * and the metadata are copied unchanged. Values beyond the float16 range (|x| &gt; 65504) are refused, since they
 * would become infinities.
 */
public final class HalfPrecision {
    private HalfPrecision() {
    }

    /**
     * Writes {@code in} with float16 tensors to {@code out} (temporary name, then rename; {@code out} may equal
     * {@code in}).
     *
     * @throws IOException naming the file and tensor when a value does not fit float16
     */
    public static void compact(Path in, Path out) throws IOException {
        SafetensorsWriter w = new SafetensorsWriter();
        try (SafetensorsReader r = SafetensorsReader.open(in)) {
            w.putMetadata(r.metadata());
            for (String key : r.keys()) {
                TensorInfo t = r.info(key);
                if (t.dtype() == SafetensorsDType.F32) {
                    float[] v = r.floats(key);
                    ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                    for (int i = 0; i < v.length; i++) {
                        if (!(Math.abs(v[i]) <= 65504f)) {
                            throw new IOException(in + ": tensor " + key + " holds " + v[i] + " at " + i
                                    + ", outside the float16 range");
                        }
                        b.putShort((short) toHalf(v[i]));
                    }
                    b.flip();
                    w.add(key, SafetensorsDType.F16, t.shape(), b);
                } else {
                    ByteBuffer b = r.bytes(key).duplicate().order(ByteOrder.LITTLE_ENDIAN);
                    ByteBuffer copy = ByteBuffer.allocate(b.remaining()).order(ByteOrder.LITTLE_ENDIAN);
                    copy.put(b).flip();
                    w.add(key, t.dtype(), t.shape(), copy);
                }
            }
        }
        w.write(out);
    }

    /** The float16 bits nearest to {@code f} (ties to even); overflow gives infinity, NaN stays NaN. */
    static int toHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xff;
        int mant = bits & 0x7fffff;
        if (exp == 0xff) {
            return sign | 0x7c00 | (mant != 0 ? 0x200 : 0);
        }
        int e = exp - 127 + 15;
        if (e >= 0x1f) {
            return sign | 0x7c00;
        }
        if (e <= 0) {
            if (e < -10) {
                return sign;
            }
            int m = mant | 0x800000;
            int shift = 14 - e;
            int half = m >> shift;
            int rest = m & ((1 << shift) - 1);
            int mid = 1 << (shift - 1);
            if (rest > mid || (rest == mid && (half & 1) != 0)) {
                half++;
            }
            return sign | half;
        }
        int half = (e << 10) | (mant >> 13);
        int rest = mant & 0x1fff;
        if (rest > 0x1000 || (rest == 0x1000 && (half & 1) != 0)) {
            half++;
        }
        return sign | half;
    }
}
