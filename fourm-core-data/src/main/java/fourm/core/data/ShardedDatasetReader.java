package fourm.core.data;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import fourm.api.ModalitySpec;
import fourm.api.ModalityTokenizer;
import fourm.api.TokenLayout;
import fourm.core.io.Npy;
import fourm.core.io.ShardFormatException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams the samples of a pre-tokenized dataset ({@code root/<modality>/shard-NNNNN.tar}), zipped across modalities
 * by key, decoded and validated, through a shuffle buffer, from one background thread into a bounded prefetch queue.
 *
 * <p>Shards are visited in name order, or in a seeded random order when the shuffle buffer is non-zero. Each shard is
 * read whole, one modality at a time, then its samples are zipped by key (the first modality's order, then keys only
 * other modalities have), so memory holds about one shard per modality plus the shuffle buffer and the queue.
 *
 * <p>Every problem names the shard file, the key and what was expected: a corrupt shard (truncated, bad checksum,
 * missing end marker, missing shard file), a key missing in a modality, a duplicate key, a file that does not decode
 * (bad {@code .npy} header, invalid JSON or UTF-8, unsupported extension, wrong shape) and a token id outside the
 * vocabulary. With {@link OnBadSample#FAIL} the first problem ends the stream with a {@link BadSampleException} (thrown
 * by {@link #hasNext()}); with {@link OnBadSample#SKIP} it is logged and counted ({@link #stats()}), the rest of a
 * corrupt shard is dropped and its samples counted as bad.
 *
 * <p>Single consumer; {@link #close()} stops the thread.
 */
public final class ShardedDatasetReader implements Iterator<Sample>, AutoCloseable {
    /** Shard file names: {@code shard-} followed by at least five digits and {@code .tar}. */
    public static final Pattern SHARD_NAME = Pattern.compile("shard-\\d{5,}\\.tar");
    private static final int MAX_PROBLEMS = 100;
    private static final Logger LOG = LoggerFactory.getLogger(ShardedDatasetReader.class);
    private static final Object END = new Object();

    /** What the worker hands over when it fails. */
    private record Failure(Throwable error) {
    }

    /**
     * Counters of a reader.
     *
     * @param samples       samples delivered by {@link #next()}
     * @param badSamples    samples skipped as bad
     * @param corruptShards shard files found corrupt or missing
     * @param problems      the first problems, as messages
     */
    public record Stats(long samples, long badSamples, long corruptShards, List<String> problems) {
    }

    private final Path root;
    private final Map<String, ModalitySpec> specs;
    private final Map<String, ModalityTokenizer<String>> textTokenizers;
    private final DataConfig config;
    private final List<String> shardNames;
    private final BlockingQueue<Object> queue;
    private final Thread worker;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong bad = new AtomicLong();
    private final AtomicLong corrupt = new AtomicLong();
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean closed;
    private Object pending;

    private ShardedDatasetReader(Path root, Map<String, ModalitySpec> specs,
                                 Map<String, ModalityTokenizer<String>> textTokenizers, DataConfig config,
                                 List<String> shardNames) {
        this.root = root;
        this.specs = Collections.unmodifiableMap(new LinkedHashMap<>(specs));
        this.textTokenizers = Map.copyOf(textTokenizers);
        this.config = config;
        this.shardNames = List.copyOf(shardNames);
        this.queue = new ArrayBlockingQueue<>(config.prefetch() + 1);
        this.worker = new Thread(this::run, "fourm-shard-reader");
        this.worker.setDaemon(true);
    }

    /**
     * Opens a dataset and starts the background thread.
     *
     * @param root   the dataset root
     * @param specs  the modalities to read, by key (= folder name), in the order samples list them
     * @param config policy, shuffle buffer, prefetch and seed
     * @throws IOException if the root or a modality folder is missing, or no folder holds a shard
     */
    public static ShardedDatasetReader open(Path root, Map<String, ModalitySpec> specs, DataConfig config)
            throws IOException {
        return open(root, specs, Map.of(), config);
    }

    /**
     * Opens a dataset whose {@code .txt} values are tokenized as they are read: a text of more tokens than its
     * modality's max-tokens is a bad sample naming its token count and the maximum, unless
     * {@link DataConfig#truncateLong()}.
     *
     * @param textTokenizers the text tokenizers by modality key ({@link SampleInputs#textTokenizers(Map)}); a
     *                       modality without one has its text checked later, when it is tokenized
     * @throws IOException if the root or a modality folder is missing, or no folder holds a shard
     */
    public static ShardedDatasetReader open(Path root, Map<String, ModalitySpec> specs,
                                            Map<String, ModalityTokenizer<String>> textTokenizers, DataConfig config)
            throws IOException {
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("at least one modality is required");
        }
        Set<String> names = new TreeSet<>();
        for (String m : specs.keySet()) {
            Path dir = root.resolve(m);
            if (!Files.isDirectory(dir)) {
                throw new NoSuchFileException(dir.toString(), null, "modality folder of '" + m
                        + "' is missing under the dataset root " + root);
            }
            try (Stream<Path> files = Files.list(dir)) {
                files.map(p -> p.getFileName().toString()).filter(n -> SHARD_NAME.matcher(n).matches())
                        .forEach(names::add);
            }
        }
        if (names.isEmpty()) {
            throw new NoSuchFileException(root.toString(), null, "no shard-NNNNN.tar file in any of the modality"
                    + " folders " + specs.keySet());
        }
        ShardedDatasetReader r = new ShardedDatasetReader(root, specs, textTokenizers, config,
                new ArrayList<>(names));
        r.worker.start();
        return r;
    }

    /** The shard file names found, sorted. */
    public List<String> shardNames() {
        return shardNames;
    }

    /** Counters so far. */
    public Stats stats() {
        List<String> copy;
        synchronized (problems) {
            copy = List.copyOf(problems);
        }
        return new Stats(delivered.get(), bad.get(), corrupt.get(), copy);
    }

    /**
     * Waits for the next sample.
     *
     * @throws BadSampleException on a bad sample or corrupt shard under {@link OnBadSample#FAIL}
     * @throws UncheckedIOException if a shard cannot be read
     */
    @Override
    public boolean hasNext() {
        if (closed) {
            return false;
        }
        if (pending == null) {
            try {
                pending = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the next sample", e);
            }
        }
        if (pending == END) {
            return false;
        }
        if (pending instanceof Failure) {
            Throwable t = ((Failure) pending).error();
            if (t instanceof BadSampleException) {
                throw (BadSampleException) t;
            }
            if (t instanceof IOException) {
                throw new UncheckedIOException((IOException) t);
            }
            throw new IllegalStateException("the shard reader thread failed: " + t, t);
        }
        return true;
    }

    @Override
    public Sample next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more samples");
        }
        Sample s = (Sample) pending;
        pending = null;
        delivered.incrementAndGet();
        return s;
    }

    /** Stops the background thread and drops prefetched samples. */
    @Override
    public void close() {
        closed = true;
        worker.interrupt();
        queue.clear();
        try {
            worker.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ worker

    private void run() {
        try {
            List<String> order = new ArrayList<>(shardNames);
            SplittableRandom rng = new SplittableRandom(config.seed());
            if (config.shuffleBuffer() > 0) {
                for (int i = order.size() - 1; i > 0; i--) {
                    Collections.swap(order, i, rng.nextInt(i + 1));
                }
            }
            List<Sample> buffer = new ArrayList<>(Math.max(config.shuffleBuffer(), 1));
            for (String shard : order) {
                readShard(shard, sample -> {
                    if (config.shuffleBuffer() == 0) {
                        emit(sample);
                    } else if (buffer.size() < config.shuffleBuffer()) {
                        buffer.add(sample);
                    } else {
                        int j = rng.nextInt(buffer.size());
                        emit(buffer.get(j));
                        buffer.set(j, sample);
                    }
                });
            }
            while (!buffer.isEmpty()) {
                int j = rng.nextInt(buffer.size());
                Sample s = buffer.get(j);
                buffer.set(j, buffer.get(buffer.size() - 1));
                buffer.remove(buffer.size() - 1);
                emit(s);
            }
            queue.put(END);
        } catch (InterruptedException e) {
            // closed
        } catch (Throwable t) {
            if (!closed) {
                try {
                    queue.put(new Failure(t));
                } catch (InterruptedException e) {
                    // closed while reporting
                }
            }
        }
    }

    private interface SampleSink {
        void accept(Sample s) throws InterruptedException;
    }

    private void emit(Sample s) throws InterruptedException {
        if (closed) {
            throw new InterruptedException("closed");
        }
        queue.put(s);
    }

    /** A member file of one modality's shard. */
    private record Member(String extension, byte[] bytes, String duplicateOf) {
    }

    private void readShard(String shard, SampleSink sink) throws InterruptedException {
        Map<String, Map<String, Member>> byModality = new LinkedHashMap<>();
        for (String m : specs.keySet()) {
            Map<String, Member> members = new LinkedHashMap<>();
            byModality.put(m, members);
            Path file = root.resolve(m).resolve(shard);
            if (!Files.exists(file)) {
                shardProblem(file, m, "missing shard file: other modalities have " + shard);
                continue;
            }
            String lastKey = null;
            try (TarReader tar = new TarReader(new BufferedInputStream(Files.newInputStream(file), 1 << 16),
                    file.toString())) {
                TarReader.Entry e;
                while ((e = tar.next()) != null) {
                    String base = e.name().substring(e.name().lastIndexOf('/') + 1);
                    int dot = base.indexOf('.');
                    String key = dot < 0 ? base : base.substring(0, dot);
                    String ext = dot < 0 ? "" : base.substring(dot + 1);
                    Member previous = members.get(key);
                    members.put(key, new Member(ext, e.data(), previous == null ? null
                            : key + "." + previous.extension()));
                    lastKey = key;
                }
            } catch (IOException ex) {
                shardProblem(file, m, "corrupt shard" + (lastKey == null ? "" : " after sample '" + lastKey
                        + "'") + ": " + ex.getMessage());
            }
        }
        Set<String> keys = new LinkedHashSet<>();
        for (Map<String, Member> members : byModality.values()) {
            keys.addAll(members.keySet());
        }
        for (String key : keys) {
            Map<String, Sample.Value> values = new LinkedHashMap<>();
            String problem = null;
            String where = null;
            for (Map.Entry<String, ModalitySpec> s : specs.entrySet()) {
                String m = s.getKey();
                Member member = byModality.get(m).get(key);
                where = m;
                if (member == null) {
                    problem = "missing in modality '" + m + "': " + root.resolve(m).resolve(shard)
                            + " has no member '" + key + ".*'";
                    break;
                }
                if (member.duplicateOf() != null) {
                    problem = "duplicate key: the shard holds both '" + member.duplicateOf() + "' and '" + key + "."
                            + member.extension() + "'";
                    break;
                }
                try {
                    values.put(m, decode(s.getValue(), member));
                    checkTextLength(s.getValue(), values.get(m));
                } catch (ShardFormatException | IllegalArgumentException ex) {
                    problem = "member '" + key + "." + member.extension() + "': " + ex.getMessage();
                    break;
                }
            }
            if (problem != null) {
                badSample(root.resolve(where).resolve(shard), key, where, problem);
                continue;
            }
            sink.accept(new Sample(key, shard, values));
        }
    }

    private void shardProblem(Path file, String modality, String problem) {
        BadSampleException e = new BadSampleException(file, null, modality, problem);
        if (config.onBadSample() == OnBadSample.FAIL) {
            throw e;
        }
        corrupt.incrementAndGet();
        record(e);
    }

    private void badSample(Path file, String key, String modality, String problem) {
        BadSampleException e = new BadSampleException(file, key, modality, problem);
        if (config.onBadSample() == OnBadSample.FAIL) {
            throw e;
        }
        bad.incrementAndGet();
        record(e);
    }

    private void record(BadSampleException e) {
        synchronized (problems) {
            if (problems.size() < MAX_PROBLEMS) {
                problems.add(e.getMessage());
                LOG.warn("skipped: {}", e.getMessage());
            }
        }
    }

    /** Decodes and validates a member against its modality's specification. */
    private Sample.Value decode(ModalitySpec spec, Member member) throws ShardFormatException {
        return decode(spec, member.extension(), member.bytes(), config.truncateLong());
    }

    /** Refuses a text of more tokens than max-tokens, unless truncating. */
    private void checkTextLength(ModalitySpec spec, Sample.Value value) throws ShardFormatException {
        ModalityTokenizer<String> tok = textTokenizers.get(spec.key());
        if (tok == null || config.truncateLong() || !(value instanceof Sample.Text)) {
            return;
        }
        int n = tok.encode(((Sample.Text) value).text()).length;
        if (n > spec.maxTokens()) {
            throw new ShardFormatException(tooLong("text of " + n + " tokens", spec));
        }
    }

    /** What a sequence longer than max-tokens is told. */
    static String tooLong(String what, ModalitySpec spec) {
        return what + ", more than the " + spec.maxTokens() + " (max-tokens) of " + spec.key() + " (" + DataConfig.PATH
                + ".long-sequences = truncate keeps the first " + spec.maxTokens() + ", as the reference does)";
    }

    /**
     * Decodes and validates one member file, refusing a sequence longer than max-tokens.
     *
     * @throws ShardFormatException or IllegalArgumentException saying what was expected
     */
    static Sample.Value decode(ModalitySpec spec, String extension, byte[] bytes) throws ShardFormatException {
        return decode(spec, extension, bytes, false);
    }

    /**
     * Decodes and validates one member file.
     *
     * @param truncate cut a {@code .npy} sequence longer than max-tokens instead of refusing it
     * @throws ShardFormatException or IllegalArgumentException saying what was expected
     */
    static Sample.Value decode(ModalitySpec spec, String extension, byte[] bytes, boolean truncate)
            throws ShardFormatException {
        TokenLayout layout = spec.layout();
        switch (extension) {
            case "npy": {
                if (!layout.discrete()) {
                    throw new ShardFormatException("a .npy of token ids does not fit " + spec.key() + ", whose "
                            + layout.name() + " layout takes values");
                }
                Npy.Array a = Npy.read(bytes);
                int[] shape = a.shape();
                if (!layout.sequence()) {
                    if (shape.length != 2 || shape[0] < 1 || shape[1] != layout.maxTokens()) {
                        throw new ShardFormatException(".npy of shape " + java.util.Arrays.toString(shape)
                                + ", expected (n_crops, " + layout.maxTokens() + ") for " + spec.key());
                    }
                } else if (shape.length < 1 || shape.length > 2) {
                    throw new ShardFormatException(".npy of shape " + java.util.Arrays.toString(shape)
                            + ", expected (n,) or (n_crops, n) token ids");
                } else if (shape[shape.length - 1] > spec.maxTokens()) {
                    if (!truncate) {
                        throw new ShardFormatException(tooLong(".npy of " + shape[shape.length - 1] + " token ids",
                                spec));
                    }
                    a = firstColumns(a, spec.maxTokens());
                    shape = a.shape();
                }
                int vocab = spec.vocabSize().orElseThrow();
                int[] ids = a.data();
                int cols = shape.length == 1 ? shape[0] : shape[1];
                for (int i = 0; i < ids.length; i++) {
                    if (ids[i] < 0 || ids[i] >= vocab) {
                        throw new ShardFormatException("token id " + ids[i] + " at crop " + (cols == 0 ? 0 : i / cols)
                                + ", position " + (cols == 0 ? 0 : i % cols) + " is outside the vocabulary [0, " + vocab
                                + ") of " + spec.key());
                    }
                }
                return new Sample.Tokens(a);
            }
            case "txt":
                requireSequence(spec, extension);
                return new Sample.Text(utf8(bytes));
            case "json":
                requireSequence(spec, extension);
                try {
                    JsonElement json = JsonParser.parseString(utf8(bytes));
                    return new Sample.Json(json);
                } catch (JsonParseException e) {
                    throw new ShardFormatException("not valid JSON: " + e.getMessage());
                }
            default:
                throw new ShardFormatException("unsupported file extension '." + extension + "' for " + spec.key()
                        + " (expected .npy, .txt or .json)");
        }
    }

    /** The first {@code n} ids of every row. */
    private static Npy.Array firstColumns(Npy.Array a, int n) {
        int[] shape = a.shape().clone();
        int cols = shape[shape.length - 1];
        int rows = shape.length == 1 ? 1 : shape[0];
        int[] data = a.data();
        int[] cut = new int[rows * n];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(data, r * cols, cut, r * n, n);
        }
        shape[shape.length - 1] = n;
        return new Npy.Array(a.descr(), shape, cut);
    }

    private static void requireSequence(ModalitySpec spec, String extension) throws ShardFormatException {
        TokenLayout layout = spec.layout();
        if (!layout.sequence() || !layout.discrete()) {
            throw new ShardFormatException("a ." + extension + " file does not fit " + spec.key() + ", whose "
                    + layout.name() + " layout is not a sequence of token ids (expected " + (layout.discrete()
                    ? ".npy token ids" : "values this format does not carry") + ")");
        }
    }

    private static String utf8(byte[] bytes) throws ShardFormatException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ShardFormatException("not valid UTF-8 text");
        }
    }
}
