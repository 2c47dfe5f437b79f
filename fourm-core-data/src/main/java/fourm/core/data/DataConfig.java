package fourm.core.data;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/**
 * Settings of the pre-tokenized dataset reader and writer ({@code fourm.data} in fourm-core's {@code reference.conf}).
 *
 * @param onBadSample     fail on the first bad sample or corrupt shard, or skip and count them
 * @param shuffleBuffer   samples held for shuffling; 0 reads shards and samples in order
 * @param prefetch        decoded samples the background thread may keep ready
 * @param samplesPerShard samples per shard when writing
 * @param seed            seed of the shard order and of the shuffle buffer
 * @param truncateLong    cut a sequence (a {@code .txt} caption once tokenized, a {@code .npy} of ids) longer than its
 *                        modality's max-tokens to max-tokens, as the reference does; false (the default) makes it a
 *                        bad sample named with its token count and the maximum
 */
public record DataConfig(OnBadSample onBadSample, int shuffleBuffer, int prefetch, int samplesPerShard, long seed,
                         boolean truncateLong) {
    /** Root of the data configuration. */
    public static final String PATH = "fourm.data";

    /** Values of {@code fourm.data.long-sequences}. */
    private static final String REFUSE = "refuse";
    private static final String TRUNCATE = "truncate";

    /** Checks the ranges. */
    public DataConfig {
        if (onBadSample == null) {
            throw new IllegalArgumentException("on-bad-sample is required");
        }
        if (shuffleBuffer < 0) {
            throw new IllegalArgumentException("shuffle-buffer must be >= 0, got " + shuffleBuffer);
        }
        if (prefetch < 1) {
            throw new IllegalArgumentException("prefetch must be >= 1, got " + prefetch);
        }
        if (samplesPerShard < 1) {
            throw new IllegalArgumentException("samples-per-shard must be >= 1, got " + samplesPerShard);
        }
    }

    /** Settings that refuse sequences longer than max-tokens (the default). */
    public DataConfig(OnBadSample onBadSample, int shuffleBuffer, int prefetch, int samplesPerShard, long seed) {
        this(onBadSample, shuffleBuffer, prefetch, samplesPerShard, seed, false);
    }

    /** Reads {@code fourm.data}; a bad value is a {@link ConfigException} naming the key. */
    public static DataConfig fromConfig(Config root) {
        Config c = root.getConfig(PATH);
        OnBadSample policy;
        try {
            policy = OnBadSample.fromConfigName(c.getString("on-bad-sample"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(c.getValue("on-bad-sample").origin(), PATH + ".on-bad-sample",
                    e.getMessage());
        }
        String longSequences = c.getString("long-sequences");
        if (!REFUSE.equals(longSequences) && !TRUNCATE.equals(longSequences)) {
            throw new ConfigException.BadValue(c.getValue("long-sequences").origin(), PATH + ".long-sequences",
                    "unknown value '" + longSequences + "'; expected one of: " + REFUSE + ", " + TRUNCATE);
        }
        try {
            return new DataConfig(policy, c.getInt("shuffle-buffer"), c.getInt("prefetch"),
                    c.getInt("samples-per-shard"), c.getLong("seed"), TRUNCATE.equals(longSequences));
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(c.origin(), PATH, e.getMessage());
        }
    }

    /** The same settings with another policy. */
    public DataConfig withOnBadSample(OnBadSample policy) {
        return new DataConfig(policy, shuffleBuffer, prefetch, samplesPerShard, seed, truncateLong);
    }

    /** The same settings with another shuffle buffer size. */
    public DataConfig withShuffleBuffer(int size) {
        return new DataConfig(onBadSample, size, prefetch, samplesPerShard, seed, truncateLong);
    }

    /** The same settings with another seed. */
    public DataConfig withSeed(long newSeed) {
        return new DataConfig(onBadSample, shuffleBuffer, prefetch, samplesPerShard, newSeed, truncateLong);
    }

    /**
     * The same settings with another prefetch, in order (no shuffle) and skipping bad samples: how a scan reads.
     */
    public DataConfig forScan() {
        return new DataConfig(OnBadSample.SKIP, 0, prefetch, samplesPerShard, 0, truncateLong);
    }
}
