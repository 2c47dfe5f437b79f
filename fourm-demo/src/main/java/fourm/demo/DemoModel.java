package fourm.demo;

import fourm.api.Modality;
import fourm.core.generate.GenerationPlan;
import fourm.core.generate.GenerationResult;
import fourm.core.generate.Generator;
import fourm.core.generate.Step;
import fourm.core.model.Checkpoints;
import fourm.core.model.FourMModel;
import fourm.modality.det.Detections;
import fourm.vq.Raster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trained demo: the 4M model with its modalities and tokenizers, and the generation tasks of the demo.
 *
 * <ul>
 *   <li><b>RGB to X</b> ({@link #fromRgb}): from the RGB tokens of a scene, each of depth, normals, semseg (ROAR,
 *       {@code fourm.demo.generation.rgb2x-*}), caption and boxes (autoregressive, {@code text-temperature}),
 *       each generated from RGB alone (one plan per target, so an error in one does not feed another). Grids are
 *       decoded by the VQ decoders, sequences by the text tokenizer.</li>
 *   <li><b>X to RGB</b> ({@link #toRgb}): caption to RGB, and depth plus caption to RGB (ROAR with classifier-free
 *       guidance over the inputs, {@code x2rgb-*}).</li>
 * </ul>
 * Batches of scenes are generated together ({@code generation.batch-size}). Close it to free the model.
 */
public final class DemoModel implements AutoCloseable {
    private final FourMModel model;
    private final Generator generator;
    private final Map<String, Modality> modalities;
    private final Map<ImageModality, String> keys;
    private final DemoTokenizers tokenizers;
    private final DemoSettings.Generation gen;

    /** What the model made of one scene from its RGB. */
    public record RgbPrediction(Raster depth, Raster normal, Raster semseg, String caption, Detections det) {
    }

    /**
     * @param modelFile  the 4M checkpoint
     * @param modalities the modalities it was trained on (tokenizers included)
     * @param keys       the key of each image modality
     * @param tokenizers the image tokenizers (owned by the caller)
     */
    public DemoModel(Path modelFile, Map<String, Modality> modalities, Map<ImageModality, String> keys,
                     DemoTokenizers tokenizers, DemoSettings.Generation gen) throws IOException {
        this.model = Checkpoints.load(modelFile);
        try {
            for (String k : modalities.keySet()) {
                if (!model.config().modalities().containsKey(k)) {
                    throw new IOException(modelFile + ": the model has no modality '" + k + "'; it has "
                            + model.config().modalities().keySet());
                }
                int expected = modalities.get(k).spec().vocabSize().orElse(0);
                int got = model.config().modality(k).vocabSize().orElse(0);
                if (expected != got) {
                    throw new IOException(modelFile + ": modality '" + k + "' has " + got + " ids in the model but"
                            + " its tokenizer has " + expected);
                }
            }
            this.modalities = Map.copyOf(modalities);
            this.keys = new EnumMap<>(keys);
            this.tokenizers = tokenizers;
            this.gen = gen;
            this.generator = Generator.builder(model).modalities(modalities).build();
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** The model. */
    public FourMModel model() {
        return model;
    }

    /** The key of an image modality. */
    public String key(ImageModality m) {
        return keys.get(m);
    }

    /** RGB tokens of scenes. */
    public List<int[]> rgbTokens(List<SceneData> scenes) {
        return tokenizers.encode(ImageModality.RGB, scenes);
    }

    /**
     * Generates depth, normals, semseg, caption and boxes from each scene's RGB.
     *
     * @param seed the generation seed of the first batch (batch {@code b} uses {@code seed + b})
     */
    public List<RgbPrediction> fromRgb(List<SceneData> scenes, long seed, DemoProgress progress) {
        List<RgbPrediction> out = new ArrayList<>(scenes.size());
        String rgb = keys.get(ImageModality.RGB);
        int batches = (scenes.size() + gen.batchSize() - 1) / gen.batchSize();
        for (int b = 0; b < batches; b++) {
            List<SceneData> chunk = scenes.subList(b * gen.batchSize(), Math.min(scenes.size(),
                    (b + 1) * gen.batchSize()));
            List<int[]> tokens = rgbTokens(chunk);
            List<Map<String, ?>> inputs = new ArrayList<>();
            for (int[] t : tokens) {
                inputs.add(Map.of(rgb, t));
            }
            Map<ImageModality, List<Raster>> maps = new EnumMap<>(ImageModality.class);
            for (ImageModality m : List.of(ImageModality.DEPTH, ImageModality.NORMAL, ImageModality.SEMSEG)) {
                GenerationPlan plan = GenerationPlan.builder().condition(rgb)
                        .target(keys.get(m), Step.roar(gen.rgb2xSteps()).temperature(gen.rgb2xTemperature()))
                        .topP(gen.topP()).build();
                GenerationResult r = generator.generate(inputs, plan, seed + b);
                List<int[]> ids = new ArrayList<>();
                for (int i = 0; i < chunk.size(); i++) {
                    ids.add(toInts(r.ids(keys.get(m), i)));
                }
                maps.put(m, tokenizers.decode(m, ids));
            }
            List<String> captions = new ArrayList<>();
            List<Detections> dets = new ArrayList<>();
            for (String seq : List.of("caption", "det")) {
                GenerationPlan plan = GenerationPlan.builder().condition(rgb)
                        .target(seq, Step.autoregressive().temperature(gen.textTemperature()))
                        .topP(gen.topP()).build();
                GenerationResult r = generator.generate(inputs, plan, seed + b);
                for (int i = 0; i < chunk.size(); i++) {
                    Object v = r.decoded(seq, i).orElseThrow(() -> new IllegalStateException(seq
                            + ": the generator has no tokenizer to decode it"));
                    if (seq.equals("caption")) {
                        captions.add((String) v);
                    } else {
                        dets.add((Detections) v);
                    }
                }
            }
            for (int i = 0; i < chunk.size(); i++) {
                out.add(new RgbPrediction(maps.get(ImageModality.DEPTH).get(i), maps.get(ImageModality.NORMAL).get(i),
                        maps.get(ImageModality.SEMSEG).get(i), captions.get(i), dets.get(i)));
            }
            progress.progress(out.size(), scenes.size(), "scenes generated from RGB");
        }
        return out;
    }

    /**
     * Generates RGB from conditions: each input map holds the caption ({@code String}) and optionally depth tokens
     * ({@code int[]} under the depth key).
     *
     * @return the decoded RGB images
     */
    public List<Raster> toRgb(List<Map<String, Object>> inputs, long seed) {
        if (inputs.isEmpty()) {
            return List.of();
        }
        String rgb = keys.get(ImageModality.RGB);
        GenerationPlan plan = GenerationPlan.builder().condition(inputs.get(0).keySet().toArray(new String[0]))
                .target(rgb, Step.roar(gen.x2rgbSteps()).temperature(gen.x2rgbTemperature())
                        .cfgScale(gen.x2rgbCfgScale()))
                .topP(gen.topP()).build();
        GenerationResult r = generator.generate(inputs, plan, seed);
        List<int[]> ids = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            ids.add(toInts(r.ids(rgb, i)));
        }
        return tokenizers.decode(ImageModality.RGB, ids);
    }

    /** Token ids of scenes' depth maps (ground truth, for depth-conditioned generation). */
    public List<int[]> depthTokens(List<SceneData> scenes) {
        return tokenizers.encode(ImageModality.DEPTH, scenes);
    }

    /** The modalities by key. */
    public Map<String, Modality> modalities() {
        return new LinkedHashMap<>(modalities);
    }

    private static int[] toInts(long[] ids) {
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    @Override
    public void close() {
        model.close();
    }
}
