package fourm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import fourm.core.io.Npy;
import fourm.core.io.SafetensorsReader;
import fourm.core.io.SafetensorsWriter;
import fourm.core.io.TensorInfo;
import fourm.testing.SharedFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parity through the CLI: each golden tokenizer variant made by the reference (the shared reference folder's and
 * fourm-vq's {@code src/test/resources/reference-golden/}) becomes a tokenizer directory in the reference's published
 * layout ({@code config.json} = its constructor arguments, {@code model.safetensors} = its state dict); the plugin that
 * owns the kind of values is pointed at it ({@code tokenizer.checkpoint}), {@code fourm tokenize} tokenizes the golden
 * input and {@code fourm detokenize} decodes the tokens: identical ids, decoded outputs within 1e-5. Then the errors
 * (exit 2) of a directory whose config or weights are wrong.
 */
class ReferenceTokenizerCliTest {
    private static final String SHARED = "reference/golden/tokenizers";
    private static final Path OWN = Path.of("../fourm-vq/src/test/resources/reference-golden");

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    static Run fourm(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** A golden variant: its files and arguments. */
    record Variant(String name, Path model, Path io, JsonObject kwargs, JsonObject meta) {
        /** The plugin of the variant's values: config path and modality key. */
        String[] plugin() {
            String values = meta.has("fourm_values") ? meta.get("fourm_values").getAsString() : guess();
            return switch (values) {
                case "rgb" -> new String[] {"fourm.modality.rgb.tokens", "tok_rgb@224"};
                case "depth" -> new String[] {"fourm.modality.depth.tokens", "tok_depth@224"};
                case "normal" -> new String[] {"fourm.modality.normal.tokens", "tok_normal@224"};
                case "edge" -> new String[] {"fourm.modality.canny-edge.tokens", "tok_canny_edge@224"};
                case "semseg" -> new String[] {"fourm.modality.semseg.tokens", "tok_semseg@224"};
                case "feature-map" -> new String[] {"fourm.modality.clip.tokens", "tok_clip@224"};
                case "global-embedding" -> new String[] {"fourm.modality.dinov2-global.tokens", "tok_dinov2_global"};
                default -> null;
            };
        }

        private String guess() {
            String n = name.toLowerCase(Locale.ROOT);
            if (n.contains("pose") || n.contains("instance")) {
                // their plugins (sam_instance, human_poses) tokenize sequences holding masks or poses, not a grid of
                // one image plugin; their tokenizer settings take the directory (fourm-vq's ReferenceTokenizerTest)
                return "unknown";
            }
            for (String v : List.of("semseg", "depth", "normal", "rgb")) {
                if (n.startsWith(v)) {
                    return v;
                }
            }
            if (n.startsWith("global") || n.contains("_global")) {
                return "global-embedding";
            }
            if (n.contains("edge")) {
                return "edge";
            }
            if (kwargs.has("n_labels") && !kwargs.get("n_labels").isJsonNull()) {
                return "semseg";
            }
            if (kwargs.get("enc_type").getAsString().contains("MLP")) {
                return "global-embedding";
            }
            if (kwargs.has("patch_proj") && !kwargs.get("patch_proj").getAsBoolean()) {
                return "feature-map";
            }
            return kwargs.get("n_channels").getAsInt() == 1 ? "depth" : kwargs.get("n_channels").getAsInt() == 3
                    ? "rgb" : "unknown";
        }

        Path writeDirectory(Path d) throws IOException {
            Files.createDirectories(d);
            Files.writeString(d.resolve("config.json"), kwargs.toString());
            Files.copy(model, d.resolve("model.safetensors"));
            return d;
        }

        /** The test's presets: the JSON's {@code vit_tiny} sizes as {@code vit_tiny_enc} and {@code vit_tiny_dec}. */
        String presets() {
            if (!meta.has("vit_tiny")) {
                return "";
            }
            JsonObject v = meta.getAsJsonObject("vit_tiny");
            String net = "{ type = vit, dim = " + v.get("dim_tokens").getAsInt() + ", depth = "
                    + v.get("depth").getAsInt() + ", heads = " + v.get("num_heads").getAsInt() + ", mlp-ratio = "
                    + (int) v.get("mlp_ratio").getAsDouble() + " }";
            return "fourm.vq.reference.presets { vit_tiny_enc " + net + ", vit_tiny_dec " + net + " }\n";
        }

        /** The plugin's node resized to the variant's grid and vocabulary, the checkpoint the given directory. */
        String pluginHocon(String checkpoint) {
            String path = plugin()[0];
            int k = kwargs.get("codebook_size").getAsInt();
            String size;
            if (kwargs.get("enc_type").getAsString().contains("MLP")) {
                int heads = kwargs.get("num_codebooks").getAsInt();
                int side = (int) Math.round(Math.sqrt(heads));
                Assumptions.assumeTrue(side * side == heads, () -> "skipped: " + name + " has " + heads
                        + " Memcodes heads; the global-token plugins lay their tokens on a square grid");
                size = "image-size = " + 8 * side + ", patch-size = 8";
            } else {
                int books = kwargs.has("num_codebooks") ? kwargs.get("num_codebooks").getAsInt() : 1;
                Assumptions.assumeTrue(books == 1 || !"lucid".equals(kwargs.get("quant_type").getAsString()),
                        () -> "skipped: " + name + " has " + books + " lucid codebooks (" + books + " tokens per"
                        + " cell); an image plugin's token count is one token per cell of its square grid");
                size = "image-size = " + kwargs.get("image_size").getAsInt() + ", patch-size = "
                        + kwargs.get("patch_size").getAsInt();
            }
            return path + " { " + size + ", vocab-size = " + k
                    + (checkpoint == null ? "" : ", tokenizer.checkpoint = \"" + checkpoint + "\"") + " }\n";
        }
    }

    static List<Variant> in(Path folder) throws IOException {
        List<Variant> out = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            return out;
        }
        try (Stream<Path> s = Files.list(folder)) {
            for (Path j : s.sorted().toList()) {
                String f = j.getFileName().toString();
                if (!f.endsWith(".json")) {
                    continue;
                }
                String name = f.substring(0, f.length() - 5);
                Path model = folder.resolve(name + ".safetensors");
                Path io = folder.resolve(name + ".io.safetensors");
                if (!Files.isRegularFile(model) || !Files.isRegularFile(io)) {
                    continue;
                }
                JsonObject meta = JsonParser.parseString(Files.readString(j)).getAsJsonObject();
                if (meta.has("constructor_kwargs") && meta.has("reference_class")
                        && meta.get("reference_class").getAsString().endsWith(".VQVAE")) {
                    out.add(new Variant(name, model, io, meta.getAsJsonObject("constructor_kwargs"), meta));
                }
            }
        }
        return out;
    }

    static List<Variant> variants() throws IOException {
        List<Variant> all = new ArrayList<>();
        Optional<Path> root = SharedFiles.root();
        if (root.isPresent()) {
            all.addAll(in(root.get().resolve(SHARED)));
        }
        all.addAll(in(OWN));
        Assumptions.assumeFalse(all.isEmpty(), "skipped: no golden tokenizer variant found (the shared reference"
                + " folder is absent and " + OWN + " holds none)");
        return all;
    }

    private static Variant shared(String name) throws IOException {
        Path json = SharedFiles.require(SHARED + "/" + name + ".json");
        return in(json.getParent()).stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow();
    }

    private static long[] ids(String json) {
        long[][] a = new Gson().fromJson(json.strip(), long[][].class);
        return Arrays.stream(a).flatMapToLong(Arrays::stream).toArray();
    }

    private Path conf(String name, String text) throws IOException {
        Path c = dir.resolve(name + ".conf");
        Files.writeString(c, text);
        return c;
    }

    @TestFactory
    Stream<DynamicTest> everyGoldenVariantMatchesThroughTheCli() throws IOException {
        return variants().stream().map(v -> DynamicTest.dynamicTest(v.name(), () -> {
            String[] plugin = v.plugin();
            Assumptions.assumeTrue(plugin != null, () -> "skipped: no image plugin is known for golden variant "
                    + v.name() + " (pose and SAM-instance tokenizers belong to sequence plugins; otherwise name its"
                    + " values with a 'fourm_values' entry in its JSON)");
            Path d = v.writeDirectory(dir.resolve(v.name()));
            Path c = conf(v.name(), v.presets() + v.pluginHocon(d.toString()));
            Run tok = fourm("tokenize", "-c", c.toString(), "--modality", plugin[1], "--units", "model", "--tensor",
                    "input", "--json", v.io().toString());
            assertThat(tok.exit()).as(tok.err()).isEqualTo(Main.OK);
            long[] got = ids(tok.out());
            try (SafetensorsReader io = SafetensorsReader.open(v.io())) {
                long[] want = io.longs("tokens");
                assertThat(got).as("token ids").isEqualTo(want);
                Path out = dir.resolve(v.name() + ".decoded.safetensors");
                Run detok = fourm("detokenize", "-c", c.toString(), "--modality", plugin[1], "--units", "model",
                        "--out", out.toString(), tok.out().strip());
                assertThat(detok.exit()).as(detok.err()).isEqualTo(Main.OK);
                assertThat(detok.out()).contains("wrote " + io.info("input").shape()[0] + " decoded");
                try (SafetensorsReader r = SafetensorsReader.open(out)) {
                    assertThat(r.info("decoded").shape()).isEqualTo(io.info("decoded").shape());
                    float[] a = r.floats("decoded");
                    float[] b = io.floats("decoded");
                    double max = 0;
                    for (int i = 0; i < a.length; i++) {
                        max = Math.max(max, Math.abs(a[i] - b[i]));
                    }
                    System.out.printf("cli %s (%s): %d token ids identical, decoded max |diff| %.3g%n", v.name(),
                            plugin[1], got.length, max);
                    assertThat(max).as("decoded max |diff|").isLessThanOrEqualTo(1e-5);
                }
            }
        }));
    }

    @Test
    void rgbInNaturalUnitsThroughASystemPropertyAndTheTokenizerOption() throws IOException {
        Variant v = shared("rgb");
        Path d = v.writeDirectory(dir.resolve("rgb"));
        float[] x;
        long[] shape;
        long[] want;
        try (SafetensorsReader io = SafetensorsReader.open(v.io())) {
            x = io.floats("input");
            shape = io.info("input").shape();
            want = io.longs("tokens");
        }
        float[] natural = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            natural[i] = (x[i] + 1f) / 2f; // the reference's tokenizer input is 2x - 1 of [0, 1] pixels
        }
        Path npy = dir.resolve("rgb-input.npy");
        Files.write(npy, Npy.writeFloat32(Arrays.stream(shape).mapToInt(l -> (int) l).toArray(), natural));
        Path c = conf("rgb-natural", v.presets() + v.pluginHocon(null));
        String key = "fourm.modality.rgb.tokens.tokenizer.checkpoint";
        System.setProperty(key, d.toString());
        Run tok;
        try {
            tok = fourm("tokenize", "-c", c.toString(), "--modality", "tok_rgb@224", "--json", npy.toString());
        } finally {
            System.clearProperty(key);
        }
        assertThat(tok.exit()).as(tok.err()).isEqualTo(Main.OK);
        assertThat(ids(tok.out())).isEqualTo(want);

        Path out = dir.resolve("rgb.npy");
        Run detok = fourm("detokenize", "-c", c.toString(), "--modality", "tok_rgb@224", "--tokenizer", d.toString(),
                "--out", out.toString(), tok.out().strip());
        assertThat(detok.exit()).as(detok.err()).isEqualTo(Main.OK);
        Npy.FloatArray a = Npy.readFloats(out);
        assertThat(a.shape()).containsExactly(2, 3, 48, 48);
        for (float f : a.data()) {
            assertThat(f).isBetween(0f, 1f);
        }
        // without a checkpoint the plugin names the key to set
        Run none = fourm("tokenize", "-c", c.toString(), "--modality", "tok_rgb@224", npy.toString());
        assertThat(none.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(none.err()).contains(key);
    }

    @Test
    void pretokenizeTakesADirectoryWithThePluginsValues() throws IOException {
        Variant v = shared("rgb");
        Path d = v.writeDirectory(dir.resolve("rgb-pre"));
        Path c = conf("pre", v.presets() + v.pluginHocon(null));
        fourm.vq.VqConfig any = fourm.vq.VqConfig.fromConfig("x", com.typesafe.config.ConfigFactory.parseString(
                "family = rgb, image-size = 48, channels = 3, patch-size = 8, encoder { type = vit, dim = 16,"
                        + " depth = 1, heads = 2 }, decoder { type = vit, dim = 16, depth = 1, heads = 2 },"
                        + " quantizer { type = lucid, codebook-size = 16, latent-dim = 4 }"));
        java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
        Path images = dir.resolve("images");
        for (int i = 0; i < 3; i++) {
            float[] px = new float[3 * 48 * 48];
            for (int k = 0; k < px.length; k++) {
                px[k] = rng.nextInt(256) / 255f;
            }
            fourm.vq.io.ImageFiles.write(images.resolve("img-" + i + ".png"), new fourm.vq.Raster(3, 48, 48, px), any);
        }
        Path ds = dir.resolve("ds");
        Run pre = fourm("pretokenize", "-c", c.toString(), "--tokenizer", d.toString(), "--modality", "tok_rgb@224",
                "--images", images.toString(), "--out", ds.toString());
        assertThat(pre.exit()).as(pre.err()).isEqualTo(Main.OK);
        assertThat(pre.out()).contains("wrote 3 samples x 1 crops x 36 tokens");
        // a directory needs a plugin to say what its values are
        Run noPlugin = fourm("pretokenize", "-c", c.toString(), "--tokenizer", d.toString(), "--modality",
                "tok_thing@48", "--images", images.toString(), "--out", dir.resolve("ds2").toString());
        assertThat(noPlugin.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(noPlugin.err()).contains("tok_thing@48").contains("reference's layout");
    }

    @Test
    void aDivaeDirectoryTokenizesAndDecodesThroughItsDiffusionDecoderInNaturalUnits() throws IOException {
        Path json = SharedFiles.require(SHARED + "/divae_rgb.json");
        JsonObject meta = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        Variant v = new Variant("divae_rgb", json.resolveSibling("divae_rgb.safetensors"),
                json.resolveSibling("divae_rgb.io.safetensors"), meta.getAsJsonObject("constructor_kwargs"), meta);
        Path d = v.writeDirectory(dir.resolve("divae"));
        // fourm-vq-diffusion's DiVAE reader takes non-standard sizes from 'vit_tiny' / 'unet_tiny' nodes of config.json
        JsonObject k = v.kwargs().deepCopy();
        k.add("vit_tiny", meta.get("vit_tiny"));
        k.add("unet_tiny", meta.get("unet_tiny"));
        Files.writeString(d.resolve("config.json"), k.toString());
        Path c = conf("divae", v.presets() + "fourm.modality.rgb.tokens { image-size = 48, patch-size = 8,"
                + " vocab-size = 320, tokenizer.checkpoint = \"" + d + "\" }\n");
        Run tok = fourm("tokenize", "-c", c.toString(), "--modality", "tok_rgb@224", "--units", "model", "--tensor",
                "input", "--json", v.io().toString());
        assertThat(tok.exit()).as(tok.err()).isEqualTo(Main.OK);
        try (SafetensorsReader io = SafetensorsReader.open(v.io())) {
            assertThat(ids(tok.out())).isEqualTo(io.longs("tokens"));
        }
        // natural units: the modality's diffusion decoder; the network's output units are the ViT/MLP decoders'
        Path decoded = dir.resolve("x.npy");
        Run detok = fourm("detokenize", "-c", c.toString(), "--modality", "tok_rgb@224", "--out",
                decoded.toString(), tok.out().strip());
        assertThat(detok.exit()).as(detok.err()).isEqualTo(Main.OK);
        long n = ids(tok.out()).length / 36;
        assertThat(detok.out()).contains("wrote " + n + " decoded tok_rgb@224 value")
                .contains("[" + n + ", 3, 48, 48]");
        assertThat(Files.size(decoded)).isGreaterThan(n * 3 * 48 * 48 * 4);
        Path model = dir.resolve("y.npy");
        Run refused = fourm("detokenize", "-c", c.toString(), "--modality", "tok_rgb@224", "--units", "model",
                "--out", model.toString(), tok.out().strip());
        assertThat(refused.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(refused.err()).contains("diffusion decoder").contains(d.toString()).contains("--units natural");
        assertThat(model).doesNotExist();
    }

    private Path brokenDirectory(Variant v, String name, Consumer<JsonObject> config) throws IOException {
        Path d = dir.resolve(name);
        Files.createDirectories(d);
        JsonObject k = v.kwargs().deepCopy();
        config.accept(k);
        Files.writeString(d.resolve("config.json"), k.toString());
        return d;
    }

    private Run tokenizeWith(Variant v, Path d) throws IOException {
        Path c = conf("err-" + d.getFileName(), v.presets() + v.pluginHocon(d.toString()));
        return fourm("tokenize", "-c", c.toString(), "--modality", "tok_rgb@224", "--units", "model", "--tensor",
                "input", v.io().toString());
    }

    @Test
    void aDirectoryWhoseConfigAndWeightsDisagreeNamesEveryKey() throws IOException {
        Variant v = shared("rgb");
        Path d = brokenDirectory(v, "disagree", k -> { });
        SafetensorsWriter w = new SafetensorsWriter();
        try (SafetensorsReader r = SafetensorsReader.open(v.model())) {
            for (String k : r.keys()) {
                TensorInfo t = r.info(k);
                if (!k.equals("decoder.norm_mlp.bias")) {
                    w.add(k, t.dtype(), k.equals("encoder.proj.bias") ? new long[] {31} : t.shape(),
                            k.equals("encoder.proj.bias") ? r.bytes("decoder.out_proj.bias").limit(31 * 4)
                                    : r.bytes(k));
                }
            }
            w.add("quantize.extra", r.info("quant_proj.bias").dtype(), new long[] {16}, r.bytes("quant_proj.bias"));
        }
        w.write(d.resolve("model.safetensors"));
        Run run = tokenizeWith(v, d);
        assertThat(run.exit()).as(run.out()).isEqualTo(Main.USER_ERROR);
        assertThat(run.err()).contains(d.resolve("model.safetensors").toString())
                .contains("missing: decoder.norm_mlp.bias").contains("unexpected: quantize.extra")
                .contains("shape mismatch: encoder.proj.bias").contains("3 problems");
    }

    @Test
    void anUnknownPresetAndABadFieldAreUserErrors() throws IOException {
        Variant v = shared("rgb");
        Path preset = brokenDirectory(v, "preset", k -> k.addProperty("dec_type", "vit_xl_dec"));
        Files.copy(v.model(), preset.resolve("model.safetensors"));
        Run p = tokenizeWith(v, preset);
        assertThat(p.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(p.err()).contains(preset.resolve("config.json").toString())
                .contains("unknown architecture preset 'vit_xl_dec'").contains("vit_b_dec").contains("vit_tiny_dec");

        Path field = brokenDirectory(v, "field", k -> {
            k.remove("codebook_size");
            k.add("image_size", new JsonPrimitive("48px"));
        });
        Files.copy(v.model(), field.resolve("model.safetensors"));
        Run f = tokenizeWith(v, field);
        assertThat(f.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(f.err()).contains(field.resolve("config.json").toString())
                .contains("'codebook_size': expected an integer, but it is missing")
                .contains("'image_size': expected an integer, got \"48px\"");
    }

    @Test
    void aTorchCheckpointWithForeignPickleContentIsAUserError() throws IOException {
        Variant v = shared("rgb");
        Path d = brokenDirectory(v, "pickle", k -> { });
        Path pth = d.resolve("model.pth");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(pth))) {
            zip.putNextEntry(new ZipEntry("archive/data.pkl"));
            zip.write(new byte[] {(byte) 0x80, 2, 'c', 'o', 's', '\n', 's', 'y', 's', 't', 'e', 'm', '\n', '.'});
            zip.closeEntry();
        }
        Run run = tokenizeWith(v, d);
        assertThat(run.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(run.err()).contains(pth.toString()).contains("foreign pickle content: global os.system");
    }
}
