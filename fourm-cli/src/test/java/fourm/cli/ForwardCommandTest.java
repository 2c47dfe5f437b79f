package fourm.cli;

import static fourm.cli.Run.fourm;
import static org.assertj.core.api.Assertions.assertThat;

import fourm.core.io.SafetensorsReader;
import fourm.core.io.SafetensorsWriter;
import fourm.core.io.TensorInfo;
import fourm.testing.SharedFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code fourm forward}, run in process: on the reference's golden weights and inputs its logits match the golden
 * outputs, and user errors exit with code 2 and one line.
 */
class ForwardCommandTest {
    static final double TOLERANCE = 1e-5;
    static final String ORDER = "tok_depth@224,caption,tok_rgb@224";

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"swiglu_nobias", "gelu"})
    void logitsMatchTheGoldenOutputs(String variant) throws IOException {
        Path model = SharedFiles.require("reference/golden/" + variant + "/model.safetensors");
        Path inputs = SharedFiles.require("reference/golden/inputs.safetensors");
        Path golden = SharedFiles.require("reference/golden/" + variant + "/outputs.safetensors");
        Path out = dir.resolve(variant + ".safetensors");

        Run r = fourm("forward", "--model", model.toString(), "--inputs", inputs.toString(), "--out", out.toString(),
                "--decoder-order", ORDER, "--num-encoder-tokens", "48", "--num-decoder-tokens", "48",
                "--expect", golden.toString());

        assertThat(r.exit()).as(r.err() + r.out()).isZero();
        assertThat(r.out()).contains("max |delta logit|", "OK (tolerance 1.00e-05)");
        assertThat(r.out()).contains("decoder order       " + ORDER, "encoder tokens      48",
                "decoder tokens      48", "loss (mod)", "loss (token)", "caption", "tok_rgb@224");
        try (SafetensorsReader g = SafetensorsReader.open(golden); SafetensorsReader ours = SafetensorsReader.open(out)) {
            int compared = 0;
            double worst = 0;
            for (TensorInfo t : g.tensors().values()) {
                if (!t.name().startsWith("logits.")) {
                    continue;
                }
                assertThat(ours.info(t.name()).shape()).as(t.name()).containsExactly(t.shape());
                float[] a = g.floats(t.name());
                float[] b = ours.floats(t.name());
                for (int i = 0; i < a.length; i++) {
                    worst = Math.max(worst, Math.abs((double) a[i] - b[i]));
                }
                compared++;
            }
            assertThat(compared).isEqualTo(3);
            assertThat(worst).as("max |delta logit| of %s", variant).isLessThanOrEqualTo(TOLERANCE);
            assertThat((double) ours.floats("loss_mod")[0]).isCloseTo(g.floats("loss_mod")[0],
                    org.assertj.core.api.Assertions.within(TOLERANCE));
            System.out.printf("fourm forward, golden %s: max |delta logit| = %.3g%n", variant, worst);
        }
    }

    @Test
    void expectingAnotherModelsOutputsFailsTheCheck() {
        Path model = SharedFiles.require("reference/golden/swiglu_nobias/model.safetensors");
        Path inputs = SharedFiles.require("reference/golden/inputs.safetensors");
        Path other = SharedFiles.require("reference/golden/gelu/outputs.safetensors");
        Run r = fourm("forward", "--model", model.toString(), "--inputs", inputs.toString(), "--out",
                dir.resolve("o.safetensors").toString(), "--decoder-order", ORDER, "--num-encoder-tokens", "48",
                "--num-decoder-tokens", "48", "--expect", other.toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(Main.FAILED);
        assertThat(r.out()).contains("MISMATCH");
    }

    @Test
    void aMissingFileIsAUserErrorOnOneLine() {
        Path inputs = SharedFiles.require("reference/golden/inputs.safetensors");
        Run r = fourm("forward", "--model", dir.resolve("nope.safetensors").toString(), "--inputs",
                inputs.toString(), "--out", dir.resolve("o.safetensors").toString());
        assertThat(r.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(r.err().strip()).doesNotContain("\n").startsWith("fourm: error: --model: no such file")
                .contains("nope.safetensors");
    }

    @Test
    void aCheckpointWithAMisshapedTensorIsAUserErrorNamingTheKey() throws IOException {
        Path model = SharedFiles.require("reference/golden/swiglu_nobias/model.safetensors");
        Path inputs = SharedFiles.require("reference/golden/inputs.safetensors");
        Path bad = dir.resolve("bad.safetensors");
        try (SafetensorsReader r = SafetensorsReader.open(model)) {
            SafetensorsWriter w = new SafetensorsWriter().putMetadata(r.metadata());
            for (TensorInfo t : r.tensors().values()) {
                if (t.name().equals("encoder.0.attn.proj.weight")) {
                    w.addFloats(t.name(), new long[] {64, 63}, new float[64 * 63]);
                } else {
                    w.add(t.name(), t.dtype(), t.shape(), r.bytes(t.name()));
                }
            }
            w.write(bad);
        }
        Path out = dir.resolve("o.safetensors");
        Run r = fourm("forward", "--model", bad.toString(), "--inputs", inputs.toString(), "--out", out.toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(Main.USER_ERROR);
        assertThat(r.err().strip()).doesNotContain("\n").startsWith("fourm: error: ")
                .contains("encoder.0.attn.proj.weight");
        assertThat(Files.exists(out)).isFalse();
    }

    @Test
    void aCheckpointWithANaNWeightIsAUserErrorNamingTheTensorUnlessAllowed() throws IOException {
        Path model = SharedFiles.require("reference/golden/swiglu_nobias/model.safetensors");
        Path inputs = SharedFiles.require("reference/golden/inputs.safetensors");
        Path bad = dir.resolve("nan.safetensors");
        String poisoned = "encoder.1.mlp.fc1.weight";
        try (SafetensorsReader r = SafetensorsReader.open(model)) {
            SafetensorsWriter w = new SafetensorsWriter().putMetadata(r.metadata());
            for (TensorInfo t : r.tensors().values()) {
                if (t.name().equals(poisoned)) {
                    float[] v = r.floats(t.name());
                    v[v.length / 2] = Float.NaN;
                    w.addFloats(t.name(), t.shape(), v);
                } else {
                    w.add(t.name(), t.dtype(), t.shape(), r.bytes(t.name()));
                }
            }
            w.write(bad);
        }
        Path out = dir.resolve("o.safetensors");
        Run r = fourm("forward", "--model", bad.toString(), "--inputs", inputs.toString(), "--out", out.toString(),
                "--decoder-order", ORDER, "--num-encoder-tokens", "48", "--num-decoder-tokens", "48");
        assertThat(r.exit()).as(r.err()).isEqualTo(Main.USER_ERROR);
        assertThat(r.err()).contains(poisoned).contains("NaN").doesNotContain("internal error");
        assertThat(Files.exists(out)).isFalse();
        Run allowed = fourm("forward", "--model", bad.toString(), "--inputs", inputs.toString(), "--out",
                out.toString(), "--decoder-order", ORDER, "--num-encoder-tokens", "48", "--num-decoder-tokens", "48",
                "--allow-non-finite");
        assertThat(allowed.err()).doesNotContain("internal error");
        assertThat(allowed.out() + allowed.err()).containsIgnoringCase("nan");
    }

    @Test
    void inputsWithAMissingKeyAndABadDecoderOrderAreUserErrors() throws IOException {
        Path model = SharedFiles.require("reference/golden/gelu/model.safetensors");
        Path inputs = SharedFiles.require("reference/golden/inputs.safetensors");
        Path partial = dir.resolve("partial.safetensors");
        new SafetensorsWriter().addLongs("caption.tensor", new long[] {1, 4}, new long[4]).write(partial);
        Path out = dir.resolve("o.safetensors");

        Run missing = fourm("forward", "--model", model.toString(), "--inputs", partial.toString(), "--out",
                out.toString());
        assertThat(missing.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(missing.err().strip()).doesNotContain("\n").contains("caption.input_mask");

        Run order = fourm("forward", "--model", model.toString(), "--inputs", inputs.toString(), "--out",
                out.toString(), "--decoder-order", "caption,tok_rgb@224,tok_nope");
        assertThat(order.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(order.err().strip()).doesNotContain("\n").contains("decoder order");
        assertThat(Files.exists(out)).isFalse();
    }
}
