package fourm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import fourm.core.io.SafetensorsReader;
import fourm.testing.SharedFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fourm detokenize --modality tok_rgb@224} with a DiVAE tokenizer (the shared golden {@code divae_rgb}, made by
 * the reference): the ids go through the plugin's tokenizer decode, the diffusion decoder, into a PNG per sequence;
 * the same call the user-level sampler makes for a generated {@code tok_rgb@224}.
 */
class DivaeDetokenizeCommandTest {
    @TempDir
    Path dir;

    private Path config(Path checkpoint) throws IOException {
        Path conf = dir.resolve("divae.conf");
        Files.writeString(conf, "fourm.modality.rgb.tokens { vocab-size = 320, image-size = 48, patch-size = 8, "
                + "tokenizer { type = divae, checkpoint = \"" + checkpoint + "\", steps = 2, seed = 3 } }\n",
                StandardCharsets.UTF_8);
        return conf;
    }

    @Test
    void detokenizeWritesTheDiffusionDecodedImages() throws IOException {
        Path weights = SharedFiles.require("reference/golden/tokenizers/divae_rgb.safetensors");
        long[] tokens;
        try (SafetensorsReader r = SafetensorsReader.open(
                SharedFiles.require("reference/golden/tokenizers/divae_rgb.io.safetensors"))) {
            tokens = r.longs("tokens");
        }
        String first = Arrays.stream(tokens, 0, 36).mapToObj(Long::toString).collect(Collectors.joining(","));
        String second = Arrays.stream(tokens, 36, 72).mapToObj(Long::toString).collect(Collectors.joining(","));
        Path out = dir.resolve("out");
        Run r = Run.fourm("detokenize", "--config", config(weights).toString(), "--modality",
                "tok_rgb@224", "--output", out.toString(), first, second);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines()).hasSize(2);
        for (String line : r.out().lines().toList()) {
            BufferedImage image = ImageIO.read(Path.of(line).toFile());
            assertThat(image.getWidth()).isEqualTo(48);
            assertThat(image.getHeight()).isEqualTo(48);
        }
    }

    @Test
    void anIdOutsideTheVocabularyIsAUserError() throws IOException {
        Path weights = SharedFiles.require("reference/golden/tokenizers/divae_rgb.safetensors");
        String ids = "320" + ",0".repeat(35);
        Run r = Run.fourm("detokenize", "--config", config(weights).toString(), "--modality",
                "tok_rgb@224", "--output", dir.toString(), ids);
        assertThat(r.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(r.err()).contains("outside the vocabulary");
    }
}
