package fourm.demo;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import fourm.api.Modality;
import fourm.api.io.AtomicFiles;
import fourm.modality.text.TextTokenizer;
import fourm.vq.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The demo pipeline, {@code fourm demo}: the synthetic world, tokenizers, a small 4M, any-to-any generation on held-out
 * scenes, PNG grids and a metrics JSON.
 *
 * <ol>
 *   <li><b>World</b>: the training and held-out worlds (fourm-synth, two seeds), in memory.</li>
 *   <li><b>Weights</b>, with {@code weights = train}: the text tokenizer ({@link DemoText}), the four image tokenizers
 *       ({@link DemoTokenizers}), the pre-tokenized training world ({@link WorldDatasetWriter}, fourm-core's dataset
 *       format) and the 4M ({@link ModelTraining}); each written under {@code <out>/weights}. With
 *       {@code weights = shipped}: the weights shipped in this module (trained by this very pipeline) are copied
 *       there instead.</li>
 *   <li><b>Evaluation</b> ({@link Evaluator}): RGB to depth, normals, semseg, caption and boxes on every held-out
 *       scene, scored beside the tokenizer bound and the trivial predictor.</li>
 *   <li><b>Grids</b> ({@link Grids}): for the first {@code examples} held-out scenes, caption to RGB and depth plus
 *       caption to RGB as well, and one PNG per scene under {@code <out>/grids}.</li>
 *   <li><b>Metrics</b>: {@code <out>/metrics.json} with the table, the timings and the settings.</li>
 * </ol>
 */
public final class Demo {
    /** The resource folder of the shipped weights (inside this module). */
    static final String SHIPPED = "weights/";
    /** The files of a complete set of weights. */
    static final List<String> WEIGHT_FILES = List.of(DemoText.TOKENIZER_FILE, "rgb.safetensors", "depth.safetensors",
            "normal.safetensors", "semseg.safetensors", "model.safetensors", "weights.json");

    private Demo() {
    }

    /**
     * What a run produced.
     *
     * @param report   the evaluation table
     * @param grids    the PNG files written
     * @param metrics  the metrics JSON file
     * @param seconds  wall time of each stage, seconds
     */
    public record Result(EvalReport report, List<Path> grids, Path metrics, Map<String, Double> seconds) {
    }

    /**
     * Runs the demo.
     *
     * @param s        the settings
     * @param outDir   the output folder (created)
     * @param progress hears every stage
     * @param console  where the training loop prints its lines (null for none)
     */
    public static Result run(DemoSettings s, Path outDir, DemoProgress progress, PrintStream console)
            throws IOException {
        prepareEngine(s);
        boolean train = s.weights() == DemoSettings.Weights.TRAIN;
        int stages = train ? 8 : 5;
        Stages st = new Stages(progress, stages);
        Files.createDirectories(outDir);
        Path weights = outDir.resolve("weights");

        // Without training, the training world only feeds the trivial predictor: its saved statistics spare making it.
        Optional<TrivialPredictor> saved = train ? Optional.empty() : savedTrivial(s, weights);
        List<SceneData> train0;
        if (saved.isPresent()) {
            st.next("making the held-out world: " + s.heldoutScenes() + " scenes at " + s.resolution()
                    + " px (the trivial predictor of the " + s.trainScenes() + " training scenes is saved)");
            train0 = List.of();
        } else {
            st.next("making the worlds: " + s.trainScenes() + " training and " + s.heldoutScenes()
                    + " held-out scenes at " + s.resolution() + " px");
            train0 = World.scenes(s, World.Split.TRAIN, s.trainScenes(), progress);
        }
        List<SceneData> heldout = World.scenes(s, World.Split.HELDOUT, s.heldoutScenes(), progress);

        TextTokenizer text;
        if (train) {
            st.next("learning the text tokenizer from the training captions and boxes");
            Files.createDirectories(weights);
            text = DemoText.train(train0, s.text(), weights.resolve(DemoText.TOKENIZER_FILE));
            progress.message("text tokenizer: " + text.vocabSize() + " ids (" + (text.vocabSize() - 4284)
                    + " word pieces after the 4284 reserved ids)");
            st.next("training the image tokenizers (rgb, depth, normal, semseg)");
            Path stamp = weights.resolve(TOKENIZER_STAMP);
            String want = tokenizerStamp(s);
            if (Files.isRegularFile(stamp) && Files.readString(stamp, StandardCharsets.UTF_8).equals(want)
                    && allPresent(weights, WorldMap.ALL)) {
                progress.message("reusing the image tokenizers in " + weights + " (trained with the same settings;"
                        + " delete " + stamp.getFileName() + " to train them again)");
            } else {
                Files.deleteIfExists(stamp);
                DemoTokenizers.train(s.root(), s, train0, weights, progress).close();
                AtomicFiles.writeString(stamp, want);
            }
        } else {
            st.next("copying the shipped weights to " + weights);
            copyShipped(weights);
            checkShipped(weights, s);
            text = DemoText.load(weights.resolve(DemoText.TOKENIZER_FILE));
        }
        try (DemoTokenizers tokenizers = DemoTokenizers.load(s.root(), weights, s)) {
            Map<WorldMap, String> keys = new LinkedHashMap<>();
            Map<String, Modality> modalities = modalities(s, text, tokenizers, keys);
            if (train) {
                st.next("pre-tokenizing the training world into " + outDir.resolve("dataset"));
                WorldDatasetWriter.write(train0, tokenizers, keys, modalities, outDir.resolve("dataset"), progress);
                st.next("training the 4M model");
                Path run = outDir.resolve("train-run");
                WorldDatasetWriter.deleteTree(run);
                ModelTraining.train(s.root(), s, modalities, keys.get(WorldMap.RGB), outDir.resolve("dataset"),
                        run, weights.resolve("model.safetensors"), console, progress);
                writeWeightsInfo(weights, s, text);
            }
            EvalReport report;
            List<Path> grids = new ArrayList<>();
            try (DemoModel model = new DemoModel(weights.resolve("model.safetensors"), modalities, keys, tokenizers,
                    s.generation())) {
                st.next("generating RGB -> depth, normals, semseg, caption, boxes on " + heldout.size()
                        + " held-out scenes and scoring them");
                TrivialPredictor trivial = saved.isPresent() ? saved.get() : fitAndSave(s, train0, weights);
                Evaluator.Result r = Evaluator.evaluate(model, tokenizers, heldout, trivial, s.generation().seed(),
                        progress);
                report = r.report();
                st.next("caption -> RGB and depth + caption -> RGB; writing " + s.examples() + " PNG grids");
                grids = writeGrids(model, heldout.subList(0, s.examples()),
                        r.predictions().subList(0, s.examples()), s, outDir.resolve("grids"), progress);
            }
            st.next("writing " + outDir.resolve("metrics.json"));
            Path metrics = outDir.resolve("metrics.json");
            st.finish();
            writeJson(metrics, metricsJson(s, report, grids, outDir, st.seconds()));
            return new Result(report, grids, metrics, st.seconds());
        }
    }

    /**
     * {@code fourm eval}: loads the weights (the shipped ones, or those of a demo output folder), evaluates on the
     * held-out world and writes the table as JSON.
     *
     * @param weightsDir a folder holding the weight files, or null for the shipped weights
     * @param outJson    where the JSON goes
     */
    public static EvalReport evaluate(DemoSettings s, Path weightsDir, Path outJson, DemoProgress progress)
            throws IOException {
        prepareEngine(s);
        Stages st = new Stages(progress, 3);
        Path dir = weightsDir;
        if (dir == null) {
            dir = Files.createTempDirectory("fourm-demo-weights");
        }
        try {
            st.next("loading the weights" + (weightsDir == null ? " (shipped)" : " from " + weightsDir));
            if (weightsDir == null) {
                copyShipped(dir);
                checkShipped(dir, s);
            }
            for (String f : WEIGHT_FILES) {
                if (!Files.isRegularFile(dir.resolve(f))) {
                    throw new NoSuchFileException(dir.resolve(f).toString(), null, "a demo weight file is missing"
                            + " (expected " + WEIGHT_FILES + ", as `fourm demo --train` writes them under <out>/weights)");
                }
            }
            TextTokenizer text = DemoText.load(dir.resolve(DemoText.TOKENIZER_FILE));
            Optional<TrivialPredictor> saved = savedTrivial(s, weightsDir);
            TrivialPredictor trivial;
            if (saved.isPresent()) {
                st.next("making the held-out world: " + s.heldoutScenes() + " scenes (the trivial predictor of the "
                        + s.trainScenes() + " training scenes is saved)");
                trivial = saved.get();
            } else {
                st.next("making the worlds: " + s.trainScenes() + " training scenes (for the trivial predictor) and "
                        + s.heldoutScenes() + " held-out scenes");
                trivial = TrivialPredictor.fit(World.scenes(s, World.Split.TRAIN, s.trainScenes(), progress));
            }
            List<SceneData> heldout = World.scenes(s, World.Split.HELDOUT, s.heldoutScenes(), progress);
            try (DemoTokenizers tokenizers = DemoTokenizers.load(s.root(), dir, s)) {
                Map<WorldMap, String> keys = new LinkedHashMap<>();
                Map<String, Modality> modalities = modalities(s, text, tokenizers, keys);
                try (DemoModel model = new DemoModel(dir.resolve("model.safetensors"), modalities, keys, tokenizers,
                        s.generation())) {
                    st.next("generating from RGB on " + heldout.size() + " held-out scenes and scoring");
                    EvalReport report = Evaluator.evaluate(model, tokenizers, heldout, trivial,
                            s.generation().seed(), progress).report();
                    st.finish();
                    JsonObject o = new JsonObject();
                    o.addProperty("command", "fourm eval");
                    o.addProperty("weights", weightsDir == null ? "shipped" : weightsDir.toString());
                    o.add("settings", settingsJson(s));
                    o.add("eval", report.toJson());
                    o.add("seconds", secondsJson(st.seconds()));
                    writeJson(outJson, o);
                    return report;
                }
            }
        } finally {
            if (weightsDir == null) {
                WorldDatasetWriter.deleteTree(dir);
            }
        }
    }

    /**
     * The experiment's modalities in order: the four image modalities (as their plugins built them, with their
     * tokenizers), caption, det.
     */
    static Map<String, Modality> modalities(DemoSettings s, TextTokenizer text, DemoTokenizers tokenizers,
                                            Map<WorldMap, String> keys) {
        Map<String, Modality> out = new LinkedHashMap<>();
        for (WorldMap m : WorldMap.ALL) {
            Modality md = tokenizers.modality(m);
            out.put(md.key(), md);
            keys.put(m, md.key());
        }
        out.put("caption", DemoText.caption(s.root(), text, s.text().captionMaxTokens()));
        out.put("det", DemoText.det(s.root(), text, s.text().detMaxTokens()));
        return out;
    }

    private static List<Path> writeGrids(DemoModel model, List<SceneData> scenes,
                                         List<DemoModel.RgbPrediction> predictions, DemoSettings s, Path dir,
                                         DemoProgress progress) throws IOException {
        Files.createDirectories(dir);
        List<Path> out = new ArrayList<>();
        if (scenes.isEmpty()) {
            return out;
        }
        String depthKey = model.key(WorldMap.DEPTH);
        List<int[]> depth = model.depthTokens(scenes);
        List<Map<String, Object>> fromCaption = new ArrayList<>();
        List<Map<String, Object>> fromDepthCaption = new ArrayList<>();
        for (int i = 0; i < scenes.size(); i++) {
            fromCaption.add(Map.of("caption", scenes.get(i).caption()));
            fromDepthCaption.add(Map.of(depthKey, depth.get(i), "caption", scenes.get(i).caption()));
        }
        List<Raster> rgb1 = model.toRgb(fromCaption, s.generation().seed());
        progress.progress(1, 2, "X -> RGB batches");
        List<Raster> rgb2 = model.toRgb(fromDepthCaption, s.generation().seed() + 1);
        progress.progress(2, 2, "X -> RGB batches");
        for (int i = 0; i < scenes.size(); i++) {
            Path f = dir.resolve(String.format(Locale.ROOT, "example-%02d-%s.png", i, scenes.get(i).key()));
            Grids.write(new Grids.Example(scenes.get(i), predictions.get(i), rgb1.get(i), rgb2.get(i)), f);
            out.add(f);
        }
        progress.message("grids: " + dir);
        return out;
    }

    /** Sets the engine's intra-op threads (unless given on the command line). */
    static void prepareEngine(DemoSettings s) {
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(s.engineThreads()));
        }
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }

    /** The file recording what the image tokenizers in a weights folder were trained with. */
    static final String TOKENIZER_STAMP = "tokenizers.stamp";

    /**
     * Everything the image tokenizers depend on (the world, and per tokenizer its architecture and resolved training
     * settings, overrides applied), as text: tokenizers trained with the same stamp are reused.
     */
    static String tokenizerStamp(DemoSettings s) {
        JsonObject o = new JsonObject();
        o.addProperty("resolution", s.resolution());
        o.addProperty("patch_size", s.patchSize());
        o.addProperty("train_scenes", s.trainScenes());
        o.addProperty("train_seed", s.world().trainSeed());
        o.addProperty("synth", s.world().synth().root().render(com.typesafe.config.ConfigRenderOptions.concise()));
        o.addProperty("steps", s.tokenizers().steps());
        o.addProperty("batch_size", s.tokenizers().batchSize());
        for (WorldMap m : WorldMap.ALL) {
            fourm.vq.train.VqTrainSettings v = DemoTokenizers.settings(s.root(), s, m, Path.of("."));
            o.addProperty(m.name(), v.preset() + " " + v.model().toJson() + " " + v.resolved());
        }
        return o.toString();
    }

    /** What the trivial predictor depends on: the training world (its size, seed and fourm-synth settings). */
    static JsonObject trivialWorld(DemoSettings s) {
        JsonObject o = new JsonObject();
        o.addProperty("resolution", s.resolution());
        o.addProperty("train_scenes", s.trainScenes());
        o.addProperty("train_seed", s.world().trainSeed());
        o.addProperty("synth", s.world().synth().root().render(com.typesafe.config.ConfigRenderOptions.concise()));
        return o;
    }

    /**
     * The trivial predictor saved for this training world: in {@code dir} (a weights folder, may be null), else the
     * one shipped with the weights; empty when neither was fitted on this world.
     */
    static Optional<TrivialPredictor> savedTrivial(DemoSettings s, Path dir) throws IOException {
        JsonObject world = trivialWorld(s);
        if (dir != null && Files.isRegularFile(dir.resolve(TrivialPredictor.FILE))) {
            Path f = dir.resolve(TrivialPredictor.FILE);
            Optional<TrivialPredictor> p = TrivialPredictor.read(Files.readString(f, StandardCharsets.UTF_8), world,
                    f.toString());
            if (p.isPresent()) {
                return p;
            }
        }
        try (InputStream in = Demo.class.getResourceAsStream(SHIPPED + TrivialPredictor.FILE)) {
            if (in == null) {
                return Optional.empty();
            }
            return TrivialPredictor.read(new String(in.readAllBytes(), StandardCharsets.UTF_8), world,
                    "fourm-demo: " + SHIPPED + TrivialPredictor.FILE);
        }
    }

    /** Fits the trivial predictor and saves it in the weights folder, so that later runs need not make the world. */
    private static TrivialPredictor fitAndSave(DemoSettings s, List<SceneData> train, Path weights)
            throws IOException {
        TrivialPredictor p = TrivialPredictor.fit(train);
        p.write(weights.resolve(TrivialPredictor.FILE), trivialWorld(s));
        return p;
    }

    private static boolean allPresent(Path dir, List<WorldMap> ms) {
        for (WorldMap m : ms) {
            if (!Files.isRegularFile(DemoTokenizers.file(dir, m))) {
                return false;
            }
        }
        return true;
    }

    /** Whether this build ships demo weights. */
    public static boolean hasShippedWeights() {
        for (String f : WEIGHT_FILES) {
            if (Demo.class.getResource(SHIPPED + f) == null) {
                return false;
            }
        }
        return true;
    }

    /** Copies the shipped weights into {@code dir}. */
    static void copyShipped(Path dir) throws IOException {
        if (!hasShippedWeights()) {
            throw new NoSuchFileException("fourm-demo: " + SHIPPED, null, "this build ships no demo weights; train"
                    + " them with `fourm demo --train`");
        }
        Files.createDirectories(dir);
        for (String f : WEIGHT_FILES) {
            try (InputStream in = Demo.class.getResourceAsStream(SHIPPED + f)) {
                AtomicFiles.write(dir.resolve(f), tmp -> Files.copy(in, tmp));
            }
        }
    }

    /** The settings the weights depend on; shipped weights must have been trained with the same. */
    static JsonObject weightsSignature(DemoSettings s) {
        JsonObject o = new JsonObject();
        o.addProperty("resolution", s.resolution());
        o.addProperty("patch_size", s.patchSize());
        o.addProperty("caption_max_tokens", s.text().captionMaxTokens());
        o.addProperty("det_max_tokens", s.text().detMaxTokens());
        return o;
    }

    private static void checkShipped(Path dir, DemoSettings s) throws IOException {
        JsonObject info = com.google.gson.JsonParser.parseString(Files.readString(dir.resolve("weights.json"),
                StandardCharsets.UTF_8)).getAsJsonObject();
        JsonObject want = weightsSignature(s);
        JsonObject got = info.getAsJsonObject("signature");
        if (!want.equals(got)) {
            throw new IllegalArgumentException("the shipped weights were trained with " + got + " but the settings"
                    + " ask for " + want + "; use the defaults, or train with `fourm demo --train`");
        }
    }

    private static void writeWeightsInfo(Path weights, DemoSettings s, TextTokenizer text) throws IOException {
        JsonObject o = new JsonObject();
        o.add("signature", weightsSignature(s));
        o.add("settings", settingsJson(s));
        o.addProperty("text_vocab_size", text.vocabSize());
        JsonObject sizes = new JsonObject();
        long total = 0;
        for (String f : WEIGHT_FILES) {
            Path p = weights.resolve(f);
            if (Files.isRegularFile(p)) {
                sizes.addProperty(f, Files.size(p));
                total += Files.size(p);
            }
        }
        o.add("file_bytes", sizes);
        o.addProperty("total_bytes", total);
        writeJson(weights.resolve("weights.json"), o);
    }

    static JsonObject settingsJson(DemoSettings s) {
        return com.google.gson.JsonParser.parseString(s.root().getConfig(DemoSettings.PATH).root()
                .render(com.typesafe.config.ConfigRenderOptions.concise())).getAsJsonObject();
    }

    private static JsonObject secondsJson(Map<String, Double> seconds) {
        JsonObject o = new JsonObject();
        seconds.forEach(o::addProperty);
        return o;
    }

    private static JsonObject metricsJson(DemoSettings s, EvalReport report, List<Path> grids, Path outDir,
                                          Map<String, Double> seconds) {
        JsonObject o = new JsonObject();
        o.addProperty("command", "fourm demo");
        o.addProperty("weights", s.weights().name().toLowerCase(Locale.ROOT));
        o.add("settings", settingsJson(s));
        o.add("eval", report.toJson());
        JsonArray g = new JsonArray();
        for (Path p : grids) {
            g.add(outDir.relativize(p).toString());
        }
        o.add("grids", g);
        o.add("seconds", secondsJson(seconds));
        return o;
    }

    static void writeJson(Path file, JsonObject o) throws IOException {
        AtomicFiles.writeString(file, new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
                .create().toJson(o) + "\n");
    }

    /** Numbered stages with their wall times. */
    private static final class Stages {
        private final DemoProgress progress;
        private final int total;
        private final Map<String, Double> seconds = new LinkedHashMap<>();
        private int index;
        private String name;
        private long start;

        Stages(DemoProgress progress, int total) {
            this.progress = progress;
            this.total = total;
        }

        void next(String stage) {
            finish();
            index++;
            name = stage;
            start = System.nanoTime();
            progress.stage(index, total, stage);
        }

        void finish() {
            if (name != null) {
                seconds.put(name, (System.nanoTime() - start) / 1e9);
                name = null;
            }
        }

        Map<String, Double> seconds() {
            return new LinkedHashMap<>(seconds);
        }
    }
}
