package fourm.core.masking;

import java.util.SplittableRandom;

/**
 * The per-sample random streams of masking: one {@link SplittableRandom} per (base seed, sample index), so a sample's
 * masks depend on nothing but these two numbers (not on thread, batch composition or order of calls).
 */
public final class SampleSeeds {
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    private SampleSeeds() {
    }

    /** The random stream of sample {@code sampleIndex} under {@code baseSeed}. */
    public static SplittableRandom forSample(long baseSeed, long sampleIndex) {
        return new SplittableRandom(mix(baseSeed, sampleIndex));
    }

    /** A well-mixed 64-bit seed from the two numbers (SplitMix64 finalizer over both). */
    static long mix(long baseSeed, long sampleIndex) {
        return finalizer(finalizer(baseSeed + GOLDEN_GAMMA) ^ finalizer(sampleIndex * GOLDEN_GAMMA + 0x632be59bd9b4e019L));
    }

    private static long finalizer(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
