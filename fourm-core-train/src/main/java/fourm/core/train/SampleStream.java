package fourm.core.train;

import fourm.api.Modality;
import fourm.api.ModalitySpec;
import fourm.api.masking.ModalityInput;
import fourm.core.data.BadSampleException;
import fourm.core.data.DataConfig;
import fourm.core.data.Sample;
import fourm.core.data.SampleInputs;
import fourm.core.data.ShardedDatasetReader;
import fourm.core.masking.SampleSeeds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An endless, deterministic stream of training samples over a pre-tokenized dataset: epoch {@code e} reads the
 * dataset through a {@link ShardedDatasetReader} seeded with (seed, e), and the stream position is the number of
 * samples delivered so far. The same seed and dataset give the same sequence, so a stream reopened at position
 * {@code p} ({@link #open(Path, Map, DataConfig, long, long, boolean)}) continues exactly where one that delivered
 * {@code p} samples stood (it re-reads and drops those samples).
 *
 * <p>Single consumer. Image-like tokens take one crop per sample, drawn from (seed, position) or always crop 0.
 */
final class SampleStream implements AutoCloseable {
    private static final long CROP_STREAM = 0x43524f50L;

    private final Path root;
    private final Map<String, Modality> modalities;
    private final Map<String, ModalitySpec> specs;
    private final DataConfig base;
    private final long seed;
    private final boolean randomCrop;
    private ShardedDatasetReader reader;
    private long position;
    private long epoch;
    private long inEpoch;

    private SampleStream(Path root, Map<String, Modality> modalities, DataConfig base, long seed, boolean randomCrop) {
        this.root = root;
        this.modalities = modalities;
        this.specs = new LinkedHashMap<>();
        modalities.forEach((k, m) -> specs.put(k, m.spec()));
        this.base = base;
        this.seed = seed;
        this.randomCrop = randomCrop;
    }

    /**
     * Opens a stream at {@code position} samples from the start.
     *
     * @param base       reader settings (policy, shuffle buffer, prefetch); its seed is replaced per epoch
     * @param randomCrop draw the crop of image-like tokens per sample (else crop 0)
     * @throws IOException if the dataset cannot be opened
     */
    static SampleStream open(Path root, Map<String, Modality> modalities, DataConfig base, long seed, long position,
                             boolean randomCrop) throws IOException {
        SampleStream s = new SampleStream(root, modalities, base, seed, randomCrop);
        s.reader = s.openEpoch(0);
        try {
            while (s.position < position) {
                s.nextSample();
            }
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private ShardedDatasetReader openEpoch(long e) throws IOException {
        DataConfig c = base.withSeed(SampleSeeds.forSample(seed, e).nextLong());
        return ShardedDatasetReader.open(root, specs, SampleInputs.textTokenizers(modalities), c);
    }

    /** Samples delivered so far (the index the next sample gets). */
    long position() {
        return position;
    }

    /** Completed passes over the dataset. */
    long epoch() {
        return epoch;
    }

    /**
     * The next sample as masking inputs, with its stream index.
     *
     * @throws IllegalStateException if the dataset yields no sample at all
     */
    Indexed next() {
        Sample s = nextSample();
        long index = position - 1;
        int crops = SampleInputs.crops(s);
        int crop = randomCrop && crops > 1 ? SampleSeeds.forSample(seed ^ CROP_STREAM, index).nextInt(crops) : 0;
        try {
            return new Indexed(index, SampleInputs.of(s, modalities, crop, base.truncateLong()));
        } catch (IllegalArgumentException e) {
            throw new BadSampleException(root.resolve(s.shard()), s.key(), String.join(",", s.values().keySet()),
                    e.getMessage());
        }
    }

    /** A sample and its index in the stream. */
    record Indexed(long index, Map<String, ModalityInput> inputs) {
    }

    private Sample nextSample() {
        while (!reader.hasNext()) {
            if (inEpoch == 0) {
                throw new IllegalStateException("the dataset at " + root + " yields no sample for modalities "
                        + specs.keySet() + (reader.stats().badSamples() > 0 ? " (every sample was bad: "
                        + reader.stats().problems() + ")" : ""));
            }
            reader.close();
            epoch++;
            inEpoch = 0;
            try {
                reader = openEpoch(epoch);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Sample s = reader.next();
        position++;
        inEpoch++;
        return s;
    }

    @Override
    public void close() {
        if (reader != null) {
            reader.close();
        }
    }
}
