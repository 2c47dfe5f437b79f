package fourm.demo;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.typesafe.config.ConfigFactory;
import fourm.modality.det.BoundingBox;
import fourm.modality.det.Detection;
import fourm.modality.det.Detections;
import fourm.synth.SynthFile;
import fourm.synth.SynthSample;
import fourm.synth.SynthSettings;
import fourm.synth.SynthWorld;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The demo's two worlds: the training world and the held-out world, made by fourm-synth with two different seeds,
 * so that no held-out scene is a training scene. Scenes are made in memory ({@link SynthWorld#sample}), in
 * parallel; scene {@code i} of a world depends only on its seed and {@code i}.
 */
public final class World {
    /** The two splits. */
    public enum Split {
        /** Scenes the tokenizers and the model learn from. */
        TRAIN,
        /** Scenes only evaluation and the grids see. */
        HELDOUT
    }

    private World() {
    }

    /** The fourm-synth settings of a split. */
    public static SynthSettings synthSettings(DemoSettings s, Split split) {
        SynthSettings base;
        try {
            base = SynthSettings.from(s.world().synth().atPath(SynthSettings.NODE)
                    .withFallback(ConfigFactory.defaultReference()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(DemoSettings.PATH + ".world.synth: " + e.getMessage(), e);
        }
        return base.withResolution(s.resolution())
                .withSeed(split == Split.TRAIN ? s.world().trainSeed() : s.world().heldoutSeed())
                .withSamples(split == Split.TRAIN ? s.trainScenes() : s.heldoutScenes())
                .withThreads(s.threads());
    }

    /**
     * Makes scenes {@code 0 .. count - 1} of a split.
     *
     * @param progress hears {@code (done, total)}; calls are serialised
     */
    public static List<SceneData> scenes(DemoSettings s, Split split, int count, DemoProgress progress) {
        SynthSettings settings = synthSettings(s, split);
        ExecutorService pool = Executors.newFixedThreadPool(s.threads(), r -> {
            Thread t = new Thread(r, "fourm-demo-world");
            t.setDaemon(true);
            return t;
        });
        AtomicInteger done = new AtomicInteger();
        try {
            List<Future<SceneData>> futures = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    SceneData d = of(SynthWorld.sample(settings, index));
                    int n = done.incrementAndGet();
                    synchronized (progress) {
                        progress.progress(n, count, "scenes");
                    }
                    return d;
                }));
            }
            List<SceneData> out = new ArrayList<>(count);
            for (Future<SceneData> f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while making the world", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("making a scene failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** The demo's view of a fourm-synth sample. */
    public static SceneData of(SynthSample s) {
        byte[] sem = s.semseg();
        int[] classes = new int[sem.length];
        for (int i = 0; i < sem.length; i++) {
            classes[i] = sem[i] & 0xff;
        }
        return new SceneData(s.key(), s.width(), s.rgb(), s.depth(), s.normals(), classes, s.caption(),
                detections(s.json(SynthFile.DET), s.key()), s.far());
    }

    /**
     * Reads fourm-synth's {@code det} JSON: {@code {"instances": [{"boxes": [xmin, ymin, xmax, ymax], "class_name",
     * "score"}]}}, coordinates normalised.
     *
     * @throws IllegalArgumentException naming the sample and the instance when the document does not fit
     */
    static Detections detections(String json, String key) {
        List<Detection> out = new ArrayList<>();
        try {
            JsonObject root = JsonParser.parseString(json).getAsJsonObject();
            JsonArray instances = root.getAsJsonArray("instances");
            for (int i = 0; i < instances.size(); i++) {
                JsonObject o = instances.get(i).getAsJsonObject();
                JsonArray b = o.getAsJsonArray("boxes");
                if (b == null || b.size() != 4) {
                    throw new IllegalArgumentException("instance " + i + ": 'boxes' must hold 4 numbers");
                }
                double[] v = new double[4];
                for (int k = 0; k < 4; k++) {
                    JsonElement e = b.get(k);
                    v[k] = e.getAsDouble();
                }
                BoundingBox box = new BoundingBox(v[0], v[1], v[2], v[3]);
                String name = o.get("class_name").getAsString();
                out.add(o.has("score") ? Detection.scored(box, name, o.get("score").getAsDouble())
                        : Detection.unscored(box, name));
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("sample " + key + ": det JSON does not fit {\"instances\": [{\"boxes\":"
                    + " [xmin, ymin, xmax, ymax], \"class_name\": ...}]}: " + e.getMessage(), e);
        }
        return new Detections(out);
    }
}
