package fourm.cli;

import static fourm.cli.Run.fourm;
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
                case "pose" -> new String[] {"fourm.modality.pose.tokens", "human_poses"};
                case "sam-instance" -> new String[] {"fourm.modality.sam-instance.tokens", "sam_instance"};
                default -> null;
            };
        }

        private String guess() {
            String n = name.toLowerCase(Locale.ROOT);
            if (n.contains("pose")) {
                return "pose";
            }
            if (n.contains("instance")) {
                return "sam-instance";
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

        /**
         * Whether the plugin tokenizes the variant's values as arrays ({@code fourm tokenize --input}): body poses of
         * {@code human_poses}, masks of {@code sam_instance}.
         */
        boolean arrays() {
            String[] p = plugin();
            return p != null && (p[1].equals("human_poses") || p[1].equals("sam_instance"));
        }

        /**
         * Whether the directory goes through {@code --tokenizer} on its own (arrays; several lucid codebooks or
         * Memcodes heads that make no square grid: a token count no image plugin's grid has) rather than through the
         * plugin's {@code tokenizer.checkpoint} setting.
         */
        boolean standalone() {
            if (arrays()) {
                return true;
            }
            int books = kwargs.has("num_codebooks") ? kwargs.get("num_codebooks").getAsInt() : 1;
            if (kwargs.get("enc_type").getAsString().contains("MLP")) {
                int side = (int) Math.round(Math.sqrt(books));
                return side * side != books;
            }
            return books > 1;
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
            if (arrays()) {
                // the plugin's own setting (human_poses: pose-tokenizer, sam_instance: mask-tokenizer)
                String setting = path.contains("pose") ? "pose-tokenizer" : "mask-tokenizer";
                return checkpoint == null ? "" : path + "." + setting + ".checkpoint = \"" + checkpoint + "\"\n";
            }
            int k = kwargs.get("codebook_size").getAsInt();
            String size;
            if (kwargs.get("enc_type").getAsString().contains("MLP")) {
                int heads = kwargs.get("num_codebooks").getAsInt();
                int side = (int) Math.round(Math.sqrt(heads));
                // heads that make no square grid: one cell (the tokenizer is then read on its own, --tokenizer)
                size = "image-size = " + 8 * (side * side == heads ? side : 1) + ", patch-size = 8";
            } else {
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
            assertThat(plugin).as("the plugin of golden variant " + v.name() + " (name its values with a"
                    + " 'fourm_values' entry in its JSON)").isNotNull();
            Path d = v.writeDirectory(dir.resolve(v.name()));
            // standalone variants name the directory with --tokenizer, the others through the plugin's setting
            Path c = conf(v.name(), v.presets() + v.pluginHocon(v.standalone() ? null : d.toString()));
            List<String> args = new ArrayList<>(List.of("tokenize", "-c", c.toString(), "--modality", plugin[1],
                    "--units", "model", "--tensor", "input", "--json"));
            List<String> back = new ArrayList<>(List.of("detokenize", "-c", c.toString(), "--modality", plugin[1],
                    "--units", "model"));
            if (v.standalone()) {
                args.addAll(List.of("--tokenizer", d.toString()));
                back.addAll(List.of("--tokenizer", d.toString()));
            }
            args.addAll(v.arrays() ? List.of("--input", v.io().toString()) : List.of(v.io().toString()));
            Run tok = fourm(args.toArray(String[]::new));
            assertThat(tok.exit()).as(tok.err()).isEqualTo(Main.OK);
            long[] got = ids(tok.out());
            try (SafetensorsReader io = SafetensorsReader.open(v.io())) {
                long[] want = io.longs("tokens");
                assertThat(got).as("token ids").isEqualTo(want);
                Path out = dir.resolve(v.name() + ".decoded.safetensors");
                back.addAll(List.of("--out", out.toString(), tok.out().strip()));
                Run detok = fourm(back.toArray(String[]::new));
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

    private static Variant own(String name) throws IOException {
        return in(OWN).stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void bodyPosesAndMasksInNaturalUnitsThroughTheirPlugins() throws IOException {
        // pose: [N, 207] body poses in, 8 ids each; decoded [N, 207]
        Variant pose = own("pose");
        Path pd = pose.writeDirectory(dir.resolve("pose"));
        float[] poses;
        long[] poseIds;
        float[] poseDecoded;
        try (SafetensorsReader io = SafetensorsReader.open(pose.io())) {
            poses = io.floats("input");
            poseIds = io.longs("tokens");
            poseDecoded = io.floats("decoded");
        }
        Path posesNpy = dir.resolve("poses.npy");
        Files.write(posesNpy, Npy.writeFloat32(new int[] {2, 207}, poses));
        Path c = conf("natural", "");
        Run tok = fourm("tokenize", "-c", c.toString(), "--modality", "human_poses", "--tokenizer", pd.toString(),
                "--input", posesNpy.toString());
        assertThat(tok.exit()).as(tok.err()).isEqualTo(Main.OK);
        String[] lines = tok.out().strip().split("\n");
        assertThat(lines).hasSize(2);
        long[] plain = Arrays.stream(String.join(" ", lines).split(" ")).mapToLong(Long::parseLong).toArray();
        assertThat(plain).isEqualTo(poseIds);
        Path back = dir.resolve("poses-back.npy");
        Run detok = fourm("detokenize", "-c", c.toString(), "--modality", "human_poses", "--tokenizer",
                pd.toString(), "--out", back.toString(), lines[0], lines[1]);
        assertThat(detok.exit()).as(detok.err()).isEqualTo(Main.OK);
        Npy.FloatArray decoded = Npy.readFloats(back);
        assertThat(decoded.shape()).containsExactly(2, 207);
        for (int i = 0; i < poseDecoded.length; i++) {
            assertThat((double) decoded.data()[i]).isCloseTo(poseDecoded[i], org.assertj.core.data.Offset.offset(1e-5));
        }

        // SAM instance: [N, 64, 64] masks of 0/1 in, 16 ids each; decoded masks are 1 where the logit is above 0
        Variant sam = own("sam_instance");
        Path sd = sam.writeDirectory(dir.resolve("sam"));
        float[] masks;
        long[] maskIds;
        float[] logits;
        try (SafetensorsReader io = SafetensorsReader.open(sam.io())) {
            masks = io.floats("input");
            maskIds = io.longs("tokens");
            logits = io.floats("decoded");
        }
        Path masksNpy = dir.resolve("masks.npy");
        Files.write(masksNpy, Npy.writeFloat32(new int[] {2, 64, 64}, masks));
        Path oneNpy = dir.resolve("one-mask.npy");
        Files.write(oneNpy, Npy.writeFloat32(new int[] {64, 64}, Arrays.copyOfRange(masks, 64 * 64, 2 * 64 * 64)));
        Path sc = conf("sam", sam.presets());
        Run st = fourm("tokenize", "-c", sc.toString(), "--modality", "sam_instance", "--tokenizer", sd.toString(),
                "--json", "--input", masksNpy.toString(), "--input", oneNpy.toString());
        assertThat(st.exit()).as(st.err()).isEqualTo(Main.OK);
        long[] three = ids(st.out());
        assertThat(Arrays.copyOfRange(three, 0, 32)).isEqualTo(maskIds);
        assertThat(Arrays.copyOfRange(three, 32, 48)).isEqualTo(Arrays.copyOfRange(maskIds, 16, 32));
        Path maskOut = dir.resolve("masks-back.npy");
        Run sb = fourm("detokenize", "-c", sc.toString(), "--modality", "sam_instance", "--tokenizer", sd.toString(),
                "--out", maskOut.toString(), st.out().strip());
        assertThat(sb.exit()).as(sb.err()).isEqualTo(Main.OK);
        assertThat(sb.out()).contains("wrote 3 decoded sam_instance values [3, 64, 64] (natural units)");
        Npy.FloatArray m = Npy.readFloats(maskOut);
        assertThat(m.shape()).containsExactly(3, 64, 64);
        for (int i = 0; i < 2 * 64 * 64; i++) {
            assertThat(m.data()[i]).as("pixel " + i).isEqualTo(logits[i] > 0 ? 1f : 0f);
        }

        // a mask value other than 0 or 1 names the file, the mask and the pixel
        masks[5] = 0.5f;
        Files.write(masksNpy, Npy.writeFloat32(new int[] {2, 64, 64}, masks));
        Run bad = fourm("tokenize", "-c", sc.toString(), "--modality", "sam_instance", "--tokenizer", sd.toString(),
                "--input", masksNpy.toString());
        assertThat(bad.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(bad.err()).contains(masksNpy.toString()).contains("mask 0 holds 0.5 at pixel 5");
        // a pose array of the wrong width names the expected shape
        Files.write(posesNpy, Npy.writeFloat32(new int[] {1, 206}, Arrays.copyOf(poses, 206)));
        Run wide = fourm("tokenize", "-c", c.toString(), "--modality", "human_poses", "--tokenizer", pd.toString(),
                "--input", posesNpy.toString());
        assertThat(wide.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(wide.err()).contains(posesNpy.toString()).contains("[1, 206]").contains("[207]");
        // without a checkpoint the plugin's setting is named
        Run none = fourm("tokenize", "-c", c.toString(), "--modality", "human_poses", "--input", posesNpy.toString());
        assertThat(none.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(none.err()).contains("fourm.modality.pose.tokens.pose-tokenizer.checkpoint");
        // a modality whose plugin tokenizes no arrays
        Run caption = fourm("tokenize", "-c", c.toString(), "--modality", "caption", "--input", posesNpy.toString());
        assertThat(caption.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(caption.err()).contains("'caption' does not");
    }

    @Test
    void severalLucidCodebooksAreRefusedAsTheModalitysConfiguredTokenizer() throws IOException {
        Variant v = own("lucid_multi");
        Path d = v.writeDirectory(dir.resolve("lucid"));
        Path c = conf("lucid", v.presets() + v.pluginHocon(d.toString()));
        Run run = fourm("tokenize", "-c", c.toString(), "--modality", "tok_rgb@224", "--units", "model", "--tensor",
                "input", v.io().toString());
        assertThat(run.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(run.err()).contains("makes 48 tokens per image; the modality has 16")
                .contains("3 lucid codebooks").contains("--tokenizer");
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
