package fourm.teacher;

import java.nio.charset.StandardCharsets;

/**
 * The teachers' random numbers: SplitMix64 (Steele, Lea and Flood, 2014), written out here rather than taken from
 * {@code java.util} so that the weight stream is fixed by this file alone, whatever the JDK. Uniform values only (no
 * Gaussian sampler, whose algorithm differs between libraries): a weight of standard deviation {@code s} is uniform in
 * {@code [-s sqrt 3, s sqrt 3)}.
 */
final class SplitMix64 {
    private static final double SQRT3 = 1.7320508075688772;
    private long state;

    SplitMix64(long seed) {
        this.state = seed;
    }

    long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        return mix(z);
    }

    /** Uniform in [0, 1), 53 bits. */
    double nextUnit() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform with mean 0 and standard deviation {@code std}. */
    float nextCentered(double std) {
        return (float) ((2 * nextUnit() - 1) * SQRT3 * std);
    }

    /** {@code n} values of {@link #nextCentered(double)}. */
    float[] fill(int n, double std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = nextCentered(std);
        }
        return v;
    }

    /** SplitMix64's output function (a bijection of 64-bit values). */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A 64-bit hash of a string: FNV-1a over its UTF-8 bytes, then {@link #mix(long)}. */
    static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return mix(h);
    }
}
