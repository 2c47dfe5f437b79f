package fourm.vq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one reader of a reference tokenizer's constructor arguments: typed reads, every problem reported at once. */
class ReferenceKwargsTest {
    @TempDir
    Path dir;

    @Test
    void readsTypedValuesWithDefaults() {
        ReferenceKwargs k = ReferenceKwargs.of(dir.resolve("config.json"), JsonParser.parseString(
                "{\"image_size\": 224, \"codebook_size\": \"16384\", \"enc_type\": \"vit_b_enc\", \"post_mlp\": true,"
                        + " \"ema_decay\": 0.9, \"ckpt_path\": null, \"unet_tiny\": {\"channel_mult\": [1, 2]}}")
                .getAsJsonObject());
        assertThat(k.integer("image_size", true)).isEqualTo(224);
        assertThat(k.integer("codebook_size", true)).isEqualTo(16384);
        assertThat(k.integer("patch_size", 16)).isEqualTo(16);
        assertThat(k.string("enc_type", null)).isEqualTo("vit_b_enc");
        assertThat(k.bool("post_mlp", false)).isTrue();
        assertThat(k.number("ema_decay", 0.99)).isEqualTo(0.9);
        assertThat(k.has("ckpt_path")).as("null is absent").isFalse();
        assertThat(k.node("unet_tiny", true, "").orElseThrow().ints("channel_mult")).containsExactly(1, 2);
        assertThat(k.problems()).isEmpty();
        k.check();
    }

    @Test
    void everyProblemIsReportedAtOnceNamingTheFileAndTheKey() {
        Path file = dir.resolve("config.json");
        ReferenceKwargs k = ReferenceKwargs.of(file, JsonParser.parseString(
                "{\"image_size\": \"48px\", \"post_mlp\": 1, \"patch_size\": 8.5, \"quant_type\": 3,"
                        + " \"unet_tiny\": {\"patch_size\": \"4\", \"channel_mult\": [1, \"2\"]}}").getAsJsonObject());
        k.integer("image_size", true);
        k.integer("latent_dim", true);
        k.integer("patch_size", true);
        k.bool("post_mlp", false);
        k.requiredString("quant_type");
        k.node("vit_tiny", true, "enc_type 'x' is not a preset");
        ReferenceKwargs u = k.node("unet_tiny", true, "").orElseThrow();
        u.integer("patch_size", true);
        u.ints("channel_mult");
        assertThat(k.problems()).containsExactly(
                "'image_size': expected an integer, got \"48px\"",
                "'latent_dim': expected an integer, but it is missing",
                "'patch_size': expected an integer, got 8.5",
                "'post_mlp': expected true or false, got 1",
                "'quant_type': expected a string, got 3",
                "'vit_tiny': expected an object (enc_type 'x' is not a preset), but it is missing",
                "'unet_tiny.patch_size': expected an integer, got \"4\"",
                "'unet_tiny.channel_mult': expected a list of integers, got [1,\"2\"]");
        assertThatThrownBy(k::check).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(file + ": 8 problems in the tokenizer config:\n  'image_size'");
    }

    @Test
    void aMetadataEntryNamesItsKeysUnderItsOwn() {
        ReferenceKwargs k = ReferenceKwargs.of(dir.resolve("t.safetensors"),
                JsonParser.parseString("{}").getAsJsonObject(), "fourm_divae.");
        k.integer("image_size_dec", true);
        assertThat(k.problems()).containsExactly("'fourm_divae.image_size_dec': expected an integer, but it is missing");
    }

    @Test
    void aDirectoryWithoutConfigOrWeightsAndABrokenFileAreNamed() throws IOException {
        assertThatThrownBy(() -> ReferenceKwargs.readDirectory(dir.resolve("none")))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining("none");
        assertThatThrownBy(() -> ReferenceKwargs.readDirectory(dir)).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("config.json");
        Files.writeString(dir.resolve("config.json"), "{\"image_size\": ");
        assertThatThrownBy(() -> ReferenceKwargs.readDirectory(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(dir.resolve("config.json").toString()).hasMessageContaining("not valid JSON");
        Files.writeString(dir.resolve("config.json"), "[1, 2]");
        assertThatThrownBy(() -> ReferenceKwargs.readDirectory(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected a JSON object");
        assertThatThrownBy(() -> ReferenceKwargs.weightsIn(dir)).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(dir.toString()).hasMessageContaining(List.of("model.safetensors",
                        "pytorch_model.bin", "model.pth", "model.pt").toString());
        Files.writeString(dir.resolve("model.pth"), "x");
        Files.writeString(dir.resolve("model.safetensors"), "x");
        assertThat(ReferenceKwargs.weightsIn(dir)).isEqualTo(dir.resolve("model.safetensors"));
    }
}
