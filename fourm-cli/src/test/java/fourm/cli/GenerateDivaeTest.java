package fourm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.typesafe.config.Config;
import fourm.api.ModalitySpec;
import fourm.core.Fourm;
import fourm.core.ModalityRegistry;
import fourm.core.model.Checkpoints;
import fourm.core.model.FourMConfig;
import fourm.core.model.FourMModel;
import fourm.core.model.MlpKind;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fourm generate --input caption="..." --target tok_rgb@224} with a DiVAE as the rgb plugin's tokenizer: the
 * generated ids are decoded by the diffusion decoder into the written image. The DiVAE is the reference's tiny one
 * with every decoder tensor random (fourm-vq-diffusion's {@code src/test/resources/reference-golden/
 * divae_rgb_nonzero.*}: 64 codes, 48 px, 6 x 6 tokens), laid out as the reference publishes a tokenizer (a directory
 * with {@code config.json} and {@code model.safetensors}); the 4M is a tiny random one with caption and tok_rgb
 * resized to that grid and vocabulary.
 */
class GenerateDivaeTest {
    private static final Path GOLDEN = Path.of("../fourm-vq-diffusion/src/test/resources/reference-golden");
    private static final String RGB = "tok_rgb@224";
    private static final int SIDE = 48;

    @TempDir
    Path dir;

    /** The golden DiVAE as a reference tokenizer directory: its constructor arguments and sizes, its state dict. */
    private Path divaeDirectory() throws IOException {
        JsonObject meta = JsonParser.parseString(Files.readString(GOLDEN.resolve("divae_rgb_nonzero.json"),
                StandardCharsets.UTF_8)).getAsJsonObject();
        JsonObject config = meta.getAsJsonObject("constructor_kwargs").deepCopy();
        config.add("vit_tiny", meta.get("vit_tiny"));
        config.add("unet_tiny", meta.get("unet_tiny"));
        Path d = dir.resolve("divae_rgb");
        Files.createDirectories(d);
        Files.writeString(d.resolve("config.json"), config.toString(), StandardCharsets.UTF_8);
        Files.copy(GOLDEN.resolve("divae_rgb_nonzero.safetensors"), d.resolve("model.safetensors"));
        return d;
    }

    /** The rgb plugin resized to the DiVAE's grid and vocabulary, its tokenizer the DiVAE, decoding in 3 steps. */
    private Path config(String name, Path divae, long seed) throws IOException {
        Path conf = dir.resolve(name + ".conf");
        Files.writeString(conf, "fourm.modality.rgb.tokens { vocab-size = 64, image-size = " + SIDE
                + ", patch-size = 8, tokenizer { checkpoint = \"" + divae + "\", steps = 3, seed = " + seed
                + " } }\n", StandardCharsets.UTF_8);
        return conf;
    }

    /** A tiny random 4M of caption and the resized tok_rgb, as the configuration describes them. */
    private Path model(Path conf) throws IOException {
        Config root = Fourm.loadConfig(conf);
        ModalityRegistry registry = ModalityRegistry.discover();
        ModalitySpec caption = registry.create(root, "caption").spec();
        ModalitySpec rgb = registry.create(root, RGB).spec();
        assertThat(rgb.maxTokens()).isEqualTo(36);
        FourMConfig config = FourMConfig.builder().dim(16).encoderDepth(1).decoderDepth(1).numHeads(2)
                .mlp(MlpKind.SWIGLU).qkvBias(false).projBias(false).mlpBias(false).normBias(false)
                .modality(caption, true, true).modality(rgb, true, true).build();
        Path model = dir.resolve("model");
        Files.createDirectories(model);
        try (FourMModel m = FourMModel.create(config, 3)) {
            Checkpoints.save(m, model.resolve("model.safetensors"), Map.of());
        }
        return model;
    }

    private static Run generate(Path conf, Path model, Path out) {
        return Run.fourm(List.of("--config", conf.toString(), "generate", "--model", model.toString(),
                "--input", "caption=a red car on a street", "--target", RGB, "--set", RGB + ".steps=2", "--seed",
                "5", "--out", out.toString()));
    }

    @Test
    void aCaptionBecomesAnImageThroughTheDiffusionDecoder() throws IOException {
        Path divae = divaeDirectory();
        Path conf = config("divae", divae, 3);
        Path model = model(conf);

        Path out = dir.resolve("out");
        Run r = generate(conf, model, out);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains(RGB);

        JsonObject target = GenerateValuesTest.json(out.resolve(GenerateViews.SUMMARY)).getAsJsonObject("targets")
                .getAsJsonObject(RGB);
        JsonObject tokenizer = target.getAsJsonObject("tokenizer");
        assertThat(tokenizer.get("type").getAsString()).isEqualTo("divae");
        assertThat(tokenizer.get("checkpoint").getAsString()).isEqualTo(divae.toString());
        assertThat(target.getAsJsonArray("tokens")).hasSize(36);
        for (JsonElement id : target.getAsJsonArray("tokens")) {
            assertThat(id.getAsInt()).isBetween(0, 63);
        }
        assertThat(target.get("shape").getAsString()).isEqualTo("3x" + SIDE + "x" + SIDE);

        Path png = out.resolve("rgb.png");
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).as(png + " decodes").isNotNull();
        assertThat(image.getWidth()).isEqualTo(SIDE);
        assertThat(image.getHeight()).isEqualTo(SIDE);
        assertThat(distinctColours(image)).as("a decoded image, not a constant").isGreaterThan(16);
        float[] values = GenerateValuesTest.npy(out.resolve("rgb.npy"), 3, SIDE, SIDE);
        assertThat(GenerateValuesTest.boxed(values)).allSatisfy(v -> assertThat(Float.isFinite(v)).isTrue());

        // the same seeds give the same image, byte for byte
        Path again = dir.resolve("again");
        Run r2 = generate(conf, model, again);
        assertThat(r2.exit()).as(r2.err()).isZero();
        assertThat(Files.readAllBytes(again.resolve("rgb.png"))).isEqualTo(Files.readAllBytes(png));
        assertThat(Files.readAllBytes(again.resolve("rgb.npy"))).isEqualTo(Files.readAllBytes(out.resolve("rgb.npy")));

        // the same tokens with another seed of the sampler's noise: another image (the decoder samples)
        Path other = dir.resolve("other");
        Run r3 = generate(config("seed4", divae, 4), model, other);
        assertThat(r3.exit()).as(r3.err()).isZero();
        JsonObject otherTarget = GenerateValuesTest.json(other.resolve(GenerateViews.SUMMARY))
                .getAsJsonObject("targets").getAsJsonObject(RGB);
        assertThat(otherTarget.getAsJsonArray("tokens")).isEqualTo(target.getAsJsonArray("tokens"));
        assertThat(Files.readAllBytes(other.resolve("rgb.npy"))).isNotEqualTo(Files.readAllBytes(out.resolve("rgb.npy")));
    }

    @Test
    void thePndmSamplerOnAnX0DivaeIsAUserErrorNamingTheKey() throws IOException {
        Path divae = divaeDirectory();
        Path model = model(config("divae", divae, 3));
        Path conf = dir.resolve("pndm.conf");
        Files.writeString(conf, "fourm.modality.rgb.tokens { vocab-size = 64, image-size = " + SIDE
                + ", patch-size = 8, tokenizer { checkpoint = \"" + divae + "\", scheduler = pndm } }\n",
                StandardCharsets.UTF_8);
        Run r = generate(conf, model, dir.resolve("o"));
        assertThat(r.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(r.err()).contains("tokenizer.scheduler", "predicts x0", "ddpm or ddim");
        assertThat(dir.resolve("o")).doesNotExist();
    }

    private static int distinctColours(BufferedImage image) {
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours.size();
    }
}
