package fourm.synth;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.typesafe.config.Config;
import fourm.api.io.AtomicFiles;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The synthetic multimodal world: generates samples and writes them in the raw layout of the reference's data
 * pipeline, {@code root/{modality}/{key}.{ext}} (see {@link SynthFile}), plus a manifest {@code root/synth.json}
 * (settings, classes, files) written last.
 *
 * <p><b>Determinism.</b> Sample {@code i} draws all its randomness from the {@code i}-th {@link
 * SplittableRandom#split()} of {@code new SplittableRandom(seed)}, so a sample depends only on the settings and its
 * index: the same seed gives byte-identical files whatever the number of threads. Every file is written to a
 * temporary name and renamed into place.
 */
public final class SynthWorld {
    /** Name of the manifest file in the output root. */
    public static final String MANIFEST = "synth.json";
    /** Version of the output layout, recorded in the manifest. */
    public static final int FORMAT_VERSION = 1;

    private SynthWorld() {
    }

    /** Reads the {@code fourm.synth} node of {@code config} and generates; see {@link #generate(SynthSettings, Path,
     * ProgressListener)}. */
    public static SynthSummary generate(Config config, Path outDir, ProgressListener progress) throws IOException {
        return generate(SynthSettings.from(config), outDir, progress);
    }

    /**
     * Generates {@code settings.samples()} samples with {@code settings.threads()} threads and writes them under
     * {@code outDir} (created if absent; existing files of the same keys are replaced).
     *
     * @throws IOException when {@code outDir} is not a writable directory or a write fails; the message names the
     *                     file or sample
     */
    public static SynthSummary generate(SynthSettings settings, Path outDir, ProgressListener progress)
            throws IOException {
        long start = System.nanoTime();
        if (Files.exists(outDir) && !Files.isDirectory(outDir)) {
            throw new IOException("output " + outDir + " exists and is not a directory");
        }
        Files.createDirectories(outDir);
        for (SynthFile f : SynthFile.values()) {
            Files.createDirectories(outDir.resolve(f.folder()));
        }
        int total = settings.samples();
        AtomicInteger done = new AtomicInteger();
        Object progressLock = new Object();
        int threads = settings.threads();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "fourm-synth-" + System.identityHashCode(r));
            t.setDaemon(true);
            return t;
        });
        Semaphore inFlight = new Semaphore(2 * threads);
        List<Future<?>> futures = new ArrayList<>();
        try {
            SplittableRandom root = new SplittableRandom(settings.seed());
            for (int i = 0; i < total; i++) {
                SplittableRandom rng = root.split();
                int index = i;
                inFlight.acquire();
                futures.add(pool.submit(() -> {
                    try {
                        SynthSample sample = SampleFactory.build(settings, index, rng);
                        write(sample, outDir);
                        synchronized (progressLock) {
                            progress.sampleWritten(done.incrementAndGet(), total, sample.key());
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    } finally {
                        inFlight.release();
                    }
                    return null;
                }));
                futures.removeIf(f -> f.isDone() && succeeded(f));
            }
            for (Future<?> f : futures) {
                succeeded(f);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while generating samples into " + outDir);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } finally {
            pool.shutdownNow();
        }
        AtomicFiles.write(outDir.resolve(MANIFEST), manifest(settings).getBytes(StandardCharsets.UTF_8));
        long files = (long) total * SynthFile.values().length + 1;
        return new SynthSummary(outDir, total, files, (System.nanoTime() - start) / 1_000_000);
    }

    /** Waits for {@code f}; rethrows its failure (IOExceptions wrapped unchecked, to be unwrapped by the caller). */
    private static boolean succeeded(Future<?> f) {
        try {
            f.get();
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UncheckedIOException u) {
                throw u;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("a sample failed: " + cause, cause);
        }
    }

    /**
     * Generates sample {@code index} in memory, identical to what {@link #generate} writes for that index under the
     * same settings ({@code settings.samples()} and {@code threads()} do not matter).
     */
    public static SynthSample sample(SynthSettings settings, int index) {
        return SampleFactory.build(settings, index, randomFor(settings.seed(), index));
    }

    /** Writes every file of {@code sample} under {@code root}. */
    public static void write(SynthSample sample, Path root) throws IOException {
        for (SynthFile f : SynthFile.values()) {
            Path target = f.path(root, sample.key());
            try {
                AtomicFiles.write(target, sample.encode(f));
            } catch (IOException e) {
                throw new IOException("cannot write " + target + " (sample " + sample.key() + "): " + e, e);
            }
        }
    }

    /** The random stream of sample {@code index}: the index-th split of {@code new SplittableRandom(seed)}. */
    static SplittableRandom randomFor(long seed, int index) {
        if (index < 0) {
            throw new IllegalArgumentException("sample index must be >= 0, got " + index);
        }
        SplittableRandom root = new SplittableRandom(seed);
        for (int i = 0; i < index; i++) {
            root.split();
        }
        return root.split();
    }

    /** The manifest: layout version, settings, classes and files. Deterministic (no time stamps). */
    static String manifest(SynthSettings s) {
        JsonObject m = new JsonObject();
        m.addProperty("format", "fourm-synth");
        m.addProperty("format_version", FORMAT_VERSION);
        m.addProperty("samples", s.samples());
        m.addProperty("first_key", s.samples() > 0 ? s.key(0) : "");
        m.addProperty("last_key", s.samples() > 0 ? s.key(s.samples() - 1) : "");
        JsonObject settings = new JsonObject();
        settings.addProperty("resolution", s.resolution());
        settings.addProperty("seed", s.seed());
        settings.addProperty("key-prefix", s.keyPrefix());
        settings.addProperty("min-objects", s.minObjects());
        settings.addProperty("max-objects", s.maxObjects());
        settings.addProperty("humans-probability", s.humansProbability());
        settings.addProperty("max-humans", s.maxHumans());
        settings.addProperty("scene-radius", s.sceneRadius());
        settings.addProperty("min-visible-pixels", s.minVisiblePixels());
        settings.addProperty("camera.fov-degrees", s.fovDegrees());
        settings.addProperty("camera.min-elevation-degrees", s.minElevation());
        settings.addProperty("camera.max-elevation-degrees", s.maxElevation());
        settings.addProperty("camera.min-distance", s.minDistance());
        settings.addProperty("camera.max-distance", s.maxDistance());
        settings.addProperty("far", s.far());
        settings.addProperty("supersampling", s.supersampling());
        settings.addProperty("canny.sigma", s.cannySigma());
        settings.addProperty("canny.low-threshold", s.cannyLow());
        settings.addProperty("canny.high-threshold", s.cannyHigh());
        settings.addProperty("polygon-tolerance", s.polygonTolerance());
        settings.addProperty("max-relations", s.maxRelations());
        m.add("settings", settings);
        JsonArray classes = new JsonArray();
        for (Classes.SemanticClass c : Classes.all()) {
            JsonObject o = new JsonObject();
            o.addProperty("id", c.id());
            o.addProperty("name", c.name());
            o.addProperty("thing", c.thing());
            classes.add(o);
        }
        m.add("classes", classes);
        JsonArray files = new JsonArray();
        for (SynthFile f : SynthFile.values()) {
            files.add(f.folder() + "/{key}." + f.extension());
        }
        m.add("files", files);
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(m) + "\n";
    }
}
