package fourm.demo;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import fourm.api.Modality;
import fourm.api.spi.ModalityProvider;
import fourm.core.ModalityRegistry;
import fourm.vq.ImageTokenizer;
import fourm.vq.Raster;
import fourm.vq.TokenGrid;
import fourm.vq.VqCheckpoints;
import fourm.vq.VqConfig;
import fourm.vq.VqModel;
import fourm.vq.modality.ImageTokenModality;
import fourm.vq.train.TrainingData;
import fourm.vq.train.VqTrainSettings;
import fourm.vq.train.VqTrainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The four image tokenizers of the demo (fourm-vq VQ-VAEs): trained on the training world, saved as
 * {@code <name>.safetensors}, and handed to the modality plugins that own them as their checkpoints.
 *
 * <p>Training: each is fourm-vq's preset named in {@code fourm.demo.tokenizers.presets} (architecture and training
 * defaults in fourm-vq's {@code reference.conf}) with the demo's {@code tokenizers.overrides} merged over it, trained
 * for {@code fourm.demo.tokenizers.steps} steps of {@code fourm.demo.tokenizers.batch-size} images taken from memory;
 * the last 64 training scenes are held out for the reconstruction metrics fourm-vq reports. The saved weights are
 * stored as float16 ({@link HalfPrecision}): the tokenizers the demo uses and ships are exactly the ones in the files.
 *
 * <p>Use ({@link #load}): the plugin of each map is found in the {@link ModalityRegistry}; its configuration node gets
 * the demo's 64 px world (key {@code tok_rgb@64}, image and patch size, the tokenizer's vocabulary) and
 * {@code tokenizer.checkpoint} = the weight file, and the plugin builds the modality with its tokenizer
 * ({@link ImageTokenModality}). Closing this object frees the tokenizers' networks.
 */
public final class DemoTokenizers implements AutoCloseable {
    private static final int EVAL_SCENES = 64;
    private final Map<WorldMap, ImageTokenModality> modalities;

    private DemoTokenizers(Map<WorldMap, ImageTokenModality> modalities) {
        this.modalities = modalities;
    }

    /** The checkpoint file of a map's tokenizer in {@code dir}. */
    public static Path file(Path dir, WorldMap m) {
        return dir.resolve(m.name() + ".safetensors");
    }

    /**
     * The fourm-vq training settings of one tokenizer: the preset with the demo's steps and batch size, and its data
     * taken from memory (no files). Normal maps are not flipped (a horizontal flip would have to negate x).
     */
    static VqTrainSettings settings(Config root, DemoSettings s, WorldMap m, Path outDir) {
        String preset = s.tokenizers().presets().get(m.name());
        String presetPath = "fourm.vq.presets." + preset;
        Config base = root;
        if (s.tokenizers().overrides().hasPath(m.name())) {
            base = s.tokenizers().overrides().getConfig(m.name()).atPath(presetPath).withFallback(root);
        }
        String at = presetPath + ".train.";
        Config c = base.withValue(at + "steps", ConfigValueFactory.fromAnyRef(s.tokenizers().steps()))
                .withValue(at + "batch-size", ConfigValueFactory.fromAnyRef(s.tokenizers().batchSize()))
                .withValue(at + "output-dir", ConfigValueFactory.fromAnyRef(outDir.toString()))
                .withValue(at + "data.path", ConfigValueFactory.fromAnyRef(outDir.toString()))
                .withValue(at + "data.folder", ConfigValueFactory.fromAnyRef(m.name()));
        if (m == WorldMap.NORMAL) {
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
        for (WorldMap m : WorldMap.ALL) {
            all.add(settings(root, s, m, dir));
        }
        long totalSteps = all.stream().mapToLong(VqTrainSettings::steps).sum();
        // One after the other on this thread: DJL's PyTorch engine records gradients for one collector at a time
        // in the whole JVM, so tokenizers cannot train side by side.
        AtomicLong done = new AtomicLong();
        for (int i = 0; i < WorldMap.ALL.size(); i++) {
            trainOne(WorldMap.ALL.get(i), all.get(i), scenes, dir, progress, done, totalSteps);
        }
        return load(root, dir, s);
    }

    private static void trainOne(WorldMap m, VqTrainSettings v, List<SceneData> scenes, Path dir,
                                 DemoProgress progress, AtomicLong done, long totalSteps) throws IOException {
        int nEval = Math.min(EVAL_SCENES, scenes.size() / 4);
        List<Raster> train = new ArrayList<>();
        List<Raster> eval = new ArrayList<>();
        for (int i = 0; i < scenes.size(); i++) {
            (i < scenes.size() - nEval ? train : eval).add(m.raster(scenes.get(i)));
        }
        TrainingData data = TrainingData.of(v.model(), v.data(), train, eval.isEmpty() ? train : eval);
        try (VqModel model = VqModel.create(v.model(), v.seed())) {
            progress.message(m.name() + " tokenizer: " + v.model().vocabSize() + " codes, "
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
                        + " scenes: %s", m.name(), loss, data.evalSize(), format(metrics)));
            }
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("fourm_demo_modality", m.name());
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
     * Loads the four tokenizers from {@code dir} through their plugins: each plugin, found in the registry, creates its
     * modality from its node in {@code root} set to the demo's world and to the weight file as its checkpoint.
     *
     * @throws IOException           naming the file when one is missing, unreadable, or of another size than the world
     * @throws IllegalStateException when a map's plugin is not on the module path, or does not own a fourm-vq tokenizer
     */
    public static DemoTokenizers load(Config root, Path dir, DemoSettings s) throws IOException {
        ModalityRegistry registry = ModalityRegistry.discover();
        Map<WorldMap, ImageTokenModality> out = new LinkedHashMap<>();
        try {
            for (WorldMap m : WorldMap.ALL) {
                Path f = file(dir, m);
                if (!java.nio.file.Files.isRegularFile(f)) {
                    throw new java.nio.file.NoSuchFileException(f.toString(), null, "the " + m.name()
                            + " tokenizer is missing");
                }
                VqConfig c = VqCheckpoints.readConfig(f);
                if (c.imageSize() != s.resolution() || c.patchSize() != s.patchSize()) {
                    throw new IOException(f + ": the tokenizer is for " + c.imageSize() + " px with patch "
                            + c.patchSize() + ", the demo runs at " + s.resolution() + " px with patch "
                            + s.patchSize());
                }
                ModalityProvider p = registry.find(m.pluginKey()).map(ModalityRegistry.Entry::provider)
                        .orElseThrow(() -> new IllegalStateException("no plugin of '" + m.pluginKey() + "': the "
                                + m.name() + " modality plugin is not on the module path"));
                Modality created = p.create(pluginNode(root, p.configPath(), m, s, c.vocabSize(), f));
                if (!(created instanceof ImageTokenModality itm)) {
                    throw new IllegalStateException(m.pluginKey() + ": the plugin's modality does not own a fourm-vq"
                            + " tokenizer (" + created + ")");
                }
                out.put(m, itm);
                itm.imageTokenizer();
            }
        } catch (IOException | RuntimeException e) {
            new DemoTokenizers(out).close();
            throw e;
        }
        return new DemoTokenizers(out);
    }

    /**
     * A plugin's node set to the demo's world: the key at the demo's resolution ({@code tok_rgb@64}), its image and
     * patch size, the tokenizer's vocabulary and {@code tokenizer.checkpoint}; the token budget follows the grid.
     */
    static Config pluginNode(Config root, String configPath, WorldMap m, DemoSettings s, int vocabSize,
                             Path checkpoint) {
        if (!root.hasPath(configPath)) {
            throw new IllegalStateException("the configuration has no '" + configPath + "': the " + m.name()
                    + " modality plugin's reference.conf is not on the module path");
        }
        Config node = root.getConfig(configPath)
                .withValue("key", ConfigValueFactory.fromAnyRef(m.key(s.resolution())))
                .withValue("image-size", ConfigValueFactory.fromAnyRef(s.resolution()))
                .withValue("patch-size", ConfigValueFactory.fromAnyRef(s.patchSize()))
                .withValue("vocab-size", ConfigValueFactory.fromAnyRef(vocabSize))
                .withValue("tokenizer.checkpoint", ConfigValueFactory.fromAnyRef(checkpoint.toString()));
        if (node.hasPath("max-tokens")) {
            node = node.withoutPath("max-tokens");
        }
        return node;
    }

    /** The modality of a map, as its plugin built it (its tokenizer included). */
    public Modality modality(WorldMap m) {
        ImageTokenModality md = modalities.get(m);
        if (md == null) {
            throw new IllegalStateException("no " + m.name() + " modality");
        }
        return md;
    }

    /** The tokenizer of a map (the plugin's, loaded from the demo's weight file). */
    public ImageTokenizer get(WorldMap m) {
        return ((ImageTokenModality) modality(m)).imageTokenizer().tokenizer();
    }

    /** Codebook size of a map's tokenizer. */
    public int vocabSize(WorldMap m) {
        return get(m).config().vocabSize();
    }

    /** Token ids of the scenes' maps (row-major grids). */
    public List<int[]> encode(WorldMap m, List<SceneData> scenes) {
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
    public List<Raster> decode(WorldMap m, List<int[]> grids) {
        List<TokenGrid> g = new ArrayList<>(grids.size());
        for (int[] ids : grids) {
            int side = (int) Math.round(Math.sqrt(ids.length));
            g.add(new TokenGrid(side, side, ids));
        }
        return get(m).decode(g);
    }

    @Override
    public void close() {
        for (ImageTokenModality m : modalities.values()) {
            m.close();
        }
    }
}
