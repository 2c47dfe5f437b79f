package fourm.tfjs;

/** IEEE 754 half-precision to single-precision conversion (TF.js stores float16-quantised weights this way). */
final class Float16 {
    private Float16() {
    }

    /** The float value of the 16 bits {@code h} (sign, 5 exponent bits, 10 mantissa bits). */
    static float toFloat(int h) {
        int sign = (h >>> 15) & 0x1;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        float magnitude;
        if (exponent == 0) {
            magnitude = mantissa * 0x1p-24f;
        } else if (exponent == 0x1f) {
            magnitude = mantissa == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
        } else {
            return Float.intBitsToFloat((sign << 31) | ((exponent - 15 + 127) << 23) | (mantissa << 13));
        }
        return sign == 0 ? magnitude : -magnitude;
    }
}
