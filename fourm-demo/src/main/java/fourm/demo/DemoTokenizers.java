package fourm.demo;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import fourm.vq.ImageTokenizer;
import fourm.vq.Raster;
import fourm.vq.TokenGrid;
import fourm.vq.VqCheckpoints;
import fourm.vq.VqConfig;
import fourm.vq.VqModel;
import fourm.vq.train.TrainingData;
import fourm.vq.train.VqTrainSettings;
import fourm.vq.train.VqTrainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The four image tokenizers of the demo (fourm-vq VQ-VAEs): trained on the training world, saved as
 * {@code <name>.safetensors}, loaded back, and used to encode scenes into token grids and decode grids into maps.
 *
 * <p>Each is fourm-vq's preset named in {@code fourm.demo.tokenizers.presets} (architecture and training defaults in
 * fourm-vq's {@code reference.conf}) with the demo's {@code tokenizers.overrides} merged over it, trained for {@code fourm.demo.tokenizers.steps} steps of
 * {@code fourm.demo.tokenizers.batch-size} images taken from memory; the last 64 training scenes are held out for the
 * reconstruction metrics fourm-vq reports. The saved weights are stored as float16 ({@link HalfPrecision}): the
 * tokenizers the demo uses and ships are exactly the ones in the files. Closing this object frees the models.
 */
public final class DemoTokenizers implements AutoCloseable {
    private static final int EVAL_SCENES = 64;
    private final Map<ImageModality, ImageTokenizer> tokenizers;

    private DemoTokenizers(Map<ImageModality, ImageTokenizer> tokenizers) {
        this.tokenizers = tokenizers;
    }

    /** The checkpoint file of a modality's tokenizer in {@code dir}. */
    public static Path file(Path dir, ImageModality m) {
        return dir.resolve(m.shortName() + ".safetensors");
    }

    /**
     * The fourm-vq training settings of one tokenizer: the preset with the demo's steps and batch size, and its data
     * taken from memory (no files). Normal maps are not flipped (a horizontal flip would have to negate x).
     */
    static VqTrainSettings settings(Config root, DemoSettings s, ImageModality m, Path outDir) {
        String preset = s.tokenizers().presets().get(m.shortName());
        String presetPath = "fourm.vq.presets." + preset;
        Config base = root;
        if (s.tokenizers().overrides().hasPath(m.shortName())) {
            base = s.tokenizers().overrides().getConfig(m.shortName()).atPath(presetPath).withFallback(root);
        }
        String at = presetPath + ".train.";
        Config c = base.withValue(at + "steps", ConfigValueFactory.fromAnyRef(s.tokenizers().steps()))
                .withValue(at + "batch-size", ConfigValueFactory.fromAnyRef(s.tokenizers().batchSize()))
                .withValue(at + "output-dir", ConfigValueFactory.fromAnyRef(outDir.toString()))
                .withValue(at + "data.path", ConfigValueFactory.fromAnyRef(outDir.toString()))
                .withValue(at + "data.folder", ConfigValueFactory.fromAnyRef(m.shortName()));
        if (m == ImageModality.NORMAL) {
            c = c.withValue(at + "data.hflip", ConfigValueFactory.fromAnyRef(false));
        }
        VqTrainSettings v = VqTrainSettings.fromConfig(c, preset);
        VqConfig model = v.model();
        if (model.imageSize() != s.resolution() || model.patchSize() != s.patchSize()) {
            throw new IllegalArgumentException("fourm.vq.presets." + preset + ".model: image-size " + model.imageSize()
                    + " and patch-size " + model.patchSize() + " do not fit fourm.demo.resolution " + s.resolution()
                    + " and fourm.demo.patch-size " + s.patchSize());
        }
        return v;
    }

    /**
     * Trains the four tokenizers on the scenes and saves them in {@code dir}.
     *
     * @param progress hears each tokenizer's steps
     * @return the trained tokenizers
     */
    public static DemoTokenizers train(Config root, DemoSettings s, List<SceneData> scenes, Path dir,
                                       DemoProgress progress) throws IOException {
        List<VqTrainSettings> all = new ArrayList<>();
        for (ImageModality m : ImageModality.values()) {
            all.add(settings(root, s, m, dir));
        }
        long totalSteps = all.stream().mapToLong(VqTrainSettings::steps).sum();
        // One after the other on this thread: DJL's PyTorch engine records gradients for one collector at a time
        // in the whole JVM, so tokenizers cannot train side by side.
        AtomicLong done = new AtomicLong();
        for (ImageModality m : ImageModality.values()) {
            trainOne(m, all.get(m.ordinal()), scenes, dir, progress, done, totalSteps);
        }
        return load(dir, s);
    }

    private static void trainOne(ImageModality m, VqTrainSettings v, List<SceneData> scenes, Path dir,
                                 DemoProgress progress, AtomicLong done, long totalSteps) throws IOException {
        int nEval = Math.min(EVAL_SCENES, scenes.size() / 4);
        List<Raster> train = new ArrayList<>();
        List<Raster> eval = new ArrayList<>();
        for (int i = 0; i < scenes.size(); i++) {
            (i < scenes.size() - nEval ? train : eval).add(m.raster(scenes.get(i)));
        }
        TrainingData data = TrainingData.of(v.model(), v.data(), train, eval.isEmpty() ? train : eval);
        try (VqModel model = VqModel.create(v.model(), v.seed())) {
            progress.message(m.shortName() + " tokenizer: " + v.model().vocabSize() + " codes, "
                    + model.parameterCount() + " parameters, " + v.steps() + " steps of " + v.batchSize()
                    + " images");
            double loss = Double.NaN;
            try (VqTrainer trainer = VqTrainer.of(model, v)) {
                for (long step = 0; step < v.steps(); step++) {
                    VqTrainer.StepResult r = trainer.step(data, v.batchSize(), v.seed(), step);
                    loss = r.loss();
                    progress.progress(done.incrementAndGet(), totalSteps, "tokenizer steps");
                }
                Map<String, Double> metrics = trainer.evaluate(data, 32);
                progress.message(String.format(Locale.ROOT, "%s tokenizer: final loss %.4f; on %d held-back"
                        + " scenes: %s", m.shortName(), loss, data.evalSize(), format(metrics)));
            }
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("fourm_demo_modality", m.shortName());
            meta.put("fourm_demo_steps", Long.toString(v.steps()));
            meta.put("fourm_demo_final_loss", Double.toString(loss));
            VqCheckpoints.save(model, file(dir, m), meta);
        }
        HalfPrecision.compact(file(dir, m), file(dir, m));
    }

    private static String format(Map<String, Double> metrics) {
        StringBuilder sb = new StringBuilder();
        metrics.forEach((k, v) -> sb.append(sb.length() > 0 ? ", " : "").append(k).append(' ')
                .append(String.format(Locale.ROOT, "%.4g", v)));
        return sb.toString();
    }

    /**
     * Loads the four tokenizers from {@code dir}.
     *
     * @throws IOException naming the file when one is missing or unreadable
     */
    public static DemoTokenizers load(Path dir, DemoSettings s) throws IOException {
        Map<ImageModality, ImageTokenizer> out = new EnumMap<>(ImageModality.class);
        try {
            for (ImageModality m : ImageModality.values()) {
                Path f = file(dir, m);
                if (!java.nio.file.Files.isRegularFile(f)) {
                    throw new java.nio.file.NoSuchFileException(f.toString(), null, "the " + m.shortName()
                            + " tokenizer is missing");
                }
                ImageTokenizer t = ImageTokenizer.load(f);
                out.put(m, t);
                VqConfig c = t.config();
                if (c.imageSize() != s.resolution() || c.patchSize() != s.patchSize()) {
                    throw new IOException(f + ": the tokenizer is for " + c.imageSize() + " px with patch "
                            + c.patchSize() + ", the demo runs at " + s.resolution() + " px with patch "
                            + s.patchSize());
                }
            }
        } catch (IOException | RuntimeException e) {
            new DemoTokenizers(out).close();
            throw e;
        }
        return new DemoTokenizers(out);
    }

    /** The tokenizer of a modality. */
    public ImageTokenizer get(ImageModality m) {
        ImageTokenizer t = tokenizers.get(m);
        if (t == null) {
            throw new IllegalStateException("no " + m.shortName() + " tokenizer");
        }
        return t;
    }

    /** Codebook size of a modality's tokenizer. */
    public int vocabSize(ImageModality m) {
        return get(m).config().vocabSize();
    }

    /** Token ids of the scenes' maps (row-major grids). */
    public List<int[]> encode(ImageModality m, List<SceneData> scenes) {
        List<Raster> rasters = new ArrayList<>(scenes.size());
        for (SceneData s : scenes) {
            rasters.add(m.raster(s));
        }
        List<int[]> out = new ArrayList<>(scenes.size());
        for (TokenGrid g : get(m).encode(rasters)) {
            out.add(g.tokens());
        }
        return out;
    }

    /** Decoded maps of token grids (square grids). */
    public List<Raster> decode(ImageModality m, List<int[]> grids) {
        List<TokenGrid> g = new ArrayList<>(grids.size());
        for (int[] ids : grids) {
            int side = (int) Math.round(Math.sqrt(ids.length));
            g.add(new TokenGrid(side, side, ids));
        }
        return get(m).decode(g);
    }

    @Override
    public void close() {
        for (ImageTokenizer t : tokenizers.values()) {
            t.close();
        }
    }
}
