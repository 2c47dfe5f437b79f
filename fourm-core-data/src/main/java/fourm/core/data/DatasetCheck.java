package fourm.core.data;

import fourm.api.ModalitySpec;
import fourm.api.ModalityTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An up-front scan of a dataset ({@code fourm data check DATASET}, and {@code fourm train} before its first step unless
 * {@code fourm.train.data.check = false}): every modality folder must be complete ({@link DatasetManifest}, shard
 * sizes and CRC-32s as listed), and every sample of every shard is read and checked as training would read it (shape,
 * token ids inside the vocabulary, texts within max-tokens, decodable files, the same keys in every modality). It finds the bad samples of a
 * dataset before any step runs, instead of hours into a run.
 */
public final class DatasetCheck {
    /** Problems listed in a report at most (the counts are always complete). */
    public static final int MAX_LISTED = 50;

    private DatasetCheck() {
    }

    /**
     * What a scan found.
     *
     * @param root          the dataset root
     * @param modalities    the modality folders scanned
     * @param samples       good samples
     * @param badSamples    bad samples (each named in {@code problems}, up to {@link #MAX_LISTED})
     * @param corruptShards shard files that are corrupt, missing or not as their manifest lists them
     * @param problems      one message per problem: file, sample key, value and what was expected
     */
    public record Report(Path root, List<String> modalities, long samples, long badSamples, long corruptShards,
                         List<String> problems) {
        /** Copies the lists. */
        public Report {
            modalities = List.copyOf(modalities);
            problems = List.copyOf(problems);
        }

        /** True when nothing is wrong. */
        public boolean ok() {
            return problems.isEmpty() && badSamples == 0 && corruptShards == 0;
        }

        /** One line: the counts. */
        public String summary() {
            return root + " " + modalities + ": " + samples + " good samples, " + badSamples + " bad, "
                    + corruptShards + " corrupt or incomplete shard files";
        }

        /**
         * Throws when the scan found anything.
         *
         * @throws BadDatasetException naming the counts and the first problem
         */
        public void requireOk() {
            if (!ok()) {
                throw new BadDatasetException("the data check of " + summary() + "; first: " + problems.get(0)
                        + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more: fourm data check " + root
                        + " lists them)" : ""));
            }
        }
    }

    /**
     * Scans {@code root}'s folders of {@code specs}.
     *
     * @param base the reader settings (only the prefetch is used: the scan reads in order and skips bad samples)
     * @throws IOException if a folder cannot be listed
     */
    public static Report run(Path root, Map<String, ModalitySpec> specs, DataConfig base) throws IOException {
        return run(root, specs, Map.of(), base);
    }

    /**
     * Scans {@code root}'s folders of {@code specs}, tokenizing {@code .txt} values as training does (a text of more
     * tokens than max-tokens is a bad sample unless {@link DataConfig#truncateLong()}).
     *
     * @param textTokenizers text tokenizers by modality key ({@link SampleInputs#textTokenizers(Map)})
     * @param base           the reader settings (the prefetch and the long-sequence policy are used: the scan reads in
     *                       order and skips bad samples)
     * @throws IOException if a folder cannot be listed
     */
    public static Report run(Path root, Map<String, ModalitySpec> specs,
                             Map<String, ModalityTokenizer<String>> textTokenizers, DataConfig base)
            throws IOException {
        List<String> problems = new ArrayList<>();
        long corrupt = 0;
        try {
            List<DatasetManifest> manifests = DatasetManifest.requireComplete(root, specs.keySet());
            for (DatasetManifest m : manifests) {
                for (DatasetManifest.Shard s : m.shards()) {
                    Path f = root.resolve(m.modality()).resolve(s.name());
                    long crc = DatasetManifest.crc32(f);
                    if (crc != s.crc32()) {
                        corrupt++;
                        problems.add("corrupt dataset: " + f + " has CRC-32 " + Long.toHexString(crc) + ", its "
                                + DatasetManifest.FILE_NAME + " says " + Long.toHexString(s.crc32()));
                    }
                }
            }
        } catch (IncompleteDatasetException e) {
            corrupt++;
            problems.add(e.getMessage());
        }
        long good = 0;
        ShardedDatasetReader.Stats stats;
        try (ShardedDatasetReader r = ShardedDatasetReader.open(root, specs, textTokenizers,
                base.forScan())) {
            while (r.hasNext()) {
                r.next();
                good++;
            }
            stats = r.stats();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        for (String p : stats.problems()) {
            if (problems.size() < MAX_LISTED) {
                problems.add(p);
            }
        }
        return new Report(root, new ArrayList<>(specs.keySet()), good, stats.badSamples(),
                corrupt + stats.corruptShards(), problems);
    }
}
