package fourm.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fourm.core.io.SafetensorsFormatException;
import fourm.core.io.SafetensorsReader;
import fourm.core.io.SafetensorsWriter;
import fourm.core.model.testing.TestModalities;
import fourm.testing.SharedFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The entry point behind {@code fourm forward}: defaults, output keys, errors. */
class ForwardRunnerTest {
    @TempDir
    Path dir;

    @Test
    void defaultsTakeTheLargestValidCountsAndTheReferenceShuffle() throws IOException {
        Path model = SharedFiles.require("reference/golden/swiglu_nobias/model.safetensors");
        Path inputs = SharedFiles.require("reference/golden/inputs.safetensors");
        Path out = dir.resolve("sub/out.safetensors");
        ForwardRunner.Summary s = ForwardRunner.run(ForwardRunner.Request.of(model, inputs, out).withCatalog(TestModalities.reference())
                .withIntermediates(false));
        assertThat(s.numEncoderTokens()).isEqualTo(30);
        assertThat(s.numDecoderTokens()).isEqualTo(41);
        assertThat(s.decoderOrder()).containsExactly("tok_depth@224", "caption", "tok_rgb@224");
        assertThat(s.modLoss()).containsOnlyKeys("caption", "tok_depth@224", "tok_rgb@224");
        try (SafetensorsReader r = SafetensorsReader.open(out)) {
            assertThat(r.keys()).containsExactlyInAnyOrder("logits.caption", "logits.tok_depth@224",
                    "logits.tok_rgb@224", "loss_mod", "loss_token", "mod_loss.caption", "mod_loss.tok_depth@224",
                    "mod_loss.tok_rgb@224");
            assertThat(r.info("logits.tok_rgb@224").shape()).containsExactly(2, 41, 256);
            assertThat(r.metadata()).containsEntry("decoder_modality_order", "tok_depth@224,caption,tok_rgb@224")
                    .containsEntry("num_encoder_tokens", "30").containsEntry("num_decoder_tokens", "41");
            assertThat((double) r.floats("loss_mod")[0]).isEqualTo(s.lossMod());
        }
        // with the golden token counts, the default order reproduces the golden loss without --decoder-order
        ForwardRunner.Summary asGolden = ForwardRunner.run(ForwardRunner.Request.of(model, inputs, out).withCatalog(TestModalities.reference())
                .withOptions(ForwardOptions.defaults().withNumDecoderTokens(48).withNumEncoderTokens(48)));
        try (SafetensorsReader golden = SafetensorsReader.open(
                SharedFiles.require("reference/golden/swiglu_nobias/outputs.safetensors"))) {
            assertThat(asGolden.lossMod()).isCloseTo(golden.floats("loss_mod")[0], org.assertj.core.api.Assertions
                    .within(1e-5));
        }
    }

    @Test
    void badInputsAreNamedAndNoOutputIsWritten() throws IOException {
        Path model = SharedFiles.require("reference/golden/gelu/model.safetensors");
        Path inputs = dir.resolve("inputs.safetensors");
        new SafetensorsWriter().addLongs("caption.tensor", new long[] {1, 4}, new long[4]).write(inputs);
        Path out = dir.resolve("out.safetensors");
        assertThatThrownBy(() -> ForwardRunner.run(ForwardRunner.Request.of(model, inputs, out).withCatalog(TestModalities.reference())))
                .isInstanceOf(SafetensorsFormatException.class).hasMessageContaining("inputs.safetensors")
                .hasMessageContaining("caption.input_mask");
        assertThat(Files.exists(out)).isFalse();
    }
}
