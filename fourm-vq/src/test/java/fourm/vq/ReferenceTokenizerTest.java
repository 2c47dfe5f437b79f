package fourm.vq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.typesafe.config.ConfigFactory;
import fourm.core.io.CheckpointException;
import fourm.core.io.SafetensorsReader;
import fourm.core.io.SafetensorsWriter;
import fourm.core.io.TensorInfo;
import fourm.testing.SharedFiles;
import fourm.vq.values.ImageValueKit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tokenizer directories in the reference's layout ({@link ReferenceTokenizer}) made from the golden variants: the
 * reference's token ids and decoded outputs, and the errors of a directory whose config or weights are wrong.
 */
class ReferenceTokenizerTest {
    private static final String SHARED = "reference/golden/tokenizers";

    @TempDir
    Path dir;

    /** Every golden VQ-VAE variant: the shared folder's and this module's own. */
    static List<ReferenceGolden> variants() throws IOException {
        List<ReferenceGolden> all = new ArrayList<>();
        Optional<Path> root = SharedFiles.root();
        if (root.isPresent()) {
            all.addAll(ReferenceGolden.in(root.get().resolve(SHARED)));
        }
        all.addAll(ReferenceGolden.in(ReferenceGolden.RESOURCES));
        Assumptions.assumeFalse(all.isEmpty(), "skipped: no golden tokenizer variant found (the shared reference"
                + " folder is absent and " + ReferenceGolden.RESOURCES + " holds none)");
        return all;
    }

    private static ReferenceGolden shared(String name) throws IOException {
        Path json = SharedFiles.require(SHARED + "/" + name + ".json");
        return ReferenceGolden.in(json.getParent()).stream().filter(g -> g.name().equals(name)).findFirst()
                .orElseThrow();
    }

    /** The rasters of an input tensor: [N, C, H, W], or [N, H, W] class ids. */
    static List<Raster> rasters(SafetensorsReader r, String key) throws IOException {
        TensorInfo t = r.info(key);
        long[] s = t.shape();
        float[] data;
        if (t.dtype().isFloating()) {
            data = r.floats(key);
        } else {
            long[] l = r.longs(key);
            data = new float[l.length];
            for (int i = 0; i < l.length; i++) {
                data[i] = l[i];
            }
        }
        int n = (int) s[0];
        int c = s.length == 4 ? (int) s[1] : 1;
        int h = (int) s[s.length - 2];
        int w = (int) s[s.length - 1];
        List<Raster> out = new ArrayList<>();
        int per = c * h * w;
        for (int i = 0; i < n; i++) {
            out.add(new Raster(c, h, w, Arrays.copyOfRange(data, i * per, (i + 1) * per)));
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> everyGoldenVariantLoadsFromTheReferenceLayoutAndMatches() throws IOException {
        return variants().stream().map(g -> DynamicTest.dynamicTest(g.name(), () -> {
            Path d = g.writeDirectory(dir.resolve(g.name()));
            ReferenceTokenizer ref = ReferenceTokenizer.read(d, g.name(), g.values(), g.presets());
            ref.verifyWeights();
            assertThat(ref.hasDiffusionDecoder()).isFalse();
            try (VqModel model = ref.load(); ImageTokenizer tok = ImageTokenizer.of(model);
                 SafetensorsReader io = SafetensorsReader.open(g.io())) {
                assertThat(model.stateDictKeys()).containsExactlyInAnyOrderElementsOf(
                        SafetensorsReader.open(g.model()).keys());
                List<TokenGrid> grids = tok.encodeModelUnits(rasters(io, "input"));
                long[] expected = io.longs("tokens");
                int[] ids = grids.stream().flatMapToInt(x -> Arrays.stream(x.tokens())).toArray();
                assertThat(Arrays.stream(ids).asLongStream().toArray()).as("token ids").isEqualTo(expected);
                List<Raster> decoded = tok.decodeModelUnits(grids);
                float[] want = io.floats("decoded");
                double max = 0;
                int k = 0;
                for (Raster r : decoded) {
                    for (float v : r.data()) {
                        max = Math.max(max, Math.abs(v - want[k++]));
                    }
                }
                assertThat(k).isEqualTo(want.length);
                System.out.printf("reference layout %s: %d tokens identical, decoded max |diff| %.3g%n", g.name(),
                        ids.length, max);
                assertThat(max).as("decoded max |diff|").isLessThanOrEqualTo(1e-5);
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> thePoseAndSamInstancePluginsTokenizerSettingTakesAReferenceDirectory() throws IOException {
        return variants().stream().filter(g -> g.name().startsWith("pose") || g.name().startsWith("sam_instance"))
                .map(g -> DynamicTest.dynamicTest(g.name(), () -> {
                    Path d = g.writeDirectory(dir.resolve("setting-" + g.name()));
                    com.typesafe.config.Config node = com.typesafe.config.ConfigFactory.parseString(
                            "tok { checkpoint = \"" + d.toString().replace("\\", "\\\\") + "\"\n"
                                    + "reference-presets { " + g.presetsHocon() + " } }");
                    try (CheckpointTokenizer t = CheckpointTokenizer.fromSetting(node, "tok", "test", g.name(),
                                 g.values()).orElseThrow();
                         SafetensorsReader io = SafetensorsReader.open(g.io())) {
                        int n = (int) io.info("input").shape()[0];
                        long[] ids = t.encode(io.floats("input"), n);
                        assertThat(ids).as("token ids").isEqualTo(io.longs("tokens"));
                        float[] got = t.decode(ids, n);
                        float[] want = io.floats("decoded");
                        assertThat(got).hasSameSizeAs(want);
                        double max = 0;
                        for (int i = 0; i < got.length; i++) {
                            max = Math.max(max, Math.abs(got[i] - want[i]));
                        }
                        assertThat(max).as("decoded max |diff|").isLessThanOrEqualTo(1e-5);
                    }
                    // without the plugin's values a directory is not taken
                    assertThatThrownBy(() -> CheckpointTokenizer.fromSetting(node.withoutPath(
                            "tok.reference-presets"), "tok", "test", g.name())).hasMessageContaining("tok.checkpoint");
                }));
    }

    @Test
    void theApiLoadsADirectoryAndTakesNaturalUnits() throws IOException {
        ReferenceGolden g = shared("rgb");
        Path d = g.writeDirectory(dir.resolve("api"));
        try (ImageTokenizer tok = ImageTokenizer.loadReference(d, ImageValueKit.rgb(), g.presets());
             SafetensorsReader io = SafetensorsReader.open(g.io())) {
            List<Raster> natural = new ArrayList<>();
            for (Raster r : rasters(io, "input")) {
                float[] v = r.data();
                for (int i = 0; i < v.length; i++) {
                    v[i] = (v[i] + 1f) / 2f; // [0, 1] pixels: the tokenizer applies 2x - 1 itself
                }
                natural.add(new Raster(r.channels(), r.height(), r.width(), v));
            }
            int[] ids = tok.encode(natural).stream().flatMapToInt(x -> Arrays.stream(x.tokens())).toArray();
            assertThat(Arrays.stream(ids).asLongStream().toArray()).isEqualTo(io.longs("tokens"));
            assertThat(tok.config().imageSize()).isEqualTo(48);
            assertThat(tok.config().patchSize()).isEqualTo(8);
            assertThat(tok.canDecode()).isTrue();
        }
    }

    @Test
    void weightsThatDisagreeWithTheConfigNameEveryKey() throws IOException {
        ReferenceGolden g = shared("rgb");
        Path d = dir.resolve("bad");
        Files.createDirectories(d);
        Files.writeString(d.resolve("config.json"), g.kwargs().toString());
        SafetensorsWriter w = new SafetensorsWriter();
        try (SafetensorsReader r = SafetensorsReader.open(g.model())) {
            for (String k : r.keys()) {
                TensorInfo t = r.info(k);
                if (k.equals("encoder.norm_mlp.weight")) {
                    continue; // missing
                }
                long[] shape = k.equals("quant_proj.bias") ? new long[] {4, 4} : t.shape(); // wrong shape
                w.add(k, t.dtype(), shape, r.bytes(k));
            }
            w.add("decoder.extra.weight", r.info("quant_proj.bias").dtype(), new long[] {16},
                    r.bytes("quant_proj.bias")); // unexpected
        }
        w.write(d.resolve("model.safetensors"));
        ReferenceTokenizer ref = ReferenceTokenizer.read(d, "rgb", ImageValueKit.rgb(), g.presets());
        assertThatThrownBy(ref::verifyWeights).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(d.resolve("model.safetensors").toString())
                .hasMessageContaining("missing: encoder.norm_mlp.weight")
                .hasMessageContaining("unexpected: decoder.extra.weight")
                .hasMessageContaining("shape mismatch: quant_proj.bias");
        assertThat(((CheckpointException) catchThrowable(ref::verifyWeights)).problems()).hasSize(3);
    }

    private static Throwable catchThrowable(org.assertj.core.api.ThrowableAssert.ThrowingCallable c) {
        return org.assertj.core.api.Assertions.catchThrowable(c);
    }

    private Path withKwargs(ReferenceGolden g, String name, java.util.function.Consumer<JsonObject> edit)
            throws IOException {
        Path d = dir.resolve(name);
        Files.createDirectories(d);
        JsonObject k = g.kwargs().deepCopy();
        edit.accept(k);
        Files.writeString(d.resolve("config.json"), k.toString());
        Files.copy(g.model(), d.resolve("model.safetensors"));
        return d;
    }

    @Test
    void anUnknownPresetListsTheKnownOnes() throws IOException {
        ReferenceGolden g = shared("rgb");
        Path d = withKwargs(g, "preset", k -> k.addProperty("enc_type", "vit_huge_enc"));
        assertThatThrownBy(() -> ReferenceTokenizer.read(d, "rgb", ImageValueKit.rgb(), g.presets()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(d.resolve("config.json").toString())
                .hasMessageContaining("'enc_type': unknown architecture preset 'vit_huge_enc'")
                .hasMessageContaining("vit_b_enc").hasMessageContaining("vit_l_enc")
                .hasMessageContaining("vit_tiny_enc")
                .hasMessageContaining("BottleneckMLP");
        // the tiny presets are the test's: without them the golden config names an unknown preset
        Path plain = withKwargs(g, "plain", k -> { });
        assertThatThrownBy(() -> ReferenceTokenizer.read(plain, "rgb", ImageValueKit.rgb(),
                ReferencePresets.builtIn())).hasMessageContaining("unknown architecture preset 'vit_tiny_enc'");
    }

    @Test
    void missingMistypedAndUnknownFieldsAreNamedWithWhatWasExpected() throws IOException {
        ReferenceGolden g = shared("rgb");
        Path d = withKwargs(g, "fields", k -> {
            k.remove("latent_dim");
            k.add("patch_size", new JsonPrimitive("8"));
            k.add("post_mlp", new JsonPrimitive(1));
            k.addProperty("dim_tokens", 32);
        });
        assertThatThrownBy(() -> ReferenceTokenizer.read(d, "rgb", ImageValueKit.rgb(), g.presets()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(d.resolve("config.json").toString())
                .hasMessageContaining("4 problems")
                .hasMessageContaining("'latent_dim': expected an integer, but it is missing")
                .hasMessageContaining("'patch_size': expected an integer, got \"8\"")
                .hasMessageContaining("'post_mlp': expected true or false, got 1")
                .hasMessageContaining("unknown key(s) [dim_tokens]");
    }

    @Test
    void outConvAndSeveralLucidCodebooksMapOntoTheConfigAndAEuclideanCodebookIsRefusedByKey() throws IOException {
        ReferenceGolden g = shared("rgb");
        Path d = withKwargs(g, "kinds", k -> {
            k.addProperty("out_conv", true);
            k.addProperty("num_codebooks", 2);
        });
        VqConfig c = ReferenceTokenizer.read(d, "rgb", ImageValueKit.rgb(), g.presets()).config();
        assertThat(c.outConv()).isTrue();
        assertThat(c.quantizer().heads()).isEqualTo(2);
        Path euclid = withKwargs(g, "euclid", k -> k.addProperty("norm_codes", false));
        assertThatThrownBy(() -> ReferenceTokenizer.read(euclid, "rgb", ImageValueKit.rgb(), g.presets()))
                .hasMessageContaining("'norm_codes': false");
        Path wrongValues = withKwargs(g, "values", k -> { });
        assertThatThrownBy(() -> ReferenceTokenizer.read(wrongValues, "depth", ImageValueKit.depth(), g.presets()))
                .hasMessageContaining(wrongValues.resolve("config.json").toString())
                .hasMessageContaining("depth has 1 channel, got channels = 3");
    }

    @Test
    void aTorchCheckpointWithForeignPickleContentIsRefusedByName() throws IOException {
        ReferenceGolden g = shared("rgb");
        Path d = dir.resolve("evil");
        Files.createDirectories(d);
        Files.writeString(d.resolve("config.json"), g.kwargs().toString());
        Path pth = d.resolve("model.pth");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(pth))) {
            zip.putNextEntry(new ZipEntry("archive/data.pkl"));
            zip.write(new byte[] {(byte) 0x80, 2, 'c', 'o', 's', '\n', 's', 'y', 's', 't', 'e', 'm', '\n', '.'});
            zip.closeEntry();
        }
        ReferenceTokenizer ref = ReferenceTokenizer.read(d, "rgb", ImageValueKit.rgb(), g.presets());
        assertThat(ref.weights()).isEqualTo(pth);
        assertThatThrownBy(ref::verifyWeights).isInstanceOf(IOException.class).hasMessageContaining(pth.toString())
                .hasMessageContaining("foreign pickle content: global os.system");
    }

    @Test
    void aDivaeGivesItsEncoderAndHandsTheDiffusionDecoderOn() throws IOException {
        Path json = SharedFiles.require(SHARED + "/divae_rgb.json");
        Path folder = json.getParent();
        JsonObject meta = com.google.gson.JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        Path d = dir.resolve("divae");
        Files.createDirectories(d);
        Files.writeString(d.resolve("config.json"), meta.getAsJsonObject("constructor_kwargs").toString());
        Files.copy(folder.resolve("divae_rgb.safetensors"), d.resolve("model.safetensors"));
        ReferencePresets presets = ReferencePresets.builtIn().with(ReferencePresets.fromConfig(ConfigFactory
                .parseString("vit_tiny_enc { type = vit, dim = 32, depth = 2, heads = 4 }")));
        ReferenceTokenizer ref = ReferenceTokenizer.read(d, "divae", ImageValueKit.rgb(), presets);
        assertThat(ref.hasDiffusionDecoder()).isTrue();
        JsonObject decoder = com.google.gson.JsonParser.parseString(ref.diffusionDecoderKwargs()).getAsJsonObject();
        assertThat(decoder.keySet()).contains("dec_type", "scheduler", "beta_schedule", "prediction_type",
                "num_train_timesteps").doesNotContain("enc_type", "latent_dim");
        assertThat(decoder.get("dec_type").getAsString()).isEqualTo("unet_patched_tiny");
        ref.verifyWeights();
        assertThatThrownBy(ref::load).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("diffusion decoder");
        try (VqModel enc = ref.loadEncoder(); ImageTokenizer tok = ImageTokenizer.of(enc);
             SafetensorsReader io = SafetensorsReader.open(folder.resolve("divae_rgb.io.safetensors"))) {
            int[] ids = tok.encodeModelUnits(rasters(io, "input")).stream()
                    .flatMapToInt(x -> Arrays.stream(x.tokens())).toArray();
            assertThat(Arrays.stream(ids).asLongStream().toArray()).isEqualTo(io.longs("tokens"));
            assertThat(tok.canDecode()).isFalse();
        }
    }

    @Test
    void theReferencesPresetsAreKnownWithTheirSizes() {
        ReferencePresets p = ReferencePresets.builtIn();
        assertThat(p.resolve("vit_b_enc")).isEqualTo(new VqConfig.Network(VqConfig.Arch.VIT, 768, 12, 12, 4));
        assertThat(p.resolve("vit_b_dec")).isEqualTo(p.resolve("vit_b_enc"));
        assertThat(p.resolve("vit_s_dec")).isEqualTo(new VqConfig.Network(VqConfig.Arch.VIT, 512, 8, 8, 4));
        assertThat(p.resolve("vit_l_enc")).isEqualTo(new VqConfig.Network(VqConfig.Arch.VIT, 1024, 24, 16, 4));
        assertThat(p.resolve("BottleneckMLP/B_6-Wi_1024"))
                .isEqualTo(new VqConfig.Network(VqConfig.Arch.BOTTLENECK_MLP, 1024, 6, 0, 4));
        assertThat(p.resolve("BottleneckMLP/B_3-Wi_24-Ex_2"))
                .isEqualTo(new VqConfig.Network(VqConfig.Arch.BOTTLENECK_MLP, 24, 3, 0, 2));
        assertThatThrownBy(() -> p.resolve("MLP/B_3-Wi_24")).hasMessageContaining("StandardMLP");
        assertThatThrownBy(() -> ReferencePresets.fromConfig(ConfigFactory.parseString(
                "vit_x { type = vit, dim = 30, depth = 2 }"))).hasMessageContaining("heads");
    }
}
