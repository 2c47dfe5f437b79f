package fourm.modality.rgb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import fourm.api.Modality;
import fourm.api.ModalityTokenizer;
import fourm.core.io.SafetensorsDType;
import fourm.core.io.SafetensorsReader;
import fourm.core.io.SafetensorsWriter;
import fourm.testing.SharedFiles;
import fourm.vq.Raster;
import fourm.vq.modality.ImageTokenModality;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rgb plugin with a DiVAE tokenizer in the reference's layout (a directory with {@code config.json}, the DiVAE
 * constructor's arguments, and {@code model.safetensors}), built from the shared golden {@code divae_rgb} made by the
 * reference: every key of the state dict loads (strict loading, no unexpected key), the golden input encodes to the
 * reference's tokens, and decoding runs through the diffusion decoder with the node's steps and seed.
 */
class RgbDivaeTokenizerTest {
    private static final String DIR = "reference/golden/tokenizers/";

    @TempDir
    Path dir;

    /** The reference's layout: config.json (constructor kwargs + the tiny presets' sizes) and model.safetensors. */
    private Path referenceDirectory(Path weights) throws IOException {
        JsonObject golden = JsonParser.parseString(Files.readString(SharedFiles.require(DIR + "divae_rgb.json"),
                StandardCharsets.UTF_8)).getAsJsonObject();
        JsonObject config = golden.getAsJsonObject("constructor_kwargs").deepCopy();
        config.add("vit_tiny", golden.get("vit_tiny"));
        config.add("unet_tiny", golden.get("unet_tiny"));
        Path d = Files.createDirectories(dir.resolve("divae_rgb"));
        Files.writeString(d.resolve("config.json"), config.toString(), StandardCharsets.UTF_8);
        Files.createSymbolicLink(d.resolve("model.safetensors"), weights);
        return d;
    }

    private Config node(Path checkpoint, String extra) {
        Config plugin = ConfigFactory.defaultReference().getConfig(new RgbTokensProvider().configPath());
        return ConfigFactory.parseString("vocab-size = 320, image-size = 48, patch-size = 8, "
                        + "tokenizer { checkpoint = \"" + checkpoint + "\", steps = 3, seed = 11 } " + extra)
                .withFallback(plugin);
    }

    private static Raster golden(SafetensorsReader io, int index) throws IOException {
        float[] all = io.floats("input");
        int per = 3 * 48 * 48;
        float[] v = new float[per];
        for (int i = 0; i < per; i++) {
            v[i] = (all[index * per + i] + 1) / 2;
        }
        return new Raster(3, 48, 48, v);
    }

    @Test
    void aReferenceLayoutDivaeLoadsThroughThePluginAndDecodesThroughTheUNet() throws IOException {
        Path d = referenceDirectory(SharedFiles.require(DIR + "divae_rgb.safetensors"));
        Modality m = new RgbTokensProvider().create(node(d, ""));
        try (SafetensorsReader io = SafetensorsReader.open(SharedFiles.require(DIR + "divae_rgb.io.safetensors"))) {
            assertThat(m.tokenizerInfo().type()).isEqualTo("divae");
            @SuppressWarnings("unchecked")
            ModalityTokenizer<Raster> t = (ModalityTokenizer<Raster>) m.tokenizer().orElseThrow();
            long[] expected = io.longs("tokens");
            int[] tokens = t.encode(golden(io, 0));
            for (int i = 0; i < tokens.length; i++) {
                assertThat((long) tokens[i]).as("token %d", i).isEqualTo(expected[i]);
            }
            Raster a = t.decode(tokens);
            Raster b = t.decode(tokens);
            assertThat(a.channels()).isEqualTo(3);
            assertThat(a.height()).isEqualTo(48);
            assertThat(a.data()).isEqualTo(b.data());
        } finally {
            ((ImageTokenModality) m).close();
        }
    }

    @Test
    void theFlatGoldenFormLoadsAndAnExtraKeyIsNamed() throws IOException {
        Path flat = SharedFiles.require(DIR + "divae_rgb.safetensors");
        Modality m = new RgbTokensProvider().create(node(flat, ", tokenizer.scheduler = ddim"));
        try {
            assertThat(((ImageTokenModality) m).imageTokenizer().tokenizer().config().vocabSize()).isEqualTo(320);
        } finally {
            ((ImageTokenModality) m).close();
        }
        Path extra = dir.resolve("extra.safetensors");
        try (SafetensorsReader r = SafetensorsReader.open(flat)) {
            SafetensorsWriter w = new SafetensorsWriter();
            for (String k : r.tensors().keySet()) {
                w.add(k, SafetensorsDType.F32, r.tensors().get(k).shape(), littleEndian(r.floats(k)));
            }
            w.add("post_quant_proj.weight", SafetensorsDType.F32, new long[] {1, 16, 1, 1},
                    littleEndian(new float[16]));
            w.write(extra);
        }
        Modality bad = new RgbTokensProvider().create(node(referenceDirectory(extra), ""));
        assertThatThrownBy(() -> bad.tokenizer().orElseThrow().decode(new int[36]))
                .hasMessageContaining("unexpected: post_quant_proj.weight");
    }

    private static ByteBuffer littleEndian(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b;
    }

    @Test
    void badSamplingSettingsNameTheirKey() throws IOException {
        Path flat = SharedFiles.require(DIR + "divae_rgb.safetensors");
        assertThatThrownBy(() -> new RgbTokensProvider().create(node(flat, ", tokenizer.steps = 0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("tokenizer.steps");
        assertThatThrownBy(() -> new RgbTokensProvider().create(node(flat, ", tokenizer.scheduler = pndm")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("tokenizer.scheduler");
    }
}
