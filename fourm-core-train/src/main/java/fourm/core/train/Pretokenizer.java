package fourm.core.train;

import fourm.api.ModalitySpec;
import fourm.core.io.Npy;
import fourm.core.data.SampleFile;
import fourm.core.io.ShardFormatException;
import fourm.core.data.ShardedDatasetWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Packs modalities whose values are already token ids into the dataset format of {@code fourm.core.data}: the input is
 * one {@code .npy} integer array per sample and modality, laid out as {@code input/<modality>/<key>.npy}; the output
 * is {@code output/<modality>/shard-NNNNN.tar} with int16 {@code .npy} members, samples in key order.
 *
 * <p>Every file is checked before anything is written: the same keys in every modality, keys usable as member names,
 * grids of shape {@code (n_tokens,)} or {@code (n_crops, n_tokens)} with the layout's token count,
 * sequences of shape {@code (n,)} with at most the modality's max tokens, every id inside the vocabulary. A problem is an
 * {@link IllegalArgumentException} naming the file, and for ids the position, and what was expected.
 */
public final class Pretokenizer {
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]+");

    private Pretokenizer() {
    }

    /**
     * What was written.
     *
     * @param samples the samples written
     * @param shards  shard files written (all modalities)
     */
    public record Result(int samples, int shards) {
    }

    /**
     * Checks and packs a folder.
     *
     * @param input           the folder holding one sub-folder per modality
     * @param output          the dataset root to write (its modality folders must hold no shard yet)
     * @param specs           the modalities to pack, by key (= sub-folder name); discrete kinds only
     * @param samplesPerShard samples per shard
     * @throws IOException              if a folder is missing or writing fails
     * @throws IllegalArgumentException naming the file and what was expected
     */
    public static Result run(Path input, Path output, Map<String, ModalitySpec> specs, int samplesPerShard)
            throws IOException {
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("no modality to pack");
        }
        for (ModalitySpec spec : specs.values()) {
            if (!spec.layout().discrete()) {
                throw new IllegalArgumentException("modality '" + spec.key() + "' takes values (its layout is "
                        + spec.layout().name() + "); pretokenize packs token ids only");
            }
        }
        List<String> sampleKeys = sampleKeys(input, specs);
        // check everything first, so a bad file never leaves a half-written dataset
        for (String key : sampleKeys) {
            for (ModalitySpec spec : specs.values()) {
                read(input, spec, key);
            }
        }
        int n = 0;
        List<String> order = new ArrayList<>(specs.keySet());
        int shards;
        try (ShardedDatasetWriter w = new ShardedDatasetWriter(output, order, samplesPerShard)) {
            for (String key : sampleKeys) {
                Map<String, SampleFile> files = new LinkedHashMap<>();
                for (ModalitySpec spec : specs.values()) {
                    Npy.Array a = read(input, spec, key);
                    files.put(spec.key(), new SampleFile("npy", Npy.writeInt16(a.shape(), a.data())));
                }
                w.write(key, files);
                n++;
            }
            w.finish();
            shards = w.shards().size();
        }
        return new Result(n, shards);
    }

    /**
     * The sample keys a run over {@code input} writes, in order (every modality folder must hold the same keys).
     *
     * @throws IOException              if a folder is missing
     * @throws IllegalArgumentException naming a file that is not a {@code <key>.npy} or a key missing in a modality
     */
    public static List<String> sampleKeys(Path input, Map<String, ModalitySpec> specs) throws IOException {
        Map<String, TreeSet<String>> keys = new LinkedHashMap<>();
        for (String m : specs.keySet()) {
            Path dir = input.resolve(m);
            if (!Files.isDirectory(dir)) {
                throw new NoSuchFileException(dir.toString(), null, "the folder of modality '" + m + "' is missing"
                        + " (expected " + input + "/<modality>/<key>.npy)");
            }
            TreeSet<String> found = new TreeSet<>();
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                    String name = f.getFileName().toString();
                    if (!name.endsWith(".npy") || !Files.isRegularFile(f)) {
                        throw new IllegalArgumentException(f + ": expected only <key>.npy files in " + dir);
                    }
                    String key = name.substring(0, name.length() - ".npy".length());
                    if (!KEY.matcher(key).matches()) {
                        throw new IllegalArgumentException(f + ": the key '" + key + "' must be letters, digits, _"
                                + " and - (it becomes the member name in the shards)");
                    }
                    found.add(key);
                }
            }
            if (found.isEmpty()) {
                throw new IllegalArgumentException(dir + " holds no .npy file");
            }
            keys.put(m, found);
        }
        TreeSet<String> all = new TreeSet<>();
        keys.values().forEach(all::addAll);
        for (Map.Entry<String, TreeSet<String>> e : keys.entrySet()) {
            if (e.getValue().size() != all.size()) {
                List<String> missing = new ArrayList<>();
                for (String k : all) {
                    if (!e.getValue().contains(k)) {
                        missing.add(k);
                        if (missing.size() == 5) {
                            break;
                        }
                    }
                }
                throw new IllegalArgumentException(input.resolve(e.getKey()).resolve(missing.get(0) + ".npy")
                        + " is missing: every modality needs a file for every key (" + (all.size()
                        - e.getValue().size()) + " missing in '" + e.getKey() + "', e.g. " + missing + ")");
            }
        }
        return new ArrayList<>(all);
    }

    /** Reads and checks one file; 1-D grids become one crop. */
    private static Npy.Array read(Path input, ModalitySpec spec, String key) throws IOException {
        Path f = input.resolve(spec.key()).resolve(key + ".npy");
        Npy.Array a;
        try {
            a = Npy.read(Files.readAllBytes(f));
        } catch (ShardFormatException e) {
            throw new IllegalArgumentException(f + ": " + e.getMessage(), e);
        }
        int[] shape = a.shape();
        if (!spec.layout().sequence()) {
            int n = spec.layout().maxTokens();
            if (shape.length == 1 && shape[0] == n) {
                a = new Npy.Array(a.descr(), new int[] {1, n}, a.data());
            } else if (!(shape.length == 2 && shape[0] >= 1 && shape[1] == n)) {
                throw new IllegalArgumentException(f + ": shape " + Arrays.toString(shape) + ", expected (" + n
                        + ",) or (n_crops, " + n + ") token ids for " + spec.key());
            }
        } else if (shape.length != 1 || shape[0] > spec.layout().maxTokens()) {
            throw new IllegalArgumentException(f + ": shape " + Arrays.toString(shape) + ", expected (n,) with n <= "
                    + spec.layout().maxTokens() + " token ids for " + spec.key());
        }
        int vocab = spec.vocabSize().orElseThrow();
        int cols = a.shape()[a.shape().length - 1];
        int[] d = a.data();
        for (int i = 0; i < d.length; i++) {
            if (d[i] < 0 || d[i] >= vocab || d[i] > Short.MAX_VALUE) {
                throw new IllegalArgumentException(f + ": token id " + d[i] + " at " + (a.shape().length == 2
                        ? "crop " + i / cols + ", position " + i % cols : "position " + i) + " is outside the"
                        + " vocabulary [0, " + vocab + ") of " + spec.key()
                        + (d[i] > Short.MAX_VALUE ? " (or int16)" : ""));
            }
        }
        return a;
    }
}
