package fourm.cli;

import static fourm.cli.Run.fourm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.typesafe.config.ConfigFactory;
import fourm.api.ModalitySpec;
import fourm.core.ModalityRegistry;
import fourm.core.model.Checkpoints;
import fourm.core.model.FourMConfig;
import fourm.core.model.FourMModel;
import fourm.core.model.MlpKind;
import fourm.core.generate.sampler.SamplerPreset;
import fourm.core.io.Npy;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fourm generate --input ... --target ... --out DIR} end to end, in process: the demo's shipped weights
 * ({@code --preset demo}) on a synthetic scene of the demo's world and on a real photo (skipped when
 * {@code bin/fetch-photos} has not fetched it), a caption chained into depth and RGB, and the mistakes a user makes,
 * each a clear message and exit code 2.
 */
class GenerateValuesTest {
    static final List<String> ALL = List.of("--target", "depth,normal,semseg,caption,det");

    @TempDir
    Path dir;

    static Run demo(Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("generate", "--preset", "demo", "--out", out.toString()));
        args.addAll(List.of(more));
        return fourm(args);
    }

    /**
     * A held-out scene of the demo's world as the PNG a user would have: the one the README shows (docs/scene.png),
     * copied so that a test may change it.
     */
    static Path scenePng(Path dir) throws IOException {
        Path png = dir.resolve("scene.png");
        Files.copy(Path.of("docs", "scene.png"), png, StandardCopyOption.REPLACE_EXISTING);
        return png;
    }

    /** The demo preset's class names, through the preset service as the command line finds it. */
    static List<String> demoClassNames() throws IOException {
        SamplerPreset demo = SamplerPreset.find("demo").orElseThrow(() -> new AssertionError("no demo preset"));
        try (SamplerPreset.Opened p = demo.open(ConfigFactory.load(), null)) {
            return p.classNames();
        }
    }

    static Path photo(String name) {
        String env = System.getenv("FOURM_PHOTOS_DIR");
        Path p = (env != null && !env.isBlank() ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".cache", "fourm", "photos")).resolve(name);
        assumeTrue(Files.isRegularFile(p), () -> "skipped: " + p + " is absent; run bin/fetch-photos to fetch the"
                + " sample photos (needs the Debian archive)");
        return p;
    }

    @Test
    void aSyntheticSceneBecomesEveryModality() throws IOException {
        Path out = dir.resolve("scene");
        List<String> args = new ArrayList<>(List.of("--input", "rgb=" + scenePng(dir)));
        args.addAll(ALL);
        Run r = demo(out, args.toArray(new String[0]));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("tok_depth@64", "caption", "det", "grid.png");
        checkAll(out);
    }

    @Test
    void aRealPhotoBecomesEveryModality() throws IOException {
        Path out = dir.resolve("photo");
        List<String> args = new ArrayList<>(List.of("--input", "rgb=" + photo("astronaut.png")));
        args.addAll(ALL);
        args.addAll(List.of("--set", "caption.temperature=0", "--seed", "7"));
        Run r = demo(out, args.toArray(new String[0]));
        assertThat(r.exit()).as(r.err()).isZero();
        checkAll(out);
        // The photo (512 x 512) is brought to the model's 64 x 64 before the tokenizer sees it.
        assertThat(png(out.resolve("input-rgb.png"))).satisfies(i -> assertThat(i.getWidth()).isEqualTo(64));
        JsonObject summary = json(out.resolve("prediction.json"));
        assertThat(summary.getAsJsonObject("targets").getAsJsonObject("caption").getAsJsonObject("step")
                .get("temperature").getAsDouble()).isZero();
    }

    @Test
    void aCaptionIsChainedIntoDepthAndRgb() throws IOException {
        Path out = dir.resolve("caption");
        Run r = demo(out, "--input", "caption=a red sphere and a blue cube on the ground", "--target",
                "depth,rgb");
        assertThat(r.exit()).as(r.err()).isZero();
        float[] depth = npy(out.resolve("depth.npy"), 1, 64, 64);
        assertThat(boxed(depth)).allSatisfy(v -> assertThat(Float.isFinite(v)).isTrue());
        float[] rgb = npy(out.resolve("rgb.npy"), 3, 64, 64);
        assertThat(boxed(rgb)).allSatisfy(v -> assertThat(v).isBetween(-0.05f, 1.05f));
        BufferedImage grid = png(out.resolve("grid.png"));
        assertThat(grid.getWidth()).isGreaterThanOrEqualTo(2 * GenerateViews.CELL);
        JsonObject summary = json(out.resolve("prediction.json"));
        assertThat(summary.getAsJsonObject("inputs").getAsJsonObject("caption").get("text").getAsString())
                .startsWith("a red sphere");
        assertThat(summary.getAsJsonObject("targets").keySet()).containsExactly("tok_depth@64", "tok_rgb@64");
    }

    /** The files of RGB -> depth, normal, semseg, caption, det on the demo's 64 px world. */
    private static void checkAll(Path out) throws IOException {
        float[] depth = npy(out.resolve("depth.npy"), 1, 64, 64);
        assertThat(boxed(depth)).allSatisfy(v -> assertThat(Float.isFinite(v)).isTrue());
        float lo = Float.MAX_VALUE;
        float hi = -Float.MAX_VALUE;
        for (float v : depth) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        assertThat(hi).as("a depth map, not a constant").isGreaterThan(lo);
        assertThat(png(out.resolve("depth.png"))).satisfies(i -> {
            assertThat(i.getWidth()).isEqualTo(64);
            assertThat(i.getHeight()).isEqualTo(64);
        });
        float[] normal = npy(out.resolve("normal.npy"), 3, 64, 64);
        assertThat(boxed(normal)).allSatisfy(v -> assertThat(v).isBetween(-0.05f, 1.05f));
        assertThat(png(out.resolve("normal.png")).getWidth()).isEqualTo(64);

        float[] semseg = npy(out.resolve("semseg.npy"), 1, 64, 64);
        List<String> names = demoClassNames();
        assertThat(boxed(semseg)).allSatisfy(v -> {
            assertThat(v).isEqualTo((float) Math.round(v));
            assertThat(Math.round(v)).isBetween(0, names.size() - 1);
        });
        JsonObject classes = json(out.resolve("semseg-classes.json"));
        int pixels = 0;
        for (JsonElement e : classes.getAsJsonArray("classes")) {
            JsonObject c = e.getAsJsonObject();
            assertThat(c.get("name").getAsString()).isEqualTo(names.get(c.get("id").getAsInt()));
            pixels += c.get("pixels").getAsInt();
        }
        assertThat(pixels).isEqualTo(64 * 64);
        assertThat(png(out.resolve("semseg.png")).getWidth()).isEqualTo(64);
        assertThat(png(out.resolve("semseg-legend.png")).getWidth()).isGreaterThan(64);

        String caption = Files.readString(out.resolve("caption.txt"), StandardCharsets.UTF_8);
        assertThat(caption).isNotBlank();
        JsonObject det = json(out.resolve("det.json"));
        for (JsonElement e : det.getAsJsonArray("boxes")) {
            JsonObject b = e.getAsJsonObject();
            assertThat(b.get("class").getAsString()).isNotBlank();
            JsonArray box = b.getAsJsonArray("box");
            assertThat(box).hasSize(4);
            double[] xy = new double[4];
            for (int i = 0; i < 4; i++) {
                xy[i] = box.get(i).getAsDouble();
                assertThat(xy[i]).isBetween(0.0, 1.0);
            }
            assertThat(xy[0]).isLessThanOrEqualTo(xy[2]);
            assertThat(xy[1]).isLessThanOrEqualTo(xy[3]);
        }
        assertThat(png(out.resolve("det.png")).getWidth()).isGreaterThanOrEqualTo(64);

        BufferedImage grid = png(out.resolve("grid.png"));
        assertThat(grid.getWidth()).isGreaterThanOrEqualTo(5 * GenerateViews.CELL);
        JsonObject summary = json(out.resolve("prediction.json"));
        assertThat(summary.getAsJsonObject("targets").keySet()).containsExactly("tok_depth@64", "tok_normal@64",
                "tok_semseg@64", "caption", "det");
        JsonObject d = summary.getAsJsonObject("targets").getAsJsonObject("tok_depth@64");
        assertThat(d.getAsJsonArray("tokens")).hasSize(64);
        assertThat(d.getAsJsonObject("step").get("scheme").getAsString()).isEqualTo("roar");
        assertThat(summary.getAsJsonObject("targets").getAsJsonObject("caption").getAsJsonObject("step")
                .get("scheme").getAsString()).isEqualTo("autoregressive");
        assertThat(summary.getAsJsonObject("inputs").getAsJsonObject("tok_rgb@64").getAsJsonArray("tokens"))
                .hasSize(64);
        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    static float[] npy(Path file, int... shape) throws IOException {
        Npy.FloatArray a = Npy.readFloats(file);
        assertThat(a.shape()).as(file.toString()).containsExactly(shape);
        return a.data();
    }

    static List<Float> boxed(float[] a) {
        List<Float> out = new ArrayList<>(a.length);
        for (float v : a) {
            out.add(v);
        }
        return out;
    }

    static BufferedImage png(Path file) throws IOException {
        BufferedImage i = ImageIO.read(file.toFile());
        assertThat(i).as(file + " decodes").isNotNull();
        return i;
    }

    static JsonObject json(Path file) throws IOException {
        return JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
    }

    // ------------------------------------------------------------------ mistakes

    @Test
    void aTruncatedImageIsNamed() throws IOException {
        Path png = scenePng(dir);
        byte[] all = Files.readAllBytes(png);
        Path cut = dir.resolve("cut.png");
        Files.write(cut, Arrays.copyOf(all, all.length / 2));
        Run r = demo(dir.resolve("o"), "--input", "rgb=" + cut, "--target", "depth");
        assertThat(r.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(r.err()).contains("--input rgb=" + cut, cut.toString());
        assertThat(dir.resolve("o")).doesNotExist();
    }

    @Test
    void anUnreadableImageIsNamed() throws IOException {
        Path bad = dir.resolve("photo.jpg");
        Files.writeString(bad, "not a picture");
        Run r = demo(dir.resolve("o"), "--input", "rgb=" + bad, "--target", "depth");
        assertThat(r.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(r.err()).contains(bad.toString(), "JPEG, PNG");
        Run missing = demo(dir.resolve("o"), "--input", "rgb=" + dir.resolve("nope.png"), "--target", "depth");
        assertThat(missing.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(missing.err()).contains("no such file", "nope.png");
    }

    @Test
    void anUnknownModalityIsNamedWithTheModelsModalities() throws IOException {
        Run in = demo(dir.resolve("o"), "--input", "thermal=" + scenePng(dir), "--target", "depth");
        assertThat(in.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(in.err()).contains("unknown modality 'thermal'", "tok_rgb@64", "caption");
        Run out = demo(dir.resolve("o"), "--input", "rgb=" + scenePng(dir), "--target", "tok_clip@224");
        assertThat(out.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(out.err()).contains("unknown modality 'tok_clip@224'", "tok_depth@64");
        Run set = demo(dir.resolve("o"), "--input", "rgb=" + scenePng(dir), "--target", "depth", "--set",
                "depth.steps=many");
        assertThat(set.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(set.err()).contains("--set depth.steps=many", "expected a number");
    }

    @Test
    void anInputTheModelDoesNotFitIsRefused() throws IOException {
        // A 1-channel map given as RGB.
        Path gray = dir.resolve("gray.npy");
        Files.write(gray, Npy.writeFloat32(new int[] {1, 64, 64}, new float[64 * 64]));
        Run r = demo(dir.resolve("o"), "--input", "rgb=" + gray, "--target", "depth");
        assertThat(r.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(r.err()).contains("--input rgb=" + gray, "3");
        // A depth map of another size than the model's.
        Path small = dir.resolve("small.npy");
        Files.write(small, Npy.writeFloat32(new int[] {1, 32, 32}, new float[32 * 32]));
        Run s = demo(dir.resolve("o"), "--input", "depth=" + small, "--target", "rgb");
        assertThat(s.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(s.err()).contains("32x32", "64x64", "tok_depth@64");
        // The same modality as input and target.
        Run both = demo(dir.resolve("o"), "--input", "rgb=" + scenePng(dir), "--target", "rgb");
        assertThat(both.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(both.err()).contains("both an input and a target");
    }

    @Test
    void aTargetWithoutATokenizerCheckpointNamesTheKeyToSet() throws IOException {
        // A model of the plugins' own modalities (the reference's 224 px keys), whose tokenizers are not configured.
        ModalityRegistry registry = ModalityRegistry.discover();
        var root = ConfigFactory.load();
        ModalitySpec caption = registry.create(root, "caption").spec();
        ModalitySpec depth = registry.create(root, "tok_depth@224").spec();
        FourMConfig config = FourMConfig.builder().dim(16).encoderDepth(1).decoderDepth(1).numHeads(2)
                .mlp(MlpKind.SWIGLU).qkvBias(false).projBias(false).mlpBias(false).normBias(false)
                .modality(caption, true, true).modality(depth, true, true).build();
        Path model = dir.resolve("model");
        Files.createDirectories(model);
        try (FourMModel m = FourMModel.create(config, 3)) {
            Checkpoints.save(m, model.resolve("model.safetensors"), Map.of());
        }
        Run r = fourm(List.of("generate", "--model", model.toString(), "--input", "caption=a red car", "--target",
                "depth", "--out", dir.resolve("o").toString()));
        assertThat(r.exit()).as(r.err()).isEqualTo(Main.USER_ERROR);
        assertThat(r.err()).contains("--target depth", "tok_depth@224", "no tokenizer checkpoint",
                "fourm.modality.depth.tokens.tokenizer.checkpoint");
    }

    @Test
    void theSemsegLegendNamesTheCocoPanopticClassesUnlessOthersAreGiven() throws IOException {
        var semseg = ModalityRegistry.discover().create(ConfigFactory.load(), "tok_semseg@224");
        GenerateViews.Names plugin = GenerateViews.names(List.of(), semseg);
        assertThat(plugin.of(0)).isEqualTo("person");
        assertThat(plugin.of(9)).isEqualTo("traffic light");
        assertThat(plugin.of(80)).isEqualTo("banner");
        assertThat(plugin.of(132)).isEqualTo("rug-merged");
        assertThat(plugin.of(133)).isEqualTo("class 133");
        // --class-names FILE (or a preset) replaces them
        GenerateViews.Names given = GenerateViews.names(List.of("sky", "ground"), semseg);
        assertThat(given.of(1)).isEqualTo("ground");
        assertThat(given.of(2)).isEqualTo("class 2");
        // with a tokenizer checkpoint the modality knows its no-class id
        var provider = ModalityRegistry.discover().find("tok_semseg@224").orElseThrow().provider();
        var node = fourm.vq.modality.ImageTokenChecks.withTinyCheckpoint(provider,
                ConfigFactory.load().getConfig(provider.configPath()), 1, 4, dir);
        var withCheckpoint = (fourm.vq.modality.ImageTokenModality) provider.create(node);
        int noClass = withCheckpoint.architecture().orElseThrow().ignoreId();
        assertThat(noClass).isGreaterThanOrEqualTo(4);
        assertThat(GenerateViews.names(List.of(), withCheckpoint).of(noClass)).isEqualTo("no class");
        assertThat(GenerateViews.names(List.of(), withCheckpoint).of(3)).isEqualTo("motorcycle");
    }

    @Test
    void theModesDoNotMix() {
        Run r = fourm(List.of("generate", "--out", dir.resolve("o").toString()));
        assertThat(r.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(r.err()).contains("--input", "--target", "--plan");
        Run p = fourm(List.of("generate", "--preset", "tiny", "--input", "rgb=x.png", "--target", "depth", "--out",
                dir.resolve("o").toString()));
        assertThat(p.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(p.err()).contains("unknown preset 'tiny'", "demo");
    }
}
