package fourm.cli;

import static fourm.cli.Run.fourm;
import static org.assertj.core.api.Assertions.assertThat;

import fourm.api.MaskingPolicy;
import fourm.api.ModalityKind;
import fourm.api.ModalitySpec;
import fourm.api.PositionalScheme;
import fourm.core.io.SafetensorsReader;
import fourm.core.io.SafetensorsWriter;
import fourm.core.model.Checkpoints;
import fourm.core.model.FourMConfig;
import fourm.core.model.FourMModel;
import fourm.core.model.MlpKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fourm generate} end to end, in process, on a tiny random model: inputs written with the safetensors writer,
 * the output read back; and the errors a user can make.
 */
class GenerateCommandTest {
    static final int B = 2;
    static final int GRID = 16;
    static final int CAP = 10;

    @TempDir
    Path dir;
    Path model;
    Path plan;
    Path inputs;

    /** A {@code side x side} grid of ids with {@code vocab} ids. */
    static ModalitySpec grid(String key, int vocab, int side) {
        return ModalitySpec.builder(key, ModalityKind.IMAGE_TOKENS).optVocabSize(vocab).optImageSize(side)
                .optPatchSize(1).setPositional(PositionalScheme.SINCOS_2D).setEncoder(true).setDecoder(false)
                .setMasking(MaskingPolicy.RANDOM_TOKENS).build();
    }

    @BeforeEach
    void files() throws IOException {
        FourMConfig config = FourMConfig.builder().dim(16).encoderDepth(1).decoderDepth(1).numHeads(2)
                .mlp(MlpKind.SWIGLU).qkvBias(false).projBias(false).mlpBias(false).normBias(false)
                .modality(grid("tok_rgb@224", 32, 4), true, true)
                .modality(grid("tok_depth@224", 24, 4), true, true)
                .modality(ModalitySpec.builder("caption", ModalityKind.TOKEN_SEQUENCE).optVocabSize(40)
                        .setMaxTokens(12).setPositional(PositionalScheme.SINCOS_1D).setEncoder(true)
                        .setDecoder(false).setMasking(MaskingPolicy.SPAN).build(), true, true)
                .build();
        model = dir.resolve("tiny.safetensors");
        try (FourMModel m = FourMModel.create(config, 3)) {
            Checkpoints.save(m, model, Map.of());
        }
        plan = dir.resolve("plan.conf");
        Files.writeString(plan, """
                cond_domains = ["tok_rgb@224"]
                target_domains = ["tok_depth@224", caption]
                autoregression_schemes = [roar, autoregressive]
                decoding_steps = [3, null]
                temps = [1.0, 0.7]
                cfg_scales = [2.0, 1.0]
                cfg_grow_conditioning = true
                top_p = 0.9
                """);
        inputs = dir.resolve("in.safetensors");
        writeInputs(inputs, true);
    }

    /** rgb in full, depth an empty grid, caption [S_1] [S_1] 0 ... 0 [S_2] with only the first token visible. */
    static void writeInputs(Path file, boolean withTargetMask) throws IOException {
        long[] rgb = new long[B * GRID];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (i * 7) % 32;
        }
        boolean[] allTrue = new boolean[B * GRID];
        Arrays.fill(allTrue, true);
        long[] cap = new long[B * CAP];
        boolean[] capIn = new boolean[B * CAP];
        boolean[] capTg = new boolean[B * CAP];
        for (int b = 0; b < B; b++) {
            cap[b * CAP] = 5;
            cap[b * CAP + 1] = 5;
            cap[b * CAP + CAP - 1] = 6;
            for (int p = 0; p < CAP; p++) {
                capIn[b * CAP + p] = p > 0;
                capTg[b * CAP + p] = p == 0;
            }
        }
        long[] bl = {B, GRID};
        long[] bc = {B, CAP};
        SafetensorsWriter w = new SafetensorsWriter()
                .addLongs("tok_rgb@224.tensor", bl, rgb)
                .addBooleans("tok_rgb@224.input_mask", bl, new boolean[B * GRID])
                .addBooleans("tok_rgb@224.target_mask", bl, allTrue)
                .addLongs("tok_depth@224.tensor", bl, new long[B * GRID])
                .addBooleans("tok_depth@224.input_mask", bl, allTrue)
                .addLongs("caption.tensor", bc, cap)
                .addBooleans("caption.input_mask", bc, capIn)
                .addBooleans("caption.target_mask", bc, capTg);
        if (withTargetMask) {
            w.addBooleans("tok_depth@224.target_mask", bl, new boolean[B * GRID]);
        }
        w.write(file);
    }

    @Test
    void generatesEveryTargetAndWritesTheBatch() throws IOException {
        Path out = dir.resolve("out.safetensors");
        Run r = fourm("generate", "--model", model.toString(), "--plan", plan.toString(), "--inputs",
                inputs.toString(), "--out", out.toString(), "--seed", "17");
        assertThat(r.exit()).as(r.err() + r.out()).isZero();
        assertThat(r.out()).contains("tok_depth@224", "roar", "3 step(s), 16 token(s)", "caption", "autoregressive",
                "wrote " + out);
        try (SafetensorsReader o = SafetensorsReader.open(out)) {
            assertThat(o.info("tok_depth@224.tensor").shape()).containsExactly(B, GRID);
            long[] depth = o.longs("tok_depth@224.tensor");
            assertThat(Arrays.stream(depth).allMatch(t -> t >= 0 && t < 24)).isTrue();
            assertThat(o.booleans("tok_depth@224.input_mask")).doesNotContain(true);
            assertThat(o.booleans("tok_depth@224.target_mask")).doesNotContain(false);
            long[] rgb = o.longs("tok_rgb@224.tensor");
            assertThat(rgb[3]).isEqualTo(21);
            // the caption is merged: a full input without sentinels, right-padded with [PAD] (not an input)
            long[] cap = o.longs("caption.tensor");
            boolean[] capIn = o.booleans("caption.input_mask");
            int width = (int) o.info("caption.tensor").shape()[1];
            assertThat(width).isLessThanOrEqualTo(CAP - 1);
            for (int i = 0; i < cap.length; i++) {
                assertThat(cap[i] >= 4 && cap[i] < 204).as("no sentinel left at %d", i).isFalse();
                if (capIn[i]) {
                    assertThat(cap[i]).isZero();
                }
            }
            assertThat(o.booleans("caption.target_mask")).doesNotContain(false);
            assertThat(o.metadata()).containsEntry("seed", "17");
        }
        // the same seed gives the same file; the output is a valid input for another run (nothing left to decode)
        Path again = dir.resolve("again.safetensors");
        assertThat(fourm("generate", "--model", model.toString(), "--plan", plan.toString(), "--inputs",
                inputs.toString(), "--out", again.toString(), "--seed", "17", "--no-kv-cache").exit()).isZero();
        assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(out));
    }

    @Test
    void inputsWithTheReferencesMaskDtypesGiveTheSameResult() throws IOException {
        // As the reference's sampler writes a batch: decoder_attention_mask BOOL (all false); here also the masks of
        // one modality as I64 0/1.
        Path reference = dir.resolve("reference-dtypes.safetensors");
        try (SafetensorsReader in = SafetensorsReader.open(inputs)) {
            SafetensorsWriter w = new SafetensorsWriter();
            for (String k : in.keys()) {
                long[] shape = in.info(k).shape();
                if (k.startsWith("caption.") && k.endsWith("_mask")) {
                    w.addLongs(k, shape, in.longs(k));
                } else if (k.endsWith(".tensor")) {
                    w.addLongs(k, shape, in.longs(k));
                } else {
                    w.addBooleans(k, shape, in.booleans(k));
                }
                if (k.endsWith(".input_mask")) {
                    String m = k.substring(0, k.length() - ".input_mask".length());
                    w.addBooleans(m + ".decoder_attention_mask", shape, new boolean[(int) in.info(k).numel()]);
                }
            }
            w.write(reference);
        }
        Path a = dir.resolve("a.safetensors");
        Path b = dir.resolve("b.safetensors");
        Run ra = fourm("generate", "--model", model.toString(), "--plan", plan.toString(), "--inputs",
                inputs.toString(), "--out", a.toString(), "--seed", "5");
        Run rb = fourm("generate", "--model", model.toString(), "--plan", plan.toString(), "--inputs",
                reference.toString(), "--out", b.toString(), "--seed", "5");
        assertThat(ra.exit()).as(ra.err()).isZero();
        assertThat(rb.exit()).as(rb.err()).isZero();
        try (SafetensorsReader x = SafetensorsReader.open(a); SafetensorsReader y = SafetensorsReader.open(b)) {
            assertThat(y.keys()).containsExactlyElementsOf(x.keys());
            for (String k : x.keys()) {
                assertThat(y.bytes(k)).as(k).isEqualTo(x.bytes(k));
            }
        }
    }

    @Test
    void aPresetPlanFileAndOverrides() throws IOException {
        Path p = dir.resolve("preset.conf");
        Files.writeString(p, """
                preset = t2cr
                cond_domains = ["tok_rgb@224"]
                target_domains = ["tok_depth@224"]
                tokens_per_target = 16
                autoregression_schemes = roar
                decoding_steps = 4
                token_decoding_schedules = linear
                temps = 1.0
                temp_schedules = ${fourm.generate.presets.t2cr.temp_schedules}
                cfg_scales = 3.0
                cfg_schedules = constant
                """);
        Run r = fourm("generate", "--model", model.toString(), "--plan", p.toString(), "--inputs",
                inputs.toString(), "--out", dir.resolve("o.safetensors").toString());
        // the substitution brings two temperature schedules for one target: the plan is refused, naming the key
        assertThat(r.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(r.err()).contains("temp_schedules", "has 2 entries, expected one per target (1");
        Files.writeString(p, Files.readString(p).replace("${fourm.generate.presets.t2cr.temp_schedules}",
                "\"onex:0.5:0.5\""));
        Run ok = fourm("generate", "--model", model.toString(), "--plan", p.toString(), "--inputs",
                inputs.toString(), "--out", dir.resolve("o.safetensors").toString());
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("4 step(s), 16 token(s)");
    }

    @Test
    void userErrorsExitWithTwoAndNameWhatIsWrong() throws IOException {
        Path bad = dir.resolve("bad.safetensors");
        writeInputs(bad, false);
        Run r = fourm("generate", "--model", model.toString(), "--plan", plan.toString(), "--inputs",
                bad.toString(), "--out", dir.resolve("x.safetensors").toString());
        assertThat(r.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(r.err()).contains(bad.toString(), "tok_depth@224.target_mask", "missing");
        assertThat(r.err().lines()).hasSize(1);

        Path garbage = dir.resolve("garbage.safetensors");
        Files.writeString(garbage, "not a safetensors file");
        Run g = fourm("generate", "--model", model.toString(), "--plan", plan.toString(), "--inputs",
                garbage.toString(), "--out", dir.resolve("x.safetensors").toString());
        assertThat(g.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(g.err()).contains(garbage.toString());

        Path unknown = dir.resolve("unknown.conf");
        Files.writeString(unknown, Files.readString(plan).replace("caption]", "\"tok_normal@224\"]")
                .replace("autoregressive", "roar").replace("null", "2"));
        Run u = fourm("generate", "--model", model.toString(), "--plan", unknown.toString(), "--inputs",
                inputs.toString(), "--out", dir.resolve("x.safetensors").toString());
        assertThat(u.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(u.err()).contains(model.toString(), "no modality 'tok_normal@224' (a target)", unknown.toString(),
                "it has tok_rgb@224, tok_depth@224, caption");

        // A preset made for other modalities is blamed on the model, not on the preset's line in reference.conf.
        Path rgb2x = dir.resolve("rgb2x.conf");
        Files.writeString(rgb2x, "preset = rgb2x\n");
        Run p = fourm("generate", "--model", model.toString(), "--plan", rgb2x.toString(), "--inputs",
                inputs.toString(), "--out", dir.resolve("x.safetensors").toString());
        assertThat(p.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(p.err()).contains("the model " + model, "no modality 'rgb@224' (a condition)", "(preset rgb2x)",
                "it has tok_rgb@224, tok_depth@224, caption", "or choose another preset")
                .doesNotContain("reference.conf");
        assertThat(p.err().lines()).hasSize(1);

        Run missing = fourm("generate", "--model", dir.resolve("nope.safetensors").toString(), "--plan",
                plan.toString(), "--inputs", inputs.toString(), "--out", dir.resolve("x.safetensors").toString());
        assertThat(missing.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(missing.err()).contains("nope.safetensors", "does not exist");
        assertThat(Files.exists(dir.resolve("x.safetensors"))).isFalse();
    }

    @Test
    void theBenchmarkReportsBothPathsAndTheSpeedUp() {
        Run r = fourm("bench", "generate", "--preset", "fm_tiny_6e_6d_swiglu_nobias", "--vocab", "64",
                "--tokens", "3", "--warmup", "0", "--repeats", "1");
        assertThat(r.exit()).as(r.err() + r.out()).isZero();
        assertThat(r.out()).contains("kv cache", "no cache (head on last token)", "no cache (reference loop)",
                "ms/token", "speed-up", "same tokens: yes");
    }
}
